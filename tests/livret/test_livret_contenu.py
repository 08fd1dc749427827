"""What the livret shows: competencies by bloc, chronological columns (centre, then company), badges, the
learner's positionnement, the suggested level, and the filters."""

import datetime
import html

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from evaluations.models import Evaluation, Situation
from evaluations.selectors_grille import valeur_find

from .conftest import DAY, TODAY, bilan_add, criteres_of, position, rate, situation_add

pytestmark = pytest.mark.django_db


def url(apprenant) -> str:
    return reverse("livret_apprenant", args=[apprenant.pk])


def competence_table(page: str, code: str) -> str:
    """The HTML of competency `code`'s article."""
    start = page.index(f'<span class="code">{code}</span>')
    return page[start:page.index("</article>", start)]


@pytest.fixture
def historique(alpha, livret):
    """C03 evaluated in three centre situations created out of date order, a certificative one, and two company
    bilans; C06 in one situation."""
    w = livret
    with tenant_context(alpha):
        recent = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=w.c03,
                               date=TODAY - 3 * DAY, titre="TP récent")
        ancien = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=w.c03,
                               date=TODAY - 30 * DAY, titre="TP ancien")
        milieu = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=w.c03[:1],
                               date=TODAY - 15 * DAY, titre="TP du milieu")
        ccf = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=w.c03[:1],
                            date=TODAY - 10 * DAY, titre="Épreuve CCF E2", nature="certificative")
        c06 = criteres_of(w.ciel, "C06")
        reseau = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=c06[:1],
                               date=TODAY - 5 * DAY, titre="TP réseau")
        for situation, code in ((recent, "TS"), (ancien, "NR"), (milieu, "RP"), (ccf, "S")):
            rate(situation=situation, apprenant=w.lea, critere=w.c03[0], code=code, auteur=w.formateur)
        rate(situation=recent, apprenant=w.lea, critere=w.c03[0], code="S", auteur=w.formateur)  # a correction
        rate(situation=reseau, apprenant=w.lea, critere=c06[0], code="ABS", auteur=w.formateur)
        rate(situation=recent, apprenant=w.hugo, critere=w.c03[1], code="NR", auteur=w.formateur)
        position(situation=recent, apprenant=w.lea, critere=w.c03[0], code="TS")
        bilan_add(w, date=TODAY - 20 * DAY, valeurs={w.c03[0]: "ECA"})
        bilan_add(w, date=TODAY - 1 * DAY, valeurs={w.c03[0]: "A", w.c03[1]: "NV"})
        bilan_add(w, date=TODAY - 2 * DAY, valeurs={}, confirme=False)  # not confirmed: not shown
    connection.set_schema_to_public()
    return w


def test_competencies_are_grouped_by_bloc(historique, as_role):
    page = as_role("formateur").get(url(historique.lea)).content.decode()
    bc01, bc02 = page.index("BC01</span>"), page.index("BC02</span>")
    assert bc01 < page.index('<span class="code">C03</span>') < bc02 < page.index('<span class="code">C06</span>')
    assert "Compétences hors bloc" in page  # C02 and C05 are in no bloc of Bac pro CIEL
    assert '<th scope="row"><span class="code">' in page and 'role="region" tabindex="0"' in page


def test_cells_are_ordered_chronologically_centre_then_company(historique, as_role):
    table = competence_table(as_role("formateur").get(url(historique.lea)).content.decode(), "C03")
    titres = ["TP ancien", "TP du milieu", "Épreuve CCF E2", "TP récent", "Bilan entreprise — Acme"]
    positions = [table.index(t) for t in titres]
    assert positions == sorted(positions)
    assert table.count("Bilan entreprise — Acme") == 2
    assert table.index("Au centre") < table.index("En entreprise")
    row = table.split(historique.c03[0].intitule, 1)[1].split("</tr>", 1)[0]
    codes = [chunk.split("</strong>")[0] for chunk in row.split('class="niveau-code">')[1:]]
    assert codes == ["NR", "RP", "S", "S", "ECA", "A"]  # the latest event of each cell, in column order


