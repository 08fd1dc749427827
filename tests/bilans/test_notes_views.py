"""Period grade pages: the grade page of a validated bilan (weights, live computation, adjustment, applying to
the same profile), the classe's grades, the grade on the bilan pages and on the learner's own page; who reads
and writes what; isolation between establishments; fixed numbers of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django_tenants.utils import tenant_context

from bilans.models import Note
from bilans.services_notes import note_finalise, note_poids_set

from ..conftest import call, logged, queries_of
from .conftest import TODAY, learners_add
from .test_notes import bilan_valide, writes

pytestmark = pytest.mark.django_db
JOUR = datetime.timedelta(days=1)


@pytest.fixture
def notes(alpha, monde):
    """Léa and Hugo: validated bilans of today, C03 BM and C01 M (every other competency NE); Hugo's is graded
    (17.5, no adjustment); Léa's has no grade yet."""
    m = monde
    with tenant_context(alpha):
        lea = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})
        hugo = bilan_valide(m, m.hugo, {"C03": "BM", "C01": "M"})
        note_finalise(bilan=hugo, actor=m.formateur)
    connection.set_schema_to_public()
    return {"lea": lea, "hugo": hugo, "c03": m.competences["C03"].pk, "c01": m.competences["C01"].pk}


def formulaire(n, *, c03="62.5", c01="37.5", action="finaliser", **extra) -> dict:
    return {f"poids-{n['c03']}": c03, f"poids-{n['c01']}": c01, "action": action, "vu": "0", **extra}


def pages(m, n):
    note = reverse("bilan_note", args=[n["lea"].pk])
    return [
        ("note", "get", note, {}),
        ("note_finaliser", "post", note, formulaire(n, ajustement="1", justification="Oral réussi.")),
        ("note_proposer", "post", note, formulaire(n, action="proposer")),
        ("note_appliquer", "post", note, formulaire(n, action="appliquer")),
        ("classe_notes", "get", reverse("bilans_classe_notes", args=[m.classe.pk]), {}),
    ]


# --- The formateur of the classe ---------------------------------------------------------------------------------

def test_the_formateur_turns_a_validated_bilan_into_a_grade_with_an_adjustment(as_role, alpha, monde, notes):
    client = as_role("formateur")
    bilan_page = call(client, "get", reverse("bilan_page", args=[notes["lea"].pk])).content.decode()
    assert "Transformer en note" in bilan_page and reverse("bilan_note", args=[notes["lea"].pk]) in bilan_page
    url = reverse("bilan_note", args=[notes["lea"].pk])
    page = call(client, "get", url).content.decode()
    assert f'<label for="poids-{notes["c03"]}" class="visually-hidden">Poids de C03 ' in page
    assert f'name="poids-{notes["c03"]}" value="62.50"' in page and f'name="poids-{notes["c01"]}" value="37.50"' in page
    assert "17,5 / 20" in page and "n'est pas une moyenne" in page and 'name="ajustement"' in page
    assert "Hors de la note (non évaluées) : C02" in page
    response = call(client, "post", url, formulaire(notes, ajustement="1,5", justification="Très bon oral."))
    assert response.status_code == 302 and response["Location"] == url
    with tenant_context(alpha):
        note = Note.objects.get(bilan=notes["lea"])
        assert (note.valeur_calculee, note.ajustement, note.note_finale) == (Decimal("17.5"), Decimal("1.5"),
                                                                            Decimal("19"))
        assert note.finalisee_par == monde.formateur and note.justification == "Très bon oral."
    page = call(client, "get", url).content.decode()
    assert "Note de période : <strong>19,0 / 20</strong>" in page and "Refaire la note" in page
    bilan_page = call(client, "get", reverse("bilan_page", args=[notes["lea"].pk])).content.decode()
    assert "Voir ou refaire la note" in bilan_page and "Note de période : <strong>19,0 / 20" in bilan_page


def test_the_computed_grade_follows_the_typed_weights_without_writing(as_role, alpha, monde, notes):
    avant = writes(alpha)
    response = as_role("formateur").post(reverse("bilan_note", args=[notes["lea"].pk]),
                                         formulaire(notes, c03="100", c01="0", action="calculer", ajustement="-1"),
                                         HTTP_HX_REQUEST="true")
    connection.set_schema_to_public()
    html = response.content.decode()
    assert response.status_code == 200 and 'id="note-calcul-contenu"' in html
    assert "Total des poids : <strong>100,00 %" in html and "20,0 / 20" in html and "19,0 / 20" in html
    wrong = call(as_role("formateur"), "post", reverse("bilan_note", args=[notes["lea"].pk]),
                 formulaire(notes, c03="60", c01="30", action="calculer"))
    assert wrong.status_code == 200 and "Les poids totalisent 90,00 %" in wrong.content.decode()
    assert writes(alpha) == avant


