"""The base template, the error pages and the public site."""

import pytest
from django.test import RequestFactory

from accounts.roles import Role
from tenants.views import error_500

from .conftest import login


def test_the_base_template_is_french_and_accessible(as_role):
    page = as_role(Role.FORMATEUR).get("/formateur/").content.decode()
    assert '<html lang="fr">' in page
    assert 'class="skip-link" href="#contenu"' in page and 'id="contenu"' in page
    assert 'role="banner"' in page and 'role="main"' in page and 'role="contentinfo"' in page
    assert '<nav class="site-nav" aria-label="Navigation principale">' in page
    assert 'aria-current="page"' in page
    assert "CFA Alpha" in page  # the establishment's name in the header
    assert 'name="viewport"' in page


def test_the_login_form_has_real_labels(alpha_client):
    page = alpha_client.get("/comptes/login/").content.decode()
    assert '<label for="id_login">Adresse e-mail</label>' in page
    assert '<label for="id_password">Mot de passe</label>' in page
    assert "Recevoir un code de connexion par e-mail" in page
    assert "CFA Alpha" in page


def test_a_failed_login_says_why_in_french(alpha_client, personas):
    response = login(alpha_client, personas[Role.FORMATEUR].email, "mauvais")
    page = response.content.decode()
    assert 'role="alert"' in page and "incorrect" in page


def test_an_unknown_page_gets_the_french_404(as_role):
    response = as_role(Role.FORMATEUR).get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_the_500_page_needs_nothing_but_a_template(db):
    response = error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Une erreur est survenue" in page and "Rien n'a été modifié" in page


def test_open_sign_up_is_closed(alpha_client):
    response = alpha_client.get("/comptes/signup/")
    assert response.status_code in (200, 403)
    assert 'name="password2"' not in response.content.decode()


def test_logout_ends_the_session(as_role):
    client = as_role(Role.TUTEUR)
    assert client.post("/comptes/logout/").status_code == 302
    assert client.get("/tuteur/").status_code == 302


def test_the_public_site_presents_the_platform(public_client):
    page = public_client.get("/").content.decode()
    assert "livret d'apprentissage numérique" in page


def test_an_operator_sees_the_establishments(public_client, operator, alpha, beta):
    assert login(public_client, operator.email).status_code == 302
    page = public_client.get("/operateur/").content.decode()
    assert "CFA Alpha" in page and "Lycée Beta" in page and "alpha.localhost" in page


@pytest.mark.parametrize("url", ["/direction/", "/formateur/", "/apprenant/"])
def test_establishment_pages_do_not_exist_on_the_public_site(public_client, operator, url):
    login(public_client, operator.email)
    assert public_client.get(url).status_code == 404


def test_the_operators_list_of_establishments_runs_a_constant_number_of_queries(
        public_client, operator, alpha, beta, django_assert_max_num_queries):
    from tenants.models import Domain, Etablissement

    login(public_client, operator.email)
    with django_assert_max_num_queries(15) as two:
        public_client.get("/operateur/")
    for i in range(5):
        extra = Etablissement(schema_name=f"extra{i}", name=f"Extra {i}")
        extra.auto_create_schema = False  # the row is enough for the list
        extra.save()
        Domain.objects.create(domain=f"extra{i}.localhost", tenant=extra, is_primary=True)
    with django_assert_max_num_queries(15) as seven:
        html = public_client.get("/operateur/").content.decode()
    assert "extra4.localhost" in html and len(two) == len(seven)