def test_a_cell_shows_the_level_colour_glyph_and_code_as_the_grid_does(historique, as_role):
    table = competence_table(as_role("formateur").get(url(historique.lea)).content.decode(), "C03")
    assert 'class="niveau-badge" style="background-color: #' in table and "niveau-motif" in table
    assert "Réalisation partielle" in table and "Non vu" in table  # a level and a company special state
    assert "non évalué" in table  # a targeted criterion without an event


def test_the_learners_positionnement_shows_beside_the_formateurs_result(historique, as_role):
    table = competence_table(as_role("apprenant").get(reverse("livret_mien")).content.decode(), "C03")
    row = table.split(historique.c03[0].intitule, 1)[1].split("</tr>", 1)[0]
    (cell,) = [td for td in row.split("<td>")[1:] if "auto-positionnement" in td]
    assert ">TS</abbr>" in cell and 'niveau-code">S<' in cell  # the learner's TS beside the formateur's S


def test_company_events_of_a_confirmed_bilan_are_shown_and_a_draft_is_not(historique, as_role):
    table = competence_table(as_role("direction").get(url(historique.lea)).content.decode(), "C03")
    assert table.count("Bilan entreprise — Acme") == 2 and "Acquis" in table and "En cours d" in table


def test_the_suggested_level_and_its_sentence_show_for_each_competency(historique, as_role):
    page = as_role("formateur").get(url(historique.lea)).content.decode()
    c03 = competence_table(page, "C03")
    assert "Niveau suggéré" in c03 and "situations" in c03 and "Dernier bilan validé" in c03
    assert "Non évalué : aucune évaluation utilisable" in competence_table(page, "C06")  # ABS never counts
    assert "Non évalué : aucune évaluation de ses critères." in competence_table(page, "C01")


def test_the_learner_sees_no_certificative_result(historique, as_role):
    page = as_role("apprenant").get(reverse("livret_mien")).content.decode()
    assert "TP ancien" in page and "Épreuve CCF E2" not in page
    assert 'value="certificative"' not in page


def test_another_learners_events_never_show(historique, as_role):
    table = competence_table(as_role("formateur").get(url(historique.lea)).content.decode(), "C03")
    row = table.split(historique.c03[1].intitule, 1)[1].split("</tr>", 1)[0]
    assert 'niveau-code">NR<' not in row  # Hugo's result on that criterion


def test_the_nature_filter(historique, as_role):
    client = as_role("formateur")
    entreprise = competence_table(client.get(url(historique.lea), {"nature": "entreprise"}).content.decode(), "C03")
    assert "Bilan entreprise" in entreprise and "TP récent" not in entreprise
    formative = competence_table(client.get(url(historique.lea), {"nature": "formative"}).content.decode(), "C03")
    assert "TP récent" in formative and "Épreuve CCF E2" not in formative and "Bilan entreprise" not in formative
    certif = competence_table(client.get(url(historique.lea), {"nature": "certificative"}).content.decode(), "C03")
    assert "Épreuve CCF E2" in certif and "TP récent" not in certif


def test_the_epreuve_filter_keeps_only_its_competencies(historique, as_role):
    e31 = historique.ciel.epreuves.get(code="E31")
    page = as_role("formateur").get(url(historique.lea), {"epreuve": e31.pk}).content.decode()
    assert '<span class="code">C06</span>' in page and '<span class="code">C03</span>' not in page
    e11 = historique.ciel.epreuves.get(code="E11")
    page = as_role("formateur").get(url(historique.lea), {"epreuve": e11.pk}).content.decode()
    assert "ne porte sur aucune compétence" in page


def test_the_period_filter(historique, as_role):
    du, au = (TODAY - 16 * DAY).isoformat(), (TODAY - 1 * DAY).isoformat()
    table = competence_table(as_role("formateur").get(url(historique.lea), {"du": du, "au": au}).content.decode(),
                             "C03")
    assert "TP du milieu" in table and "TP récent" in table and "TP ancien" not in table
    assert table.count("Bilan entreprise — Acme") == 1  # the bilan of 20 days ago is out of the period


