"""CCF pages: who reads and writes what, the other establishment refused, the learner never shown the proposed
grade, the forms' French refusals, and a fixed number of queries on the situation's list."""

import html

import pytest
from django.db import connection
from django.urls import reverse
from django_tenants.utils import tenant_context

from evaluations.models_ccf import GrilleCCF
from evaluations.services_ccf import grilles_ccf_create

from ..conftest import call, logged, queries_of
from .test_ccf_data import ccf_fixture, grilles_fixture, learners_add  # noqa: F401

pytestmark = pytest.mark.django_db




def pages(w, g):
    """Every CCF view: (name, method, url, data)."""
    s, lea, hugo = w.situation.pk, g["lea"].pk, g["hugo"].pk
    return [
        ("situation", "get", reverse("ccf_situation", args=[s]), None),
        ("situation_xlsx", "get", reverse("ccf_situation_xlsx", args=[s]), None),
        ("grille", "get", reverse("ccf_grille", args=[lea]), None),
        ("grille_xlsx", "get", reverse("ccf_grille_xlsx", args=[lea]), None),
        ("nouvelle_version_form", "get", reverse("ccf_nouvelle_version", args=[lea]), None),
        ("preparer", "post", reverse("ccf_preparer", args=[s]), {}),
        ("grille_save", "post", reverse("ccf_grille", args=[hugo]), {"commentaire": "x"}),
        ("bareme", "post", reverse("ccf_bareme", args=[hugo]), {}),
        ("verrouiller", "post", reverse("ccf_verrouiller", args=[hugo]), {}),
        ("nouvelle_version", "post", reverse("ccf_nouvelle_version", args=[lea]), {"motif": "Essai"}),
    ]


ECRITURES = {"preparer", "grille_save", "bareme", "verrouiller", "nouvelle_version", "nouvelle_version_form"}


def test_direction_and_inspection_read_every_page_and_write_nothing(ccf, grilles, as_role):
    for role in ("direction", "inspecteur"):
        client = as_role(role)
        for name, method, url, data in pages(ccf, grilles):
            expected = 403 if name in ECRITURES else 200
            assert call(client, method, url, data).status_code == expected, (role, name)
    with tenant_context(ccf.alpha):
        assert GrilleCCF.objects.count() == 2 and not GrilleCCF.objects.filter(commentaire="x").exists()


def test_a_formateur_of_another_classe_gets_404_everywhere(ccf, grilles):
    client = logged(ccf.autre_formateur.email)
    for name, method, url, data in pages(ccf, grilles):
        assert call(client, method, url, data).status_code == 404, name


def test_learners_and_tutors_get_403_on_every_centre_page(ccf, grilles, as_role):
    for role in ("apprenant", "tuteur"):
        client = as_role(role)
        for name, method, url, data in pages(ccf, grilles):
            assert call(client, method, url, data).status_code == 403, (role, name)


def test_anonymous_people_go_to_the_login_page(ccf, grilles, alpha_client):
    for name, method, url, data in pages(ccf, grilles):
        response = call(alpha_client, method, url, data)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"], name


def test_beta_cannot_reach_alpha_grids(beta, charlie, ccf, grilles):
    client = logged(charlie.email, host="beta.localhost")
    for name, method, url, data in pages(ccf, grilles):
        if method == "get":
            assert call(client, method, url, data).status_code == 404, name
    alpha_session = logged(ccf.formateur.email)
    alpha_session.defaults["HTTP_HOST"] = "beta.localhost"
    assert call(alpha_session, "get", reverse("ccf_grille", args=[grilles["lea"].pk])).status_code == 302
    assert call(alpha_session, "get", reverse("ccf_mes_grilles")).status_code == 302


def test_a_formative_situation_has_no_ccf_page(ccf, grilles, as_role):
    assert call(as_role("formateur"), "get", reverse("ccf_situation", args=[ccf.formative.pk])).status_code == 404


def test_the_formateur_fills_saves_and_locks_a_grid_from_the_page(ccf, grilles, as_role):
    client = as_role("formateur")
    hugo, c = grilles["hugo"], grilles["c"]
    url = reverse("ccf_grille", args=[hugo.pk])
    page = html.unescape(call(client, "get", url).content.decode())
    assert "Modifier le barème" in page and f'name="niveau-{c["C03"]}"' in page
    data = {f"niveau-{c['C03']}": "BM", f"niveau-{c['C07']}": "BM", f"niveau-{c['C11']}": "BM",
            "numero_candidat": "13579", "session": "2027", "date": "", "commission": "Mme Roux — professeure",
            "commentaire": "", "ajustement": "0", "justification": "", "action": "verrouiller"}
    assert call(client, "post", url, data).status_code == 302
    with tenant_context(ccf.alpha):
        hugo.refresh_from_db()
        assert hugo.verrouillee and hugo.note_proposee == 20 and hugo.numero_candidat == "13579"
    page = html.unescape(call(client, "get", url).content.decode())
    assert "Verrouillée le" in page and "20,0 / 20" in page and 'name="niveau-' not in page
    assert "Corriger : créer une nouvelle version" in page


