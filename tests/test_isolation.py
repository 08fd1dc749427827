"""No account, session or cache entry crosses establishments."""

from django.core.cache import cache
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.roles import Role

from .conftest import PASSWORD, host_client, login, make_person


def test_an_account_of_alpha_cannot_log_into_beta(personas, beta_client):
    response = login(beta_client, personas[Role.DIRECTION].email)
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in beta_client.session
    assert beta_client.get("/direction/").status_code == 302


def test_an_account_of_alpha_cannot_log_into_the_public_site(personas, public_client):
    login(public_client, personas[Role.DIRECTION].email)
    assert public_client.get("/operateur/").status_code == 302


def test_a_session_cookie_of_alpha_is_not_accepted_on_beta(personas, beta):
    alpha = host_client("alpha.localhost")
    assert login(alpha, personas[Role.DIRECTION].email).status_code == 302
    assert alpha.get("/direction/").status_code == 200
    stolen = alpha.cookies["sessionid"].value

    thief = host_client("beta.localhost")
    thief.cookies["sessionid"] = stolen
    response = thief.get("/direction/")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_the_same_email_in_two_establishments_is_two_separate_accounts(personas, charlie):
    beta = host_client("beta.localhost")
    assert login(beta, charlie.email).status_code == 302
    page = beta.get("/direction/personnes/").content.decode()
    assert "BETA" in page and "ALPHA" not in page


def test_the_people_list_shows_only_its_own_establishment(as_role, beta):
    make_person(beta, Role.APPRENANT, email="marqueur-beta@beta.test")
    page = as_role(Role.DIRECTION).get("/direction/personnes/").content.decode()
    assert "marqueur-beta" not in page
    assert "apprenant@alpha.test" in page


def test_cache_keys_are_prefixed_with_the_schema(alpha, beta):
    with tenant_context(beta):
        cache.set("livret", "beta")
    with tenant_context(alpha):
        assert cache.get("livret") is None
        cache.set("livret", "alpha")
    with tenant_context(beta):
        assert cache.get("livret") == "beta"


def test_an_unknown_host_gets_a_404(db):
    response = host_client("inconnu.localhost").get("/")
    assert response.status_code == 404


def test_each_request_runs_on_its_own_schema(personas, beta):
    client = host_client("alpha.localhost")
    client.get("/sante/")
    assert client.get("/sante/").json()["schema"] == "alpha"
    assert host_client("beta.localhost").get("/sante/").json()["schema"] == "beta"
    assert host_client("localhost").get("/sante/").json()["schema"] == "public"
    connection.set_schema_to_public()


def test_login_is_rate_limited_per_account(personas):
    client = host_client("alpha.localhost")
    email = personas[Role.FORMATEUR].email
    for _ in range(5):
        assert login(client, email, "mauvais").status_code == 200
    response = login(client, email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "trop" in response.content.decode().lower()
