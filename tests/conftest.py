"""Fixed personas per role in establishment `alpha`, a second establishment `beta`, and the public site.

The schemas are built once per session (the template, then alpha and beta cloned from it); each test runs
in one transaction rolled back at the end, which covers every schema at once.
"""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_tenants.utils import get_public_schema_name, schema_exists, tenant_context

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from tenants.annees import annee_scolaire_of
from tenants.models import Abonnement, Domain, Etablissement
from tenants.services import platform_migrate, public_ensure

PASSWORD = "mot-de-passe-de-test"
TENANTS = {
    "alpha": ("CFA Alpha", "alpha.localhost", "0841234K"),
    "beta": ("Lycée Beta", "beta.localhost", "0691234S"),
}
PUBLIC_HOST = "localhost"
SUBSCRIBED = ["BACPRO-CIEL", "2TNE"]  # alpha and beta subscribe to both for the current school year
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def ensure_etablissement(schema: str) -> Etablissement:
    """Tenant rows are re-created when a transactional test has truncated the public tables;
    the schemas themselves survive, so they are never migrated twice."""
    connection.set_schema_to_public()
    name, host, uai = TENANTS[schema]
    etablissement = Etablissement.objects.filter(schema_name=schema).first()
    if etablissement is None:
        etablissement = Etablissement(schema_name=schema, name=name, uai=uai)
        etablissement.auto_create_schema = not schema_exists(schema)
        etablissement.save(verbosity=0)
    Domain.objects.get_or_create(domain=host, defaults={"tenant": etablissement, "is_primary": True})
    subscribe(etablissement, SUBSCRIBED)
    public_ensure()
    return etablissement


def subscribe(etablissement, codes, *, annee=None, statut=Abonnement.Statut.PAYE) -> Abonnement:
    """A subscription of `etablissement` for `annee` (the current school year by default) covering `codes`."""
    from django.utils import timezone

    annee = annee if annee is not None else annee_scolaire_of(timezone.localdate())
    abonnement, _ = Abonnement.objects.get_or_create(etablissement=etablissement, annee_scolaire=annee,
                                                     defaults={"statut": statut})
    for code in codes:
        abonnement.lignes.get_or_create(referentiel_code=code)
    return abonnement


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        platform_migrate(verbosity=0)
        for schema in TENANTS:
            ensure_etablissement(schema)
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _clean_state():
    cache.clear()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def alpha(db):
    return ensure_etablissement("alpha")


@pytest.fixture
def beta(db):
    return ensure_etablissement("beta")


@pytest.fixture
def ciel(public):
    """The transcribed Bac pro CIEL référentiel in the catalogue."""
    from referentiels.services import referentiel_import

    report = referentiel_import(path=FIXTURES / "referentiels" / "bacpro-ciel.yaml", dry_run=False)
    assert report.ok, report.lines()
    return report.referentiel


@pytest.fixture
def public(db):
    connection.set_schema_to_public()
    return public_ensure()


def make_person(etablissement, role_or_roles, email=None, password=PASSWORD) -> User:
    roles = [role_or_roles] if isinstance(role_or_roles, str) else list(role_or_roles)
    email = email or f"{'-'.join(roles)}@{etablissement.schema_name}.test"
    with tenant_context(etablissement):
        return user_create(email=email, roles=roles, password=password,
                           first_name=roles[0].capitalize(), last_name=etablissement.schema_name.upper())


@pytest.fixture
def personas(alpha):
    """One account per role in alpha, named after the role: personas["formateur"]..."""
    people = {role.value: make_person(alpha, role.value) for role in Role if role != Role.OPERATEUR}
    connection.set_schema_to_public()
    return people


@pytest.fixture
def charlie(beta):
    """Direction of beta, with the same email as alpha's direction: should have no access to alpha's stuff."""
    user = make_person(beta, Role.DIRECTION, email="direction@alpha.test")
    connection.set_schema_to_public()
    return user


@pytest.fixture
def operator(public):
    user = User.objects.create_user("operateur@cpro.test", PASSWORD, roles=[Role.OPERATEUR])
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def host_client(host: str) -> Client:
    return Client(HTTP_HOST=host)


@pytest.fixture
def alpha_client(alpha):
    return host_client("alpha.localhost")


@pytest.fixture
def beta_client(beta):
    return host_client("beta.localhost")


@pytest.fixture
def public_client(public):
    return host_client(PUBLIC_HOST)


def login(client: Client, email: str, password: str = PASSWORD):
    response = client.post("/comptes/login/", {"login": email, "password": password})
    connection.set_schema_to_public()
    return response


def call(client: Client, method: str, url: str, data=None, **extra):
    """A request through `client`, the connection back on the public schema afterwards (as a new request finds it)."""
    response = getattr(client, method)(url, data or {}, **extra)
    connection.set_schema_to_public()
    return response


def logged(email: str, host: str = "alpha.localhost") -> Client:
    client = host_client(host)
    assert login(client, email).status_code == 302
    return client


def queries_of(client: Client, url: str) -> int:
    """How many SQL queries a GET of `url` runs (it must answer 200)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert call(client, "get", url).status_code == 200
    return len(queries)


@pytest.fixture
def as_role(alpha_client, personas):
    """A client of alpha logged in as the persona of `role`."""

    def _as(role: str) -> Client:
        client = host_client("alpha.localhost")
        response = login(client, personas[role].email)
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return _as


@pytest.fixture
def public_schema_name():
    return get_public_schema_name()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder. django-tenants' storage caches the media root and does not reset it
    when MEDIA_ROOT changes (its setting_changed handler only watches MULTITENANT_RELATIVE_MEDIA_ROOT)."""
    from django.core.files.storage import storages

    settings.MEDIA_ROOT = str(tmp_path)
    storages["default"].__dict__.pop("relative_media_root", None)
    yield tmp_path
    storages["default"].__dict__.pop("relative_media_root", None)