def test_bad_input_gets_a_french_message_and_writes_nothing(ccf, grilles, as_role):
    client = as_role("formateur")
    hugo, c = grilles["hugo"], grilles["c"]
    url = reverse("ccf_grille", args=[hugo.pk])
    response = call(client, "post", url, {f"niveau-{c['C03']}": "ZZ", "ajustement": "3", "justification": "",
                                          "numero_candidat": "999"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400 and "Rien n'est enregistré" in page and "± 2 points" in page
    response = call(client, "post", url, {"ajustement": "0", "date": "31/02/2027"})
    assert response.status_code == 400 and "Date invalide" in html.unescape(response.content.decode())
    response = call(client, "post", reverse("ccf_bareme", args=[hugo.pk]), {f"points-{c['C03']}": "abc"})
    assert response.status_code == 400
    response = call(client, "post", reverse("ccf_verrouiller", args=[hugo.pk]))
    assert response.status_code == 400 and "Choisissez un niveau" in html.unescape(response.content.decode())
    with tenant_context(ccf.alpha):
        hugo.refresh_from_db()
        assert hugo.numero_candidat == "" and not hugo.verrouillee and not hugo.lignes.filter(niveau__isnull=False)


def test_saving_and_locking_an_incomplete_grid_saves_it_and_says_it_is_not_locked(ccf, grilles, as_role):
    hugo, c = grilles["hugo"], grilles["c"]
    response = call(as_role("formateur"), "post", reverse("ccf_grille", args=[hugo.pk]), {
        f"niveau-{c['C03']}": "M", "numero_candidat": "777", "ajustement": "0", "action": "verrouiller"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400 and "Grille enregistrée, mais pas verrouillée" in page
    assert "C07, C11" in page
    with tenant_context(ccf.alpha):
        hugo.refresh_from_db()
        assert hugo.numero_candidat == "777" and not hugo.verrouillee


def test_editing_a_locked_grid_is_refused_and_a_new_version_needs_its_reason(ccf, grilles, as_role):
    client = as_role("formateur")
    lea, c = grilles["lea"], grilles["c"]
    response = call(client, "post", reverse("ccf_grille", args=[lea.pk]), {f"niveau-{c['C03']}": "BM",
                                                                           "ajustement": "0"})
    assert response.status_code == 400 and "verrouillée" in html.unescape(response.content.decode())
    url = reverse("ccf_nouvelle_version", args=[lea.pk])
    response = call(client, "post", url, {"motif": ""})
    assert response.status_code == 400 and "Donnez la raison" in html.unescape(response.content.decode())
    response = call(client, "post", url, {"motif": "Erreur sur C07 signalée par la commission."})
    assert response.status_code == 302
    with tenant_context(ccf.alpha):
        v2 = GrilleCCF.objects.get(remplace=lea)
    assert response["Location"] == reverse("ccf_grille", args=[v2.pk])
    page = html.unescape(call(client, "get", response["Location"]).content.decode())
    assert "Erreur sur C07 signalée par la commission." in page and "Version 1" in page
    old = html.unescape(call(client, "get", reverse("ccf_grille", args=[lea.pk])).content.decode())
    assert "Une version plus récente existe" in old and 'name="niveau-' not in old


def test_the_learner_sees_the_levels_of_a_locked_grid_and_never_the_grade(ccf, grilles, as_role):
    client = as_role("apprenant")
    page = html.unescape(call(client, "get", reverse("ccf_mes_grilles")).content.decode())
    assert "C03" in page and "Maîtrisé" in page and "Bien maîtrisé" in page
    for secret in ("13,3", "13.3", "/ 20", "Barème", "6,66", "6.66", "Note proposée", "Travail rigoureux"):
        assert secret not in page, secret
    with tenant_context(ccf.alpha):
        assert "Hugo" not in page  # only her own grids
    assert call(as_role("formateur"), "get", reverse("ccf_mes_grilles")).status_code == 403


def test_the_learner_does_not_see_a_draft_grid(ccf, as_role):
    with tenant_context(ccf.alpha):
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
    connection.set_schema_to_public()
    page = html.unescape(call(as_role("apprenant"), "get", reverse("ccf_mes_grilles")).content.decode())
    assert "Aucune grille CCF verrouillée" in page


def test_the_certificative_situation_page_links_to_its_ccf_grids(ccf, grilles, as_role):
    client = as_role("formateur")
    page = call(client, "get", reverse("situation_detail", args=[ccf.situation.pk])).content.decode()
    assert reverse("ccf_situation", args=[ccf.situation.pk]) in page
    page = call(client, "get", reverse("situation_detail", args=[ccf.formative.pk])).content.decode()
    assert "/ccf/" not in page


LIST_QUERIES = 12



def test_the_situation_list_runs_a_fixed_number_of_queries(ccf, grilles, as_role, django_assert_max_num_queries):
    client = as_role("formateur")
    url = reverse("ccf_situation", args=[ccf.situation.pk])
    small = queries_of(client, url)
    with tenant_context(ccf.alpha):
        learners_add(ccf.classe, [(f"Nom{i:02d}", "Élève") for i in range(12)])
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
    connection.set_schema_to_public()
    with django_assert_max_num_queries(LIST_QUERIES):
        page = call(client, "get", url).content.decode()
    assert page.count("<tr>") == 14 + 1
    assert queries_of(client, url) == small
