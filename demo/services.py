"""The demo establishment that `make run` shows in the embedded default. Later issues enrich it."""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from tenants.models import Etablissement
from tenants.services import etablissement_create

REFERENTIELS_DIR = Path(settings.BASE_DIR) / "fixtures" / "referentiels"
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


def demo_seed() -> Etablissement:
    """Create the demo establishment, its people and a platform operator; running it again changes nothing."""
    demo_referentiels_load()
    if not User.objects.filter(email=DEMO_OPERATOR).exists():  # the public schema's users are operators
        user_create(email=DEMO_OPERATOR, roles=[Role.OPERATEUR], first_name="Opérateur", last_name="Démo",
                    password=DEMO_PASSWORD)
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
    return etablissement
