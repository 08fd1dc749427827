import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from evaluations.models import Evaluation, Niveau
from evaluations.selectors_grille import echelle_version_for

from ..conftest import host_client, logged
from .conftest_grille import Classe, grille_data_fixture, learners_add, situation_build  # noqa: F401

pytestmark = pytest.mark.django_db


def urls(d):
    pk = d.situation.pk
    return {
        "page": ("get", reverse("grille", args=[pk]), {}),
        "cellule": ("post", reverse("grille_cellule", args=[pk]),
                    {"apprenant": d.lea.pk, "critere": d.criteres[0].pk, "valeur": "S"}),
        "annuler": ("post", reverse("grille_annuler", args=[pk]), {"evaluation": 0}),
        "commentaire": ("post", reverse("grille_commentaire", args=[pk]), {"apprenant": d.lea.pk, "texte": "x"}),
        "historique": ("get", reverse("grille_historique", args=[pk]),
                       {"apprenant": d.lea.pk, "critere": d.criteres[0].pk}),
    }


def call(client, spec):
    method, url, data = spec
    response = getattr(client, method)(url, data)
    connection.set_schema_to_public()
    return response



def save(client, d, valeur, *, apprenant=None, critere=None, vu="", commentaire=""):
    response = client.post(reverse("grille_cellule", args=[d.situation.pk]), {
        "apprenant": (apprenant or d.lea).pk, "critere": (critere or d.criteres[0]).pk, "valeur": valeur,
        "vu": vu, "commentaire": commentaire}, HTTP_HX_REQUEST="true")
    connection.set_schema_to_public()
    return response


