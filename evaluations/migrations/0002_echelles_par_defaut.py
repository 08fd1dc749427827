"""The scales found in the field, shipped in every establishment (the template schema is migrated like an
establishment and cloned with its rows). Frozen here: later changes to the defaults are new versions, made by
a later migration, never edits of this one.

Colours reach WCAG AA (≥ 4.5:1) with the text drawn on them: white text on the dark ones (#b3261e 6.5:1,
#18753c 5.8:1), the site's ink #1b1b1b on the light ones (≥ 9:1). See docs/echelles.md.
"""

from decimal import Decimal

from django.db import migrations

ROUGE, ORANGE, VERT_CLAIR, VERT = "#b3261e", "#f6b26b", "#a8d5a2", "#18753c"
JAUNE, BLEU = "#fce8b2", "#9ccbea"
QUATRE_MOTIFS = ("vide", "quart", "trois_quarts", "plein")

ECHELLES = [
    {
        "code": "performance",
        "nom": "Performance",
        "portee": "critere",
        "niveaux": [
            ("NR", "Non réalisé"),
            ("RP", "Réalisation partielle"),
            ("S", "Satisfaisante"),
            ("TS", "Très satisfaisante"),
        ],
        "etats": [("NO", "Non observé"), ("ABS", "Absent"), ("DISP", "Dispensé")],
    },
    {
        "code": "ccf",
        "nom": "CCF",
        "portee": "competence",
        "niveaux": [("TI", "Très insuffisant"), ("I", "Insuffisant"), ("B", "Bien"), ("TB", "Très bien")],
        "etats": [("NE", "Non évalué")],
    },
    {
        "code": "maitrise",
        "nom": "Maîtrise",
        "portee": "competence",
        "niveaux": [
            ("NM", "Non maîtrisé"),
            ("IM", "Insuffisamment maîtrisé"),
            ("M", "Maîtrisé"),
            ("BM", "Bien maîtrisé"),
        ],
        "etats": [("NE", "Non évalué")],
    },
    {
        "code": "liaison-entreprise",
        "nom": "Liaison entreprise",
        "portee": "entreprise",
        "niveaux": [("D", "Découvert"), ("ECA", "En cours d'acquisition"), ("A", "Acquis")],
        "etats": [("NV", "Non vu")],
        "couleurs": (JAUNE, BLEU, VERT),
        "motifs": ("vide", "moitie", "plein"),
    },
]


def install(apps, schema_editor):
    Echelle = apps.get_model("evaluations", "Echelle")
    EchelleVersion = apps.get_model("evaluations", "EchelleVersion")
    Niveau = apps.get_model("evaluations", "Niveau")
    EtatSpecial = apps.get_model("evaluations", "EtatSpecial")
    for spec in ECHELLES:
        if Echelle.objects.filter(code=spec["code"]).exists():
            continue
        echelle = Echelle.objects.create(code=spec["code"], nom=spec["nom"], portee=spec["portee"], en_usage=True)
        version = EchelleVersion.objects.create(echelle=echelle, numero=1)
        couleurs = spec.get("couleurs", (ROUGE, ORANGE, VERT_CLAIR, VERT))
        motifs = spec.get("motifs", QUATRE_MOTIFS)
        Niveau.objects.bulk_create(
            Niveau(version=version, rang=rang, code=code, libelle=libelle, couleur=couleurs[rang - 1],
                   valeur=Decimal(rang - 1), motif=motifs[rang - 1])
            for rang, (code, libelle) in enumerate(spec["niveaux"], start=1)
        )
        EtatSpecial.objects.bulk_create(
            EtatSpecial(version=version, rang=rang, code=code, libelle=libelle)
            for rang, (code, libelle) in enumerate(spec["etats"], start=1)
        )


class Migration(migrations.Migration):

    dependencies = [("evaluations", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