@pytest.mark.parametrize(("data", "message"), [
    ({"c03": "60", "c01": "39"}, "Les poids totalisent 99,00 % : ils doivent faire 100 %."),
    ({"c03": "abc"}, "Le poids de C03 doit être un nombre"),
    ({"ajustement": "2.5", "justification": "Oral."}, "L&#x27;ajustement est limité à ± 2 points."),
    ({"ajustement": "-2,5", "justification": "Oral."}, "L&#x27;ajustement est limité à ± 2 points."),
    ({"ajustement": "1.5", "justification": "  "}, "la justification est obligatoire"),
])
def test_bad_input_is_refused_in_french_and_nothing_is_written(as_role, alpha, monde, notes, data, message):
    avant = writes(alpha)
    response = call(as_role("formateur"), "post", reverse("bilan_note", args=[notes["lea"].pk]),
                    formulaire(notes, **data))
    html = response.content.decode()
    assert response.status_code == 400 and message in html and "Rien n'est enregistré" in html
    assert "<title>Erreur : " in html
    assert writes(alpha) == avant


def test_an_adjustment_of_two_points_is_accepted(as_role, alpha, monde, notes):
    response = call(as_role("formateur"), "post", reverse("bilan_note", args=[notes["lea"].pk]),
                    formulaire(notes, ajustement="2.0", justification="Projet remarquable."))
    assert response.status_code == 302
    with tenant_context(alpha):
        assert Note.objects.get(bilan=notes["lea"]).note_finale == Decimal("19.5")


def test_a_draft_bilan_has_no_grade_page_to_fill(as_role, alpha, monde):
    with tenant_context(alpha):
        brouillon = bilan_valide(monde, monde.lea, {"C03": "BM"}, valider=False)
    connection.set_schema_to_public()
    client = as_role("formateur")
    url = reverse("bilan_note", args=[brouillon.pk])
    page = call(client, "get", url)
    assert page.status_code == 200 and "pas encore validé" in page.content.decode()
    assert 'name="ajustement"' not in page.content.decode()
    assert "Transformer en note" not in call(client, "get", reverse("bilan_page", args=[brouillon.pk])).content.decode()
    response = call(client, "post", url, {f"poids-{monde.competences['C03'].pk}": "100", "action": "finaliser"})
    assert response.status_code == 400 and "pas encore validé" in response.content.decode()
    with tenant_context(alpha):
        assert not Note.objects.exists()


def test_applying_the_weights_lists_the_skipped_learners(as_role, alpha, monde, notes):
    with tenant_context(alpha):
        (ines,) = learners_add(monde.classe, 1, start=10)
        bilan_valide(monde, ines, {"C03": "BM"})
    connection.set_schema_to_public()
    response = as_role("formateur").post(reverse("bilan_note", args=[notes["lea"].pk]),
                                         formulaire(notes, c03="50", c01="50", action="appliquer"), follow=True)
    connection.set_schema_to_public()
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("bilans_classe_notes", args=[monde.classe.pk])
    assert "1 note(s) proposée(s)" in html  # Léa; Hugo's grade is recorded, Inès has another set
    assert f"Pas appliqué à {ines} : pas les mêmes compétences évaluées." in html
    assert "Pas appliqué à MARTIN Hugo : sa note est déjà enregistrée" in html
    assert "note proposée, à enregistrer" in html and "17,5 / 20" in html


def test_a_proposal_saves_the_weights_without_finalising(as_role, alpha, monde, notes):
    url = reverse("bilan_note", args=[notes["lea"].pk])
    client = as_role("formateur")
    assert call(client, "post", url, formulaire(notes, c03="100", c01="0", action="proposer")).status_code == 302
    with tenant_context(alpha):
        note = Note.objects.get(bilan=notes["lea"])
        assert not note.finalisee and note.valeur_calculee == Decimal("20")
    page = call(client, "get", url).content.decode()
    assert "pas encore enregistrée" in page and f'name="poids-{notes["c03"]}" value="100.00"' in page


# --- Who reads, who writes ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["direction", "inspecteur"])
def test_direction_and_inspection_read_the_grades_and_write_none(as_role, alpha, monde, notes, role):
    client = as_role(role)
    avant = writes(alpha)
    for name, method, url, data in pages(monde, notes):
        assert call(client, method, url, data).status_code == (200 if method == "get" else 403), name
    assert writes(alpha) == avant
    hugo = call(client, "get", reverse("bilan_note", args=[notes["hugo"].pk])).content.decode()
    assert "Consultation" in hugo and 'name="ajustement"' not in hugo and 'name="poids-' not in hugo
    assert "17,5 / 20" in hugo and "62,50 %" in hugo


