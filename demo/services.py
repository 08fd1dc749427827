"""The demo establishment that `make run` shows in the embedded default. Later issues enrich it."""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from tenants.models import Abonnement, Etablissement
from tenants.services import etablissement_create

from .bilans import demo_bilans
from .ccf import demo_ccf
from .entreprise import demo_entreprise

REFERENTIELS_DIR = Path(settings.BASE_DIR) / "fixtures" / "referentiels"
DEMO_IMPORT = Path(settings.BASE_DIR) / "fixtures" / "imports" / "exemple-ypareo.csv"
DEMO_REFERENTIELS = ["BACPRO-CIEL", "2TNE"]
DEMO_SCHEMA = "demo"
DEMO_PASSWORD = "cpro-demo-2026"
DEMO_OPERATOR = "operateur@demo.cpro.local"  # on the public site (http://localhost:8000/)
DEMO_PEOPLE = [
    # email, roles, first name, last name
    ("direction@demo.cpro.local", [Role.DIRECTION], "Claire", "Martin"),
    ("formateur@demo.cpro.local", [Role.FORMATEUR], "Karim", "Benali"),
    ("apprenti@demo.cpro.local", [Role.APPRENANT], "Léa", "Dupont"),
    ("tuteur@demo.cpro.local", [Role.TUTEUR], "Jean", "Moreau"),
    ("inspecteur@demo.cpro.local", [Role.INSPECTEUR], "Sophie", "Lambert"),
]


def demo_referentiels_load() -> list:
    """The transcribed official référentiels; re-importing an unchanged file writes nothing."""
    from referentiels.services import referentiel_import

    reports = [referentiel_import(path=path) for path in sorted(REFERENTIELS_DIR.glob("*.yaml"))]
    failed = [report for report in reports if not report.ok]
    if failed:
        raise RuntimeError(f"fixtures invalides : {[str(r.source) for r in failed]}")
    return reports


def demo_domain() -> str:
    return f"{DEMO_SCHEMA}.{settings.CPRO_BASE_DOMAIN}"


def demo_subscribe(etablissement: Etablissement, operator: User) -> None:
    """The current school year's subscription to the demo's référentiels, ordered and paid (on public)."""
    from tenants.selectors import abonnement_couverture
    from tenants.services import abonnement_commander, abonnement_marquer_paye

    couverture = abonnement_couverture(etablissement)
    missing = [code for code in DEMO_REFERENTIELS if code not in couverture.referentiel_codes]
    if missing:
        abonnement_commander(etablissement=etablissement, annee_scolaire=couverture.annee_scolaire,
                             referentiel_codes=missing, actor="démonstration")
    abonnement = abonnement_couverture(etablissement).abonnement
    if abonnement.statut != Abonnement.Statut.PAYE:
        abonnement_marquer_paye(abonnement=abonnement, actor=operator)


def demo_school_import(direction: User) -> None:
    """Classes, learners, companies, tuteurs and contracts from the example Yparéo file, through the import
    (inside the demo's schema). An unchanged file leaves no trace: the plan is checked before anything is stored."""
    from scolarite.imports.lecture import source_read
    from scolarite.imports.plan import plan_build
    from scolarite.services_import import import_apply, import_preview

    contenu = DEMO_IMPORT.read_bytes()
    plan = plan_build(source_read(contenu, DEMO_IMPORT.name))
    if plan.erreurs or plan.rejetees:
        raise RuntimeError(f"{DEMO_IMPORT.name} : {plan.erreurs or [ligne.raisons for ligne in plan.rejetees]}")
    if plan.has_changes:
        fichier = import_preview(contenu=contenu, nom_fichier=DEMO_IMPORT.name, user=direction)
        import_apply(import_fichier=fichier, actor=direction)


def demo_people_link(direction: User) -> None:
    """The demo accounts are the imported people: the apprentice Léa Dupont, the maître d'apprentissage Jean
    Moreau; the formateur teaches every imported classe."""
    from entreprise.models import Tuteur
    from scolarite.models import Apprenant, Classe
    from scolarite.services import classe_formateurs_set

    accounts = {user.email: user for user in User.objects.filter(email__in=[p[0] for p in DEMO_PEOPLE])}
    apprenti, tuteur_user = accounts["apprenti@demo.cpro.local"], accounts["tuteur@demo.cpro.local"]
    Apprenant.objects.filter(email=apprenti.email, user__isnull=True).update(user=apprenti)
    Tuteur.objects.filter(email=tuteur_user.email, user__isnull=True).update(user=tuteur_user)
    formateur = accounts["formateur@demo.cpro.local"]
    for classe in Classe.objects.exclude(formateurs=formateur):
        classe_formateurs_set(classe=classe, formateurs=[*classe.formateurs.all(), formateur], actor=direction)


