"""Who reads a learner's livret de suivi, and how much of it."""

import html

import pytest
from django.db import connection
from django.urls import reverse
from django_tenants.utils import tenant_context

from entreprise.models import Contrat
from scolarite.models import Apprenant

from ..conftest import host_client, login, make_person
from .conftest import DAY, TODAY, bilan_add, rate, situation_add

pytestmark = pytest.mark.django_db


def url(apprenant) -> str:
    return reverse("livret_apprenant", args=[apprenant.pk])


@pytest.fixture
def rempli(alpha, livret):
    """Léa rated in a centre situation (with a comment) and in a confirmed company bilan."""
    w = livret
    with tenant_context(alpha):
        tp = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=w.c03, date=TODAY - 9 * DAY,
                           titre="TP soudure au centre")
        rate(situation=tp, apprenant=w.lea, critere=w.c03[0], code="TS", auteur=w.formateur,
             commentaire="Remarque du centre")
        bilan_add(w, date=TODAY - 2 * DAY, valeurs={w.c03[0]: "A"}, commentaire="Vu en atelier")
    connection.set_schema_to_public()
    return w


def test_the_learner_reads_their_own_livret(rempli, as_role):
    page = as_role("apprenant").get(reverse("livret_mien")).content.decode()
    assert "Mon livret de suivi" in page and "TP soudure au centre" in page and "Bilan entreprise" in page
    assert "Très satisfaisante" in page and "Niveau suggéré" in page


def test_the_learner_home_links_to_the_livret(rempli, as_role):
    assert reverse("livret_mien") in as_role("apprenant").get("/apprenant/").content.decode()


def test_it_refuses_another_learners_livret(rempli, as_role):
    client = as_role("apprenant")
    assert client.get(url(rempli.lea)).status_code == 200
    assert client.get(url(rempli.hugo)).status_code == 404
    assert client.get(url(rempli.zoe)).status_code == 404


def test_a_formateur_reads_the_livret_of_a_learner_of_their_classes(rempli, as_role):
    response = as_role("formateur").get(url(rempli.lea))
    page = response.content.decode()
    assert response.status_code == 200 and "TP soudure au centre" in page and "Remarque du centre" in page
    assert as_role("formateur").get(url(rempli.zoe)).status_code == 404


def test_the_learner_detail_page_links_to_the_livret(rempli, as_role):
    page = as_role("formateur").get(reverse("apprenant_detail", args=[rempli.lea.pk])).content.decode()
    assert url(rempli.lea) in page


def test_another_formateur_gets_a_404(rempli, alpha_client):
    assert login(alpha_client, "autre-formateur@alpha.test").status_code == 302
    assert alpha_client.get(url(rempli.lea)).status_code == 404
    assert alpha_client.get(url(rempli.zoe)).status_code == 200


def test_a_tutor_sees_only_the_company_columns(rempli, as_role):
    client = as_role("tuteur")
    response = client.get(url(rempli.lea))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bilan entreprise" in page and "Acquis" in page and "Vu en atelier" in page
    assert "TP soudure au centre" not in page and "Remarque du centre" not in page and "Très satisfaisante" not in page
    assert "Niveau suggéré" not in page and "Dernier bilan" not in page and "Au centre" not in page
    assert client.get(url(rempli.hugo)).status_code == 404  # supervised by another tutor


def test_a_tutor_never_gets_centre_data_even_when_asking_for_it(rempli, as_role):
    page = html.unescape(as_role("tuteur").get(url(rempli.lea), {"nature": "formative"}).content.decode())
    assert "ne vous est pas accessible" in page and "TP soudure au centre" not in page


def test_a_tutor_sees_only_the_bilans_of_their_own_contracts(rempli, alpha, as_role):
    w = rempli
    with tenant_context(alpha):  # Léa's earlier contract, at Bureau Vert with another tutor
        ancien = Contrat.objects.create(type="apprentissage", apprenant=w.lea, entreprise=w.vert,
                                        debut=TODAY - 400 * DAY, fin=TODAY - 300 * DAY)
        ancien.tuteurs.add(w.autre_tuteur)
        bilan_add(w, date=TODAY - 320 * DAY, valeurs={w.c03[1]: "ECA"}, commentaire="Chez Bureau Vert",
                  contrat=ancien, tuteur=w.autre_tuteur)
    connection.set_schema_to_public()
    page = as_role("tuteur").get(url(w.lea)).content.decode()
    assert "Vu en atelier" in page and "Chez Bureau Vert" not in page
    assert "Chez Bureau Vert" in as_role("formateur").get(url(w.lea)).content.decode()


@pytest.mark.parametrize("role", ["direction", "inspecteur"])
def test_the_direction_and_the_inspection_read_the_livret(rempli, as_role, role):
    for apprenant in (rempli.lea, rempli.hugo, rempli.zoe):
        assert as_role(role).get(url(apprenant)).status_code == 200
    page = as_role(role).get(url(rempli.lea)).content.decode()
    main = page.split('id="contenu"', 1)[1]
    assert "TP soudure au centre" in main and "Bilan entreprise" in main and 'method="post"' not in main


def test_the_inspection_reads_the_livret(rempli, as_role):
    page = as_role("inspecteur").get(url(rempli.lea)).content.decode()
    assert "Niveau suggéré" in page and "Très satisfaisante" in page


def test_anonymous_people_go_to_the_login_page(rempli, alpha_client):
    assert alpha_client.get(url(rempli.lea)).status_code == 302
    assert alpha_client.get(reverse("livret_mien")).status_code == 302


def test_only_a_learner_has_a_livret_of_their_own(rempli, as_role):
    assert as_role("formateur").get(reverse("livret_mien")).status_code == 403


def test_a_learner_account_without_a_learner_file_gets_an_explanation(alpha, personas, as_role):
    response = as_role("apprenant").get(reverse("livret_mien"))
    assert response.status_code == 200 and "pas encore rattaché" in response.content.decode()


def test_beta_learner_is_not_found_from_alpha(rempli, alpha, beta, as_role):
    with tenant_context(alpha):
        alpha_max = Apprenant.objects.order_by("-pk").values_list("pk", flat=True).first()
    with tenant_context(beta):
        ailleurs = Apprenant.objects.create(pk=alpha_max + 1000, nom="Beta", prenom="Béa")
    connection.set_schema_to_public()
    assert as_role("direction").get(url(ailleurs)).status_code == 404


def test_alpha_learner_is_not_found_from_beta(rempli, beta, charlie):
    client = host_client("beta.localhost")
    assert login(client, charlie.email).status_code == 302
    with tenant_context(beta):
        assert not Apprenant.objects.filter(pk=rempli.lea.pk).exists()
    connection.set_schema_to_public()
    assert client.get(url(rempli.lea)).status_code == 404


def test_a_tutor_of_beta_does_not_see_alpha_apprentices(rempli, beta):
    tuteur = make_person(beta, "tuteur", email="tuteur@alpha.test")  # same e-mail as alpha's tutor
    connection.set_schema_to_public()
    client = host_client("beta.localhost")
    assert login(client, tuteur.email).status_code == 302
    assert client.get(url(rempli.lea)).status_code == 404