def test_another_formateur_gets_404(monde, notes):
    client = logged(monde.autre_formateur.email)
    for name, method, url, data in pages(monde, notes):
        assert call(client, method, url, data).status_code == 404, name


@pytest.mark.parametrize("role", ["apprenant", "tuteur"])
def test_learners_and_tutors_never_reach_the_grade_pages(as_role, monde, notes, role):
    client = as_role(role)
    for name, method, url, data in pages(monde, notes):
        assert call(client, method, url, data).status_code == 403, name


def test_anonymous_people_go_to_the_login_page(alpha_client, monde, notes):
    for name, method, url, data in pages(monde, notes):
        response = call(alpha_client, method, url, data)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"], name


def test_the_learner_sees_only_their_own_final_grade_on_their_bilans_page(as_role, alpha, monde, notes):
    client = as_role("apprenant")  # Léa
    assert "Note de période" not in call(client, "get", reverse("mes_bilans")).content.decode()
    with tenant_context(alpha):
        note_poids_set(bilan=notes["lea"], actor=monde.formateur)  # a proposal: not for her eyes
    assert "Note de période" not in call(client, "get", reverse("mes_bilans")).content.decode()
    with tenant_context(alpha):
        note_finalise(bilan=notes["lea"], ajustement=Decimal("-0.5"), justification="Retards.",
                      actor=monde.formateur)
    html = call(client, "get", reverse("mes_bilans")).content.decode()
    assert "Note de période : <strong>17,0 / 20</strong>" in html and "par Formateur ALPHA" in html
    assert html.count("Note de période") == 1  # not Hugo's 17,5
    assert reverse("bilan_note", args=[notes["lea"].pk]) not in html


def test_beta_cannot_see_alpha_grades(beta, charlie, monde, notes):
    client = logged(charlie.email, host="beta.localhost")
    for name, method, url, data in pages(monde, notes):
        if method == "get":
            assert call(client, method, url, data).status_code == 404, name
    alpha_session = logged(monde.formateur.email)
    alpha_session.defaults["HTTP_HOST"] = "beta.localhost"
    assert call(alpha_session, "get", reverse("bilan_note", args=[notes["lea"].pk])).status_code == 302


# --- Fixed numbers of queries ------------------------------------------------------------------------------------


def test_the_classe_grades_page_runs_a_fixed_number_of_queries(as_role, alpha, monde, notes):
    client = as_role("formateur")
    url = reverse("bilans_classe_notes", args=[monde.classe.pk])
    avant = queries_of(client, url)
    with tenant_context(alpha):
        for apprenant in learners_add(monde.classe, 6, start=30):
            bilan = bilan_valide(monde, apprenant, {"C03": "M", "C01": "M"})
            note_finalise(bilan=bilan, ajustement=Decimal("0.5"), justification="Assidu.", actor=monde.formateur)
        bilan_valide(monde, monde.lea, {"C03": "M"}, date=TODAY)  # a second bilan of the day for Léa
    connection.set_schema_to_public()
    assert queries_of(client, url) == avant
    html = call(client, "get", url).content.decode()
    assert html.count("<strong>13,8 / 20</strong>") == 6 and "MARTIN Hugo" in html


def test_the_archive_and_the_learners_page_show_grades_in_a_fixed_number_of_queries(as_role, alpha, monde, notes):
    formateur, apprenant = as_role("formateur"), as_role("apprenant")
    archive, mes_bilans = reverse("bilans_apprenant", args=[monde.lea.pk]), reverse("mes_bilans")
    with tenant_context(alpha):
        note_finalise(bilan=notes["lea"], actor=monde.formateur)
    connection.set_schema_to_public()
    avant = queries_of(formateur, archive), queries_of(apprenant, mes_bilans)
    with tenant_context(alpha):
        for _ in range(3):  # three more bilans of the day, each graded
            bilan = bilan_valide(monde, monde.lea, {"C03": "BM", "C01": "BM"})
            note_finalise(bilan=bilan, actor=monde.formateur)
    connection.set_schema_to_public()
    assert (queries_of(formateur, archive), queries_of(apprenant, mes_bilans)) == avant
    assert call(apprenant, "get", mes_bilans).content.decode().count("Note de période : <strong>20,0 / 20") == 3
