"""Fiches activités pages: the formateur prepares from the calendar and checks, the learner writes and ticks on
a phone-sized form, the tutor reads without the formateur's remark; refusals per role (403 for a role that may
not, 404 for what one may not see, beta's people included); lists in a constant number of queries."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.roles import Role
from entreprise.models import FicheActivites, FicheRealisation
from entreprise.services_fiches import realisation_check, realisation_save

from ..conftest import host_client, login, make_person
from .conftest import items


@pytest.fixture
def rendue(alpha, alternance, fiche, personas, ciel):
    taches, _ = items(ciel)
    with tenant_context(alpha):
        realisation = realisation_save(fiche=fiche, apprenant=alternance["lea"], compte_rendu="Câbles tirés.",
                                       taches_realisees=taches[:2], rendre=True, actor=personas["apprenant"])
    connection.set_schema_to_public()
    return realisation


def urls(world) -> dict[str, str]:
    periode, lea = world["periode"].pk, world["lea"].pk
    return {
        "periode": f"/fiches/periodes/{periode}/",
        "preparer": f"/fiches/periodes/{periode}/preparer/",
        "apprenant": f"/fiches/periodes/{periode}/apprenants/{lea}/",
        "ajuster": f"/fiches/periodes/{periode}/apprenants/{lea}/ajuster/",
        "ma_fiche": f"/fiches/periodes/{periode}/ma-fiche/",
    }


def test_the_formateur_prepares_the_fiche_from_the_calendar(as_role, alpha, alternance, ciel):
    client = as_role(Role.FORMATEUR)
    calendrier = client.get(f"/periodes/classes/{alternance['classe'].pk}/").content.decode()
    assert urls(alternance)["periode"] in calendrier
    page = client.get(urls(alternance)["preparer"]).content.decode()
    assert 'name="taches"' in page and 'name="criteres"' in page and "<legend" in page
    taches, criteres = items(ciel)
    response = client.post(urls(alternance)["preparer"], {"titre": "Réseau", "consignes": "",
                                                          "taches": taches, "criteres": criteres})
    assert response.status_code == 302
    with tenant_context(alpha):
        fiche = FicheActivites.objects.get()
        assert fiche.apprenant_id is None and fiche.tache_links.count() == 3
    connection.set_schema_to_public()
    page = client.get(urls(alternance)["periode"]).content.decode()
    assert "Réseau" in page and 'class="table-wrap" role="region" tabindex="0"' in page and "MARTIN" in page


def test_a_criterion_of_another_referentiel_is_refused_with_a_message(as_role, alpha, alternance, ciel, tne):  # noqa: F811
    taches, _ = items(ciel)
    _, criteres = items(tne)
    response = as_role(Role.FORMATEUR).post(urls(alternance)["preparer"], {
        "titre": "Réseau", "taches": taches, "criteres": criteres})
    assert response.status_code == 400
    assert "n&#x27;appartiennent pas au référentiel de la classe" in response.content.decode()
    with tenant_context(alpha):
        assert not FicheActivites.objects.exists()


def test_a_centre_period_has_no_fiche_page(as_role, alternance):
    assert as_role(Role.FORMATEUR).get(f"/fiches/periodes/{alternance['periode_centre'].pk}/").status_code == 404


def test_the_formateur_adjusts_the_fiche_for_one_learner(as_role, alpha, alternance, fiche, ciel):
    taches, _ = items(ciel, n_taches=5)
    client = as_role(Role.FORMATEUR)
    assert client.get(urls(alternance)["ajuster"]).status_code == 200
    response = client.post(urls(alternance)["ajuster"], {"titre": "Pour Léa", "taches": taches[3:5]})
    assert response.status_code == 302
    page = client.get(urls(alternance)["periode"]).content.decode()
    assert "Ajustée" in page and "Celle de la classe" in page
    lea_page = client.get(urls(alternance)["apprenant"]).content.decode()
    assert "Pour Léa" in lea_page


def test_the_learner_writes_ticks_and_sends_their_report(as_role, alpha, alternance, fiche, ciel):
    taches, _ = items(ciel, n_taches=5)
    client = as_role(Role.APPRENANT)
    index = client.get("/fiches/").content.decode()
    assert "Installer un réseau" in index and urls(alternance)["ma_fiche"] in index
    page = client.get(urls(alternance)["ma_fiche"]).content.decode()
    assert f'id="fait-{taches[0]}"' in page and "<fieldset>" in page and "<legend>" in page
    refused = client.post(urls(alternance)["ma_fiche"], {"compte_rendu": "Fait.", "taches": [taches[0], taches[4]],
                                                         "action": "rendre"})
    assert refused.status_code == 400 and "tâches attendues" in refused.content.decode()
    response = client.post(urls(alternance)["ma_fiche"], {"compte_rendu": "J'ai tiré des câbles.",
                                                          "taches": taches[:2], "action": "rendre"})
    assert response.status_code == 302
    with tenant_context(alpha):
        realisation = FicheRealisation.objects.get()
        assert realisation.statut == FicheRealisation.Statut.RENDUE and realisation.tache_links.count() == 2


def test_the_formateur_checks_and_the_tutor_reads_without_the_remark(as_role, alpha, alternance, rendue):
    formateur = as_role(Role.FORMATEUR)
    page = formateur.get(urls(alternance)["apprenant"]).content.decode()
    assert "Câbles tirés." in page and "Marquer comme vérifié" in page
    response = formateur.post(f"/fiches/realisations/{rendue.pk}/verifier/", {"remarque": "Remarque secrète du centre"})
    assert response.status_code == 302
    assert "Remarque secrète du centre" in formateur.get(urls(alternance)["apprenant"]).content.decode()
    tuteur = as_role(Role.TUTEUR)
    page = tuteur.get(urls(alternance)["apprenant"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Installer un réseau" in text and "Câbles tirés." in text and "Remarque secrète" not in text
    assert urls(alternance)["apprenant"] in tuteur.get("/fiches/").content.decode()
    assert "Remarque secrète du centre" in as_role(Role.APPRENANT).get(urls(alternance)["ma_fiche"]).content.decode()


def test_refusals_per_role(as_role, alpha, alternance, fiche, rendue):
    u = urls(alternance)
    hugo = f"/fiches/periodes/{alternance['periode'].pk}/apprenants/{alternance['hugo'].pk}/"
    verifier = f"/fiches/realisations/{rendue.pk}/verifier/"
    tuteur = as_role(Role.TUTEUR)
    assert tuteur.get(hugo).status_code == 404
    for url in (u["periode"], u["preparer"], u["ajuster"], u["ma_fiche"]):
        assert tuteur.get(url).status_code == 403, url
    assert tuteur.post(verifier, {"remarque": ""}).status_code == 403
    apprenant = as_role(Role.APPRENANT)
    for url in (u["periode"], u["preparer"], u["apprenant"], u["ajuster"]):
        assert apprenant.get(url).status_code == 403, url
    inspecteur = as_role(Role.INSPECTEUR)
    assert inspecteur.get(u["periode"]).status_code == 200 and inspecteur.get(u["apprenant"]).status_code == 200
    for url in (u["preparer"], u["ajuster"]):
        assert inspecteur.get(url).status_code == 403, url
    assert inspecteur.post(verifier, {"remarque": ""}).status_code == 403
    direction = as_role(Role.DIRECTION)
    assert direction.get(u["preparer"]).status_code == 200
    with tenant_context(alpha):
        assert FicheRealisation.objects.get().statut == FicheRealisation.Statut.RENDUE


def test_a_formateur_of_another_classe_and_another_learner_get_404(alpha, alternance, fiche, rendue):
    autre = make_person(alpha, Role.FORMATEUR, email="autre-formateur@alpha.test")
    eleve = make_person(alpha, Role.APPRENANT, email="eleve-sans-classe@alpha.test")
    connection.set_schema_to_public()
    client = host_client("alpha.localhost")
    assert login(client, autre.email).status_code == 302
    u = urls(alternance)
    for url in (u["periode"], u["preparer"], u["apprenant"], u["ajuster"]):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/fiches/realisations/{rendue.pk}/verifier/", {"remarque": ""}).status_code == 404
    client = host_client("alpha.localhost")
    assert login(client, eleve.email).status_code == 302
    assert client.get(u["ma_fiche"]).status_code == 404


def test_beta_s_people_get_404_on_alpha_s_urls(alternance, fiche, rendue, charlie, beta_client):
    assert login(beta_client, charlie.email).status_code == 302
    for url in urls(alternance).values():
        if url.endswith("ma-fiche/"):
            continue
        assert beta_client.get(url).status_code == 404, url
    assert beta_client.post(f"/fiches/realisations/{rendue.pk}/verifier/", {"remarque": ""}).status_code == 404


def test_beta_s_tutor_and_learner_never_see_alpha_s_fiche(alternance, fiche, rendue, alternance_beta):
    for role in (Role.TUTEUR, Role.APPRENANT):
        client = host_client("beta.localhost")
        assert login(client, alternance_beta["people"][role].email).status_code == 302
        assert "Installer un réseau" not in client.get("/fiches/").content.decode()
        for url in urls(alternance).values():
            response = client.get(url)
            assert response.status_code in (403, 404) or "Installer un réseau" not in response.content.decode()


def test_the_pages_run_a_constant_number_of_queries(as_role, alpha, alternance, fiche, personas, ciel,
                                                    django_assert_max_num_queries):
    from scolarite import services as scolarite

    from .conftest import RENTREE

    client = as_role(Role.FORMATEUR)
    tuteur = as_role(Role.TUTEUR)
    client.get(urls(alternance)["periode"])
    with django_assert_max_num_queries(40) as few:
        assert client.get(urls(alternance)["periode"]).status_code == 200
    with django_assert_max_num_queries(40) as few_tuteur:
        assert tuteur.get("/fiches/").status_code == 200
    taches, _ = items(ciel)
    with tenant_context(alpha):
        for n in range(8):
            eleve = scolarite.apprenant_create(nom=f"Eleve{n}", prenom="X")
            scolarite.inscription_open(apprenant=eleve, classe=alternance["classe"], statut="apprenti",
                                       debut=RENTREE)
        realisation = realisation_save(fiche=fiche, apprenant=alternance["lea"], compte_rendu="x",
                                       taches_realisees=taches[:1], rendre=True, actor=personas["apprenant"])
        realisation_check(realisation=realisation, remarque="", actor=personas["formateur"])
    connection.set_schema_to_public()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(urls(alternance)["periode"]).content.decode()
    assert "ELEVE7" in page
    with django_assert_max_num_queries(len(few_tuteur.captured_queries)):
        assert tuteur.get("/fiches/").status_code == 200


def test_the_tutor_does_not_read_the_learners_draft(as_role, alpha, alternance, fiche, personas):
    with tenant_context(alpha):
        realisation_save(fiche=fiche, apprenant=alternance["lea"], compte_rendu="Brouillon pas fini", rendre=False,
                         actor=personas["apprenant"])
    connection.set_schema_to_public()
    text = as_role(Role.TUTEUR).get(urls(alternance)["apprenant"]).content.decode()
    assert "Installer un réseau" in text and "Brouillon pas fini" not in text
    assert "Brouillon pas fini" in as_role(Role.FORMATEUR).get(urls(alternance)["apprenant"]).content.decode()


def test_the_calendar_offers_no_delete_for_a_period_that_has_a_fiche(as_role, alternance, fiche):
    html = as_role(Role.FORMATEUR).get(f"/periodes/classes/{alternance['classe'].pk}/").content.decode()
    assert f"/periodes/classes/{alternance['classe'].pk}/{alternance['periode'].pk}/supprimer/" not in html
    assert f"/periodes/classes/{alternance['classe'].pk}/{alternance['periode_centre'].pk}/supprimer/" in html