DEMO_FICHE_TP = Path(settings.BASE_DIR) / "fixtures" / "demo" / "fiche-tp-reseau-agence.txt"
DEMO_SCENARIOS = [
    # title, criteria codes, RAP tasks, local success indicators, context
    ("Installer et configurer le réseau d'une agence",
     ["C09.1", "C09.2", "C09.3", "C09.4", "C09.5", "C10.3"], ["R2-T4", "R2-T5", "R3-T2"],
     {"C09.3": "Les quatre postes joignent l'imprimante ; le VLAN invités n'atteint pas les postes.",
      "C09.4": "Le client a testé l'accès Internet depuis chaque poste.",
      "C10.3": "Le firmware installé est la dernière version stable du constructeur."},
     {"description": "Une agence immobilière s'installe : câbler, configurer le commutateur et les postes.",
      "cadre_professionnel": "Intervention chez un client, en binôme.",
      "problematique": "Mettre en service un réseau sûr pour quatre postes et des visiteurs, dans la journée.",
      "equipements": "Baie, commutateur administrable, 4 postes, imprimante réseau",
      "espace_formation": "Plateau réseaux"}),
    ("Diagnostiquer une panne de poste de travail",
     ["C11.1", "C11.2", "C11.3", "C11.4", "C01.2"], ["R3-T1", "R5-T1", "R5-T3"],
     {"C11.2": "La cause est nommée et prouvée par une mesure ou un journal."},
     {"description": "Un poste ne démarre plus : méthode de diagnostic, compte rendu au client.",
      "espace_formation": "Atelier maintenance"}),
]
# The first situation's grid, row by row (one code per criterion, in the scenario's order): a class mid-way.
DEMO_GRILLE = [
    ["S", "S", "RP", "S", "TS", "S"],
    ["TS", "TS", "S", "S", "TS", "RP"],
    ["RP", "S", "RP", "NR", "S", "NO"],
    ["S", "TS", "S", "S", "S", "S"],
    ["ABS", "ABS", "ABS", "ABS", "ABS", "ABS"],
    ["NR", "RP", "RP", "NR", "RP", "NO"],
]


