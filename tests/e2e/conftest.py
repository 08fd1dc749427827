"""Browser tests: Playwright drives the system Chromium against a live server.

The live server only sees committed data, so each test gets a throwaway establishment (cloned from the
template in under a second) that is dropped afterwards: the session's alpha and beta stay untouched.
"""

import datetime
import os
import shutil
import uuid
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from accounts.models import User
from demo.services import DEMO_PASSWORD, DEMO_PEOPLE, demo_referentiels_load, demo_seed
from referentiels.models import Referentiel
from scolarite.models import Apprenant, Classe, Formation, Inscription
from tenants.annees import annee_scolaire_of
from tenants.models import Abonnement, Etablissement
from tenants.services import etablissement_create, public_ensure
from tenants.validators import uai_check_letter

from ..conftest import PASSWORD, make_person

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium est absent en CI : .ci/run doit l'installer (apt-get install chromium).")
        pytest.skip("Chromium absent : sudo apt-get install chromium pour lancer les tests navigateur.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
    }


@pytest.fixture
def site(live_server, transactional_db):
    """A fresh establishment on <schema>.localhost:<port>, with the demo's people (one per role)."""
    schema = f"e2e_{uuid.uuid4().hex[:8]}"
    host = f"{schema.replace('_', '-')}.localhost"
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    connection.set_schema_to_public()
    public_ensure()
    etablissement = etablissement_create(
        schema=schema, name="CFA Navigateur", uai=number + uai_check_letter(number),
        domain=host, admin_email="admin@e2e.test", admin_password=PASSWORD,
    )
    for email, roles, *_ in DEMO_PEOPLE:
        make_person(etablissement, roles, email=email)
    connection.set_schema_to_public()
    port = live_server.url.rsplit(":", 1)[1]
    yield f"http://{host}:{port}"
    connection.set_schema_to_public()
    Etablissement.objects.get(schema_name=schema).delete(force_drop=True)


ELEVES_1CIEL = (("Dupont", "Léa", "apprenti@demo.cpro.local"), ("Martin", "Hugo", ""), ("Petit", "Zoé", ""))


@pytest.fixture
def classe_1ciel(site):
    """The throwaway establishment subscribes to Bac pro CIEL this year; the demo formateur teaches its 1CIEL-A,
    where the demo apprentie Léa Dupont, Hugo Martin and Zoé Petit have been enrolled since last September."""
    connection.set_schema_to_public()
    demo_referentiels_load()
    etablissement = Etablissement.objects.get(schema_name=site.split("//")[1].split(".")[0].replace("-", "_"))
    annee = annee_scolaire_of(timezone.localdate())
    abonnement = Abonnement.objects.create(etablissement=etablissement, annee_scolaire=annee,
                                           statut=Abonnement.Statut.PAYE)
    abonnement.lignes.create(referentiel_code="BACPRO-CIEL")
    ciel = Referentiel.objects.filter(code="BACPRO-CIEL").order_by("-version").first()
    with tenant_context(etablissement):
        formateur = User.objects.get(email="formateur@demo.cpro.local")
        formation = Formation.objects.create(referentiel=ciel, intitule="Bac pro CIEL")
        classe = Classe.objects.create(formation=formation, annee_scolaire=annee, code="1CIEL-A")
        classe.formateurs.set([formateur])
        apprenants = []
        for nom, prenom, email in ELEVES_1CIEL:
            apprenants.append(Apprenant.objects.create(
                nom=nom, prenom=prenom, user=User.objects.filter(email=email).first() if email else None))
            Inscription.objects.create(apprenant=apprenants[-1], classe=classe, statut="apprenti",
                                       debut=datetime.date(annee - 1, 9, 1))
    connection.set_schema_to_public()
    yield SimpleNamespace(etablissement=etablissement, ciel=ciel, formateur=formateur, classe=classe,
                          apprenants=apprenants, lea=apprenants[0])
    connection.set_schema_to_public()
    Abonnement.objects.filter(pk=abonnement.pk).delete()  # django-tenants drops the schema before its FK check


@pytest.fixture
def login_as(page, site):
    def _login(email: str, password: str = PASSWORD):
        page.goto(f"{site}/comptes/login/")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        return page

    return _login


@pytest.fixture
def demo_site(live_server, transactional_db, media_root):
    """A throwaway establishment seeded exactly like the demo of `make run`."""
    schema = f"a11y_{uuid.uuid4().hex[:8]}"
    host = f"{schema.replace('_', '-')}.localhost"
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    connection.set_schema_to_public()
    public_ensure()  # an earlier transactional test (any browser test) truncated the public tables
    etablissement = demo_seed(schema=schema, domain=host, uai=number + uai_check_letter(number))
    connection.set_schema_to_public()
    port = live_server.url.rsplit(":", 1)[1]
    yield {"etablissement": f"http://{host}:{port}", "public": f"http://localhost:{port}"}
    connection.set_schema_to_public()
    Abonnement.objects.filter(etablissement=etablissement).delete()  # django-tenants drops before its FK check
    Etablissement.objects.get(schema_name=schema).delete(force_drop=True)


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