@pytest.mark.parametrize("params, message", [
    ({"nature": "toutes"}, "nature d'évaluation n'existe pas"),
    ({"epreuve": "abc"}, "épreuve n'existe pas"),
    ({"epreuve": "999999999"}, "pas dans le référentiel"),
    ({"du": "2024-13-45"}, "pas une date valide"),
    ({"au": "x" * 500}, "pas une date valide"),
    ({"du": "2025-06-01", "au": "2025-01-01"}, "commence après sa fin"),
])
def test_bad_filter_values_are_ignored_with_a_message(historique, as_role, params, message):
    response = as_role("formateur").get(url(historique.lea), params)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and message in page and 'role="alert"' in page
    assert "TP récent" in page  # the livret still shows


def test_an_htmx_filter_returns_only_the_livret_body(historique, as_role):
    response = as_role("formateur").get(url(historique.lea), {"nature": "entreprise"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and 'id="livret-corps"' in page and "<html" not in page
    assert "Bilan entreprise" in page


def test_an_empty_livret_says_so_in_french(alpha, livret, as_role):
    page = as_role("formateur").get(url(livret.lea)).content.decode()
    assert "Aucune situation ni aucun bilan" in page and "Pas encore évaluée." in page


def test_a_situation_of_the_classe_before_the_learner_joined_is_not_a_column(alpha, livret, as_role):
    w = livret
    with tenant_context(alpha):
        situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=w.c03,
                      date=datetime.date(2000, 1, 10), titre="TP d'avant")
        situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=w.c03,
                      date=TODAY, titre="TP du jour")
    connection.set_schema_to_public()
    page = as_role("formateur").get(url(w.lea)).content.decode()
    assert "TP d'avant" not in html.unescape(page) and "TP du jour" in page


def test_the_level_of_the_bilan_in_force_shows_for_each_competency(alpha, livret, as_role):
    from bilans.models import Bilan, BilanLigne
    from evaluations.models import EchelleVersion

    w = livret
    with tenant_context(alpha):
        version = EchelleVersion.objects.filter(echelle__code="maitrise").order_by("-numero").first()
        bilan = Bilan.objects.create(apprenant=w.lea, classe=w.classe, referentiel=w.ciel, version=version,
                                     date=TODAY - 4 * DAY, created_by=w.formateur)
        BilanLigne.objects.create(bilan=bilan, competence=w.c03[0].competence, suggestion_code="M",
                                  suggestion_phrase="…", niveau=version.niveaux.get(code="BM"))
        Bilan.objects.filter(pk=bilan.pk).update(validated_at=timezone.now(), validated_by=w.formateur)
    connection.set_schema_to_public()
    page = as_role("formateur").get(url(w.lea)).content.decode()
    c03 = competence_table(page, "C03")
    assert "<strong>BM</strong> Bien maîtrisé" in c03 and (TODAY - 4 * DAY).strftime("%d/%m/%Y") in c03
    assert "<strong>BM</strong>" not in competence_table(page, "C06")
    assert "Bien maîtrisé" not in as_role("tuteur").get(url(w.lea)).content.decode()


def test_a_situation_rated_per_competency_shows_a_whole_competency_row(alpha, livret, as_role):
    w = livret
    with tenant_context(alpha):
        situation = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=w.c03,
                                  date=TODAY - DAY, titre="TP global")
        Situation.objects.filter(pk=situation.pk).update(par_competence=True)
        niveau, _ = valeur_find("competence", "TB")
        Evaluation.objects.create(situation=situation, apprenant=w.lea, competence=w.c03[0].competence,
                                  niveau=niveau, auteur=w.formateur, role="formateur", at=timezone.now())
    connection.set_schema_to_public()
    table = competence_table(as_role("formateur").get(url(w.lea)).content.decode(), "C03")
    row = table.split("Compétence entière", 1)[1].split("</tr>", 1)[0]
    assert 'niveau-code">TB<' in row and "non évalué" not in table  # criteria of that column are not targeted