def test_the_formateur_of_the_classe_opens_the_grid_with_its_legend(as_role, grille_data):
    d = grille_data
    page = as_role("formateur").get(reverse("grille", args=[d.situation.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "DUPONT Léa" in html and d.criteres[0].code in html
    assert "<kbd>1</kbd>" in html and "Non observé" in html and "js/grille.js" in html


def test_saving_a_cell_answers_its_fragment_saved_and_the_page_shows_it_after_reload(as_role, grille_data, alpha):
    d = grille_data
    client = as_role("formateur")
    response = save(client, d, "TS", commentaire="très propre")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<td") and "enregistré" in html and "TS" in html and "très propre" in html
    page = client.get(reverse("grille", args=[d.situation.pk])).content.decode()
    assert 'data-valeur="TS"' in page
    with tenant_context(alpha):
        assert Evaluation.objects.get().auteur == d.formateur


def test_a_second_formateur_saving_over_an_unseen_change_is_told_and_both_events_stay(grille_data, alpha):
    d = grille_data
    first = logged(d.formateur.email)
    second = logged(d.collegue.email)
    save(first, d, "S")
    response = save(second, d, "NR", vu="")
    assert response.status_code == 200
    assert "Modifiée entre-temps par" in response.content.decode()
    with tenant_context(alpha):
        assert Evaluation.objects.count() == 2


def test_undo_and_history_are_one_request_away(as_role, grille_data, alpha):
    d = grille_data
    client = as_role("formateur")
    save(client, d, "RP")
    with tenant_context(alpha):
        first = Evaluation.objects.get()
    save(client, d, "ABS", vu=first.pk)
    with tenant_context(alpha):
        second = Evaluation.objects.latest("at", "id")
    response = client.post(reverse("grille_annuler", args=[d.situation.pk]), {"evaluation": second.pk})
    assert response.status_code == 200 and "annulé" in response.content.decode()
    assert 'data-valeur="RP"' in response.content.decode()
    history = client.get(reverse("grille_historique", args=[d.situation.pk]),
                         {"apprenant": d.lea.pk, "critere": d.criteres[0].pk}).content.decode()
    assert history.count("<li>") == 3 and "Absent" in history and "Réalisation partielle" in history


def test_bad_input_gets_a_french_message_and_changes_nothing(as_role, grille_data, alpha):
    d = grille_data
    client = as_role("formateur")
    for data in ({"apprenant": "x", "critere": d.criteres[0].pk, "valeur": "S"},
                 {"apprenant": d.lea.pk, "critere": "999999", "valeur": "S"},
                 {"apprenant": d.zoe.pk, "critere": d.criteres[0].pk, "valeur": "S"},
                 {"apprenant": d.lea.pk, "critere": d.criteres[0].pk, "valeur": "ZZZ"}):
        response = client.post(reverse("grille_cellule", args=[d.situation.pk]), data)
        assert response.status_code == 400
        assert "inconnu" in response.content.decode() or "ne fait pas partie" in response.content.decode() \
            or "ni un niveau" in response.content.decode()
    assert client.post(reverse("grille_annuler", args=[d.situation.pk]), {"evaluation": "x"}).status_code == 400
    with tenant_context(alpha):
        assert not Evaluation.objects.exists()


@pytest.mark.parametrize("name", ["page", "cellule", "annuler", "historique", "commentaire"])
def test_every_grid_url_refuses_who_has_no_business_there(name, grille_data, as_role, charlie):
    d = grille_data
    spec = urls(d)[name]
    anonymous = call(host_client("alpha.localhost"), spec)
    assert anonymous.status_code == 302 and "/comptes/login/" in anonymous["Location"]
    assert call(logged(d.autre_formateur.email), spec).status_code == 404
    for role in ("tuteur", "apprenant"):
        assert call(as_role(role), spec).status_code == 403, role
    assert call(logged(charlie.email, "beta.localhost"), spec).status_code == 404


@pytest.mark.parametrize("role", ["direction", "inspecteur"])
def test_direction_and_inspection_read_the_grid_and_save_nothing(role, grille_data, as_role, alpha):
    d = grille_data
    client = as_role(role)
    page = client.get(reverse("grille", args=[d.situation.pk]))
    assert page.status_code == 200 and "seuls les formateurs de la classe saisissent" in page.content.decode()
    assert save(client, d, "S").status_code == 403
    with tenant_context(alpha):
        assert not Evaluation.objects.exists()


def _grid_queries(client, situation) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("grille", args=[situation.pk]))
        assert response.status_code == 200
    connection.set_schema_to_public()
    return len(queries.captured_queries)


def test_the_grid_page_runs_the_same_number_of_queries_for_35_learners_by_20_criteria(
        grille_data, as_role, alpha, django_assert_max_num_queries):
    d = grille_data
    with tenant_context(alpha):
        grande = Classe.objects.create(formation=d.formation, annee_scolaire=d.classe.annee_scolaire, code="GRANDE")
        grande.formateurs.set([d.formateur])
        learners = learners_add(grande, 35, start=100)
        big = situation_build(classe=grande, auteur=d.formateur, ciel=d.ciel, n_criteres=20)
        niveaux = list(Niveau.objects.filter(version=echelle_version_for("critere")))
        Evaluation.objects.bulk_create(
            Evaluation(situation=big, apprenant=a, critere=link.critere, niveau=niveaux[i % len(niveaux)],
                       auteur=d.formateur, role="formateur", at=timezone.now(), commentaire="ok" if i % 7 else "")
            for i, (a, link) in enumerate((a, link) for a in learners for link in big.scenario.critere_links.all()))
    client = as_role("formateur")
    client.get(reverse("grille", args=[d.situation.pk]))  # warm the session
    small = _grid_queries(client, d.situation)
    large = _grid_queries(client, big)
    assert small == large
    with django_assert_max_num_queries(small):
        client.get(reverse("grille", args=[big.pk]))


def test_a_grid_per_whole_competency_saves_competency_cells(grille_data, as_role, alpha):
    d = grille_data
    with tenant_context(alpha):
        situation = situation_build(classe=d.classe, auteur=d.formateur, ciel=d.ciel, n_criteres=3,
                                    par_competence=True)
        competence = d.criteres[0].competence
    client = as_role("formateur")
    page = client.get(reverse("grille", args=[situation.pk])).content.decode()
    assert 'data-champ="competence"' in page and "Très bien" in page  # the CCF scale's legend
    response = client.post(reverse("grille_cellule", args=[situation.pk]),
                           {"apprenant": d.lea.pk, "competence": competence.pk, "valeur": "TB"})
    assert response.status_code == 200 and 'data-valeur="TB"' in response.content.decode()
    connection.set_schema_to_public()
    with tenant_context(alpha):
        event = Evaluation.objects.get()
        assert event.competence_id == competence.pk and event.critere_id is None


def test_a_comment_on_the_learners_whole_work_is_saved_from_the_grid_and_shown_to_them(grille_data, as_role, alpha):
    d = grille_data
    client = as_role("formateur")
    url = reverse("grille_commentaire", args=[d.situation.pk])
    response = client.post(url, {"apprenant": d.lea.pk, "texte": "Travail soigné, à documenter"})
    assert response.status_code == 200 and "enregistré" in response.content.decode()
    assert client.post(url, {"apprenant": d.zoe.pk, "texte": "x"}).status_code == 400
    connection.set_schema_to_public()
    assert "Travail soigné, à documenter" in client.get(reverse("grille", args=[d.situation.pk])).content.decode()
    assert "Travail soigné, à documenter" in as_role("apprenant").get("/apprenant/").content.decode()


def test_a_comment_with_markup_is_shown_as_text_in_the_grid(as_role, grille_data):
    d = grille_data
    client = as_role("formateur")
    fragment = save(client, d, "S", commentaire='<script>alert("x")</script>').content.decode()
    page = client.get(reverse("grille", args=[d.situation.pk])).content.decode()
    for html in (fragment, page):
        assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html