def demo_pedagogie(formateur: User) -> None:
    """Two scenarios of the demo formateur on Bac pro CIEL, launched with 1CIEL-A, the first one evaluated
    through the grid's services (with a correction, a comment, an absence, and Léa's own positionnement) so
    that the grid, a cell's history and the livret have something to show; the second is left to try the grid."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from evaluations.models import Scenario
    from evaluations.services_grille import commentaire_apprenant_record, evaluation_record, positionnement_record
    from evaluations.services_scenario import (
        ressource_add,
        scenario_create,
        scenario_liaison_set,
        scenario_share,
        situation_create,
    )
    from referentiels.models import Critere, Tache
    from scolarite.models import Classe
    from scolarite.selectors import classe_inscriptions
    from tenants.annees import annee_scolaire_bounds, annee_scolaire_of

    if Scenario.objects.exists():
        return
    today = timezone.localdate()
    classe = Classe.objects.select_related("formation").filter(
        annee_scolaire=annee_scolaire_of(today), code="1CIEL-A").first()
    if classe is None:
        return
    referentiel = classe.formation.referentiel
    criteres = {c.code: c for c in Critere.objects.filter(referentiel=referentiel)}
    taches = {t.code: t for t in Tache.objects.filter(referentiel=referentiel)}
    quand = max(annee_scolaire_bounds(classe.annee_scolaire)[0] + datetime.timedelta(days=1),
                today - datetime.timedelta(days=14))
    apprenants = sorted((i.apprenant for i in classe_inscriptions(classe) if i.fin is None),
                        key=lambda a: a.user_id is None)[:len(DEMO_GRILLE)]  # Léa (who has an account) first
    for rang, (titre, codes, tache_codes, indicateurs, contexte) in enumerate(DEMO_SCENARIOS):
        scenario = scenario_create(auteur=formateur, referentiel=referentiel, titre=titre, **contexte)
        scenario_liaison_set(scenario=scenario, critere_ids=[criteres[c].pk for c in codes],
                             tache_ids=[taches[t].pk for t in tache_codes],
                             indicateurs={criteres[c].pk: texte for c, texte in indicateurs.items()}, actor=formateur)
        scenario_share(scenario=scenario, partage=True, actor=formateur)
        situation = situation_create(scenario=scenario, classe=classe, date=quand + datetime.timedelta(days=rang),
                                     created_by=formateur)
        if rang != 0:
            continue
        with DEMO_FICHE_TP.open("rb") as fiche:
            ressource_add(scenario=scenario, actor=formateur,
                          upload=SimpleUploadedFile(DEMO_FICHE_TP.name, fiche.read(), content_type="text/plain"))
        saisies = {}
        for apprenant, ligne in zip(apprenants, DEMO_GRILLE, strict=False):
            for code, valeur in zip(codes, ligne, strict=True):
                saisies[apprenant.pk, code] = evaluation_record(
                    situation=situation, apprenant=apprenant, critere=criteres[code], valeur=valeur,
                    auteur=formateur).evaluation
        lea = apprenants[0]  # her RP on the configuration, corrected after a second try: the cell has a history
        evaluation_record(situation=situation, apprenant=lea, critere=criteres[codes[2]], valeur="S",
                          vu=saisies[lea.pk, codes[2]], auteur=formateur,
                          commentaire="Reprise après correction du VLAN invités : conforme.")
        commentaire_apprenant_record(situation=situation, apprenant=lea, auteur=formateur,
                                     texte="Câblage soigné et méthodique. À travailler : documenter la "
                                           "configuration avant la mise en service.")
        if lea.user is not None:
            for code, valeur in zip(codes[:4], ["TS", "S", "S", "RP"], strict=True):
                positionnement_record(apprenant=lea, situation=situation, critere=criteres[code], valeur=valeur,
                                      auteur=lea.user)


def demo_seed(*, schema: str = DEMO_SCHEMA, domain: str | None = None, uai: str = "0750000T") -> Etablissement:
    """Create the demo establishment, its people and a platform operator, its subscription, and its school
    (classes, learners, companies, contracts) by importing the example file; running it again changes nothing.
    The browser tests seed a throwaway copy under another schema and domain."""
    demo_referentiels_load()
    operator = User.objects.filter(email=DEMO_OPERATOR).first()  # the public schema's users are operators
    if operator is None:
        operator = user_create(email=DEMO_OPERATOR, roles=[Role.OPERATEUR], first_name="Opérateur",
                               last_name="Démo", password=DEMO_PASSWORD)
    etablissement = Etablissement.objects.filter(schema_name=schema).first()
    direction_email, _, first, last = DEMO_PEOPLE[0]
    if etablissement is None:
        etablissement = etablissement_create(
            schema=schema, name="CFA de démonstration", uai=uai, domain=domain or demo_domain(),
            admin_email=direction_email, admin_password=DEMO_PASSWORD, kind=Etablissement.Kind.CFA,
            admin_first_name=first, admin_last_name=last,
        )
    with tenant_context(etablissement), transaction.atomic():
        for email, roles, first, last in DEMO_PEOPLE:
            if not User.objects.filter(email=email).exists():
                user_create(email=email, roles=roles, first_name=first, last_name=last, password=DEMO_PASSWORD)
    demo_subscribe(etablissement, operator)
    with tenant_context(etablissement), transaction.atomic():
        direction = User.objects.get(email=direction_email)
        demo_school_import(direction)
        demo_people_link(direction)
        demo_pedagogie(User.objects.get(email=DEMO_PEOPLE[1][0]))
        demo_ccf(formateur=User.objects.get(email=DEMO_PEOPLE[1][0]))
        demo_entreprise(direction=direction, formateur=User.objects.get(email=DEMO_PEOPLE[1][0]))
        demo_bilans(formateur=User.objects.get(email=DEMO_PEOPLE[1][0]))
    return etablissement
