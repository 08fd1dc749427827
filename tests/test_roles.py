"""Each role reaches its home page and is refused the others'."""

import pytest

from accounts.roles import Role

from .conftest import host_client, login, make_person

HOMES = {
    Role.DIRECTION: "/direction/",
    Role.FORMATEUR: "/formateur/",
    Role.APPRENANT: "/apprenant/",
    Role.TUTEUR: "/tuteur/",
    Role.INSPECTEUR: "/inspection/",
}
HEADINGS = {
    Role.DIRECTION: "Tableau de bord de la direction",
    Role.FORMATEUR: "Espace formateur",
    Role.APPRENANT: "Mon livret",
    Role.TUTEUR: "Espace tuteur",
    Role.INSPECTEUR: "Espace inspection",
}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_home_page(as_role, role):
    client = as_role(role)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == HOMES[role]
    assert HEADINGS[role] in response.content.decode()


@pytest.mark.parametrize("role", list(HOMES))
def test_it_refuses_the_other_roles_pages(as_role, role):
    client = as_role(role)
    for other, url in HOMES.items():
        if other != role:
            response = client.get(url)
            assert response.status_code == 403, (role, url)
            assert "Accès refusé" in response.content.decode()


@pytest.mark.parametrize("url", [*HOMES.values(), "/direction/personnes/", "/direction/personnes/inviter/"])
def test_it_sends_anonymous_visitors_to_the_login_page(alpha_client, url):
    response = alpha_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/?next=")


def test_a_person_with_two_roles_reaches_both_homes_and_sees_both_in_the_menu(alpha):
    make_person(alpha, [Role.FORMATEUR, Role.TUTEUR], email="double@alpha.test")
    client = host_client("alpha.localhost")
    login(client, "double@alpha.test")
    assert client.get("/formateur/").status_code == 200
    page = client.get("/tuteur/").content.decode()
    assert 'href="/formateur/"' in page and 'href="/tuteur/"' in page
    assert client.get("/direction/").status_code == 403


def test_the_menu_only_lists_the_persons_roles(as_role):
    page = as_role(Role.APPRENANT).get("/apprenant/").content.decode()
    assert 'href="/apprenant/"' in page
    assert 'href="/direction/"' not in page and 'href="/formateur/"' not in page


def test_a_person_without_role_is_told_so(alpha):
    make_person(alpha, [Role.TUTEUR], email="sansrole@alpha.test")
    from django_tenants.utils import tenant_context

    from accounts.models import User

    with tenant_context(alpha):
        User.objects.filter(email="sansrole@alpha.test").update(roles=[])
    client = host_client("alpha.localhost")
    login(client, "sansrole@alpha.test")
    response = client.get("/")
    assert response.status_code == 403
    assert "Aucun rôle" in response.content.decode()


def test_the_people_list_runs_a_constant_number_of_queries(as_role, alpha, django_assert_max_num_queries):
    client = as_role(Role.DIRECTION)
    for i in range(30):
        make_person(alpha, [Role.APPRENANT], email=f"apprenant{i}@alpha.test")
    # 10: the session, the user, the page, and the direction's subscription banner (one SELECT, with its SET).
    with django_assert_max_num_queries(10):
        response = client.get("/direction/personnes/")
    assert response.content.decode().count("apprenant") >= 30
    with django_assert_max_num_queries(10):
        client.get("/direction/")


@pytest.mark.parametrize("role", [Role.FORMATEUR, Role.APPRENANT, Role.TUTEUR, Role.INSPECTEUR])
def test_only_the_direction_sees_the_people_of_the_establishment(as_role, role):
    assert as_role(role).get("/direction/personnes/").status_code == 403


def test_the_operator_space_does_not_exist_on_an_establishments_site(as_role):
    assert as_role(Role.DIRECTION).get("/operateur/").status_code == 404
