import pytest
from django.db import connection
from django.urls import reverse
from django_tenants.utils import tenant_context

from evaluations.models import Evaluation, Positionnement
from evaluations.services_grille import evaluation_record
from referentiels.models import Critere

from ..conftest import host_client, login
from .conftest_grille import grille_data_fixture, situation_build  # noqa: F401

pytestmark = pytest.mark.django_db


def rate(d, situation, critere, valeur, apprenant=None):
    return evaluation_record(situation=situation, apprenant=apprenant or d.lea, critere=critere, valeur=valeur,
                             auteur=d.formateur, commentaire="")


def test_the_learner_sees_formative_results_as_soon_as_saved_and_no_certificative_one(grille_data, as_role, alpha):
    d = grille_data
    with tenant_context(alpha):
        rate(d, d.situation, d.criteres[0], "TS")
        certif = situation_build(classe=d.classe, auteur=d.formateur, ciel=d.ciel, n_criteres=1,
                                 nature="certificative", titre="Épreuve CCF E2")
        rate(d, certif, certif.scenario.critere_links.get().critere, "NR")
    connection.set_schema_to_public()
    page = as_role("apprenant").get("/apprenant/").content.decode()
    assert "Mes résultats" in page and "TP réseau" in page and "Très satisfaisante" in page
    assert "Épreuve CCF E2" not in page and "Non réalisé" not in page


def test_the_learner_positions_themself_and_sees_it_beside_the_formateurs_result(grille_data, as_role, alpha):
    d = grille_data
    with tenant_context(alpha):
        rate(d, d.situation, d.criteres[0], "RP")
    client = as_role("apprenant")
    url = reverse("apprenant_situation", args=[d.situation.pk])
    response = client.post(url, {f"valeur-{d.criteres[0].pk}": "TS", f"valeur-{d.criteres[1].pk}": ""})
    assert response.status_code == 302
    connection.set_schema_to_public()
    page = client.get(url).content.decode()
    row = page.split(d.criteres[0].intitule, 1)[1].split("</tr>", 1)[0]
    assert "Réalisation partielle" in row and "Très satisfaisante" in row
    with tenant_context(alpha):
        assert Evaluation.objects.get().niveau.code == "RP"  # the formateur's result is untouched
        assert Positionnement.objects.get().niveau.code == "TS"  # nothing written for the criterion left empty
    connection.set_schema_to_public()
    client.post(url, {f"valeur-{d.criteres[0].pk}": "TS", f"valeur-{d.criteres[1].pk}": "S"})
    with tenant_context(alpha):  # only the changed criterion gets a new row
        assert [p.niveau.code for p in Positionnement.objects.order_by("at", "id")] == ["TS", "S"]


def test_a_bad_positionnement_gets_a_french_message_and_writes_nothing(grille_data, as_role, alpha):
    d = grille_data
    client = as_role("apprenant")
    url = reverse("apprenant_situation", args=[d.situation.pk])
    with tenant_context(alpha):
        hors_scenario = Critere.objects.filter(referentiel=d.ciel).exclude(pk__in=[c.pk for c in d.criteres]).first()
    connection.set_schema_to_public()
    ok = {f"valeur-{d.criteres[1].pk}": "S"}  # a good value beside a bad one is not written either
    for data in ({"valeur-x": "S"}, {}, {f"valeur-{d.criteres[0].pk}": "ABS", **ok},
                 {f"valeur-{d.criteres[0].pk}": "ZZ", **ok}, {f"valeur-{hors_scenario.pk}": "S", **ok},
                 {"valeur-999999999999999999": "S"}):
        response = client.post(url, data)
        assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    connection.set_schema_to_public()
    with tenant_context(alpha):
        assert not Positionnement.objects.exists()


def test_the_learner_page_refuses_other_roles_other_learners_and_other_establishments(grille_data, as_role,
                                                                                         alpha, charlie):
    d = grille_data
    url = reverse("apprenant_situation", args=[d.situation.pk])
    assert host_client("alpha.localhost").get(url).status_code == 302
    for role in ("formateur", "tuteur", "direction"):
        assert as_role(role).get(url).status_code == 403
    with tenant_context(alpha):
        other = situation_build(classe=d.autre, auteur=d.autre_formateur, ciel=d.ciel, n_criteres=1,
                                titre="Autre classe")
    connection.set_schema_to_public()
    assert as_role("apprenant").get(reverse("apprenant_situation", args=[other.pk])).status_code == 404
    beta = host_client("beta.localhost")
    login(beta, charlie.email)
    assert beta.get(url).status_code == 403  # beta's direction is no learner


def test_a_situation_with_chosen_learners_shows_only_to_them(grille_data, as_role, alpha):
    d = grille_data
    with tenant_context(alpha):
        choisie = situation_build(classe=d.classe, auteur=d.formateur, ciel=d.ciel, n_criteres=1, titre="Rattrapage")
        choisie.apprenants.set([d.hugo])
    connection.set_schema_to_public()
    client = as_role("apprenant")
    assert "Rattrapage" not in client.get("/apprenant/").content.decode()
    assert client.get(reverse("apprenant_situation", args=[choisie.pk])).status_code == 404


def _home_queries(client) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/apprenant/").status_code == 200
    connection.set_schema_to_public()
    return len(queries.captured_queries)


def test_the_learners_home_runs_the_same_number_of_queries_whatever_the_number_of_situations(
        grille_data, as_role, alpha):
    d = grille_data
    client = as_role("apprenant")
    client.get("/apprenant/")
    with tenant_context(alpha):
        rate(d, d.situation, d.criteres[0], "S")
    one = _home_queries(client)
    with tenant_context(alpha):
        for i in range(6):
            situation = situation_build(classe=d.classe, auteur=d.formateur, ciel=d.ciel, n_criteres=4,
                                        titre=f"TP {i}", par_competence=i % 2 == 0)
            for link in situation.scenario.critere_links.all():
                rate(d, situation, link.critere, "TS")
    assert _home_queries(client) == one
