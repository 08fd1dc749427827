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


DEMO_SCENARIOS = [
    # title, criteria (slice of the référentiel's criteria in order), context
    ("Installer et configurer le réseau d'une agence", slice(0, 6),
     {"description": "Une agence immobilière s'installe : câbler, configurer le commutateur et les postes.",
      "cadre_professionnel": "Intervention chez un client, en binôme.", "equipements": "Baie, commutateur, 4 postes",
      "espace_formation": "Plateau réseaux"}),
    ("Diagnostiquer une panne de poste de travail", slice(6, 11),
     {"description": "Un poste ne démarre plus : méthode de diagnostic, compte rendu au client.",
      "espace_formation": "Atelier maintenance"}),
]


def demo_pedagogie(formateur: User) -> None:
    """Two scenarios of the demo formateur on Bac pro CIEL, launched with 1CIEL-A; the first one evaluated for
    a few learners (Léa among them) through the grid's service, so the livret has something to show."""
    import datetime

    from django.utils import timezone

    from evaluations.models import Scenario
    from evaluations.selectors import echelle_list
    from evaluations.services_grille import evaluation_record
    from evaluations.services_scenario import scenario_create, scenario_share, situation_create
    from referentiels.models import Critere
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
    criteres = list(Critere.objects.filter(referentiel=referentiel).order_by("competence__rang", "rang"))
    quand = max(annee_scolaire_bounds(classe.annee_scolaire)[0] + datetime.timedelta(days=1),
                today - datetime.timedelta(days=14))
    codes = [n.code for n in echelle_list(portee="critere", en_usage=True)[0].version_courante.niveaux.all()]
    apprenants = [i.apprenant for i in classe_inscriptions(classe) if i.fin is None][:6]
    for rang, (titre, choix, contexte) in enumerate(DEMO_SCENARIOS):
        scenario = scenario_create(auteur=formateur, referentiel=referentiel, titre=titre,
                                   critere_ids=[c.pk for c in criteres[choix]], **contexte)
        scenario_share(scenario=scenario, partage=True, actor=formateur)
        situation = situation_create(scenario=scenario, classe=classe, date=quand + datetime.timedelta(days=rang),
                                     created_by=formateur)
        if rang == 0:
            for i, apprenant in enumerate(apprenants):
                for k, critere in enumerate(criteres[choix]):
                    evaluation_record(situation=situation, apprenant=apprenant, critere=critere,
                                      valeur=codes[(i + k) % len(codes)], auteur=formateur)


def demo_seed() -> Etablissement:
    """Create the demo establishment, its people and a platform operator, its subscription, and its school
    (classes, learners, companies, contracts) by importing the example file; running it again changes nothing."""
    demo_referentiels_load()
    operator = User.objects.filter(email=DEMO_OPERATOR).first()  # the public schema's users are operators
    if operator is None:
        operator = user_create(email=DEMO_OPERATOR, roles=[Role.OPERATEUR], first_name="Opérateur",
                               last_name="Démo", password=DEMO_PASSWORD)
    etablissement = Etablissement.objects.filter(schema_name=DEMO_SCHEMA).first()
    direction_email, _, first, last = DEMO_PEOPLE[0]
    if etablissement is None:
        etablissement = etablissement_create(
            schema=DEMO_SCHEMA, name="CFA de démonstration", uai="0750000T", domain=demo_domain(),
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
    return etablissement
