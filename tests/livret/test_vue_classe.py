"""The vue classe (/livret/classes/<pk>/): who reads it, the heatmap from the last validated bilan or from the
suggestions, its sorts and highlights, a fixed number of queries."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.urls import reverse
from django_tenants.utils import tenant_context

from bilans.models import BilanLigne
from bilans.services import bilan_create, bilan_validate
from evaluations.models import Niveau
from scolarite.models import Apprenant, Inscription

from ..conftest import host_client, login
from .conftest import DAY, RENTREE, TODAY, criteres_of, rate, situation_add

pytestmark = pytest.mark.django_db


def url(classe, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("livret_classe", args=[classe.pk]) + (f"?{query}" if query else "")


def bilan_valide(w, apprenant, date, niveaux: dict[str, str]):
    """A validated bilan of `apprenant` at `date`, with these Maîtrise levels by competency code. Run in alpha."""
    bilan = bilan_create(apprenant=apprenant, date=date, actor=w.formateur)
    for code, niveau in niveaux.items():
        BilanLigne.objects.filter(bilan=bilan, competence__code=code).update(
            niveau=Niveau.objects.get(version=bilan.version, code=niveau), etat=None)
    return bilan_validate(bilan=bilan, actor=w.formateur)


@pytest.fixture
def classe(alpha, livret):
    """Léa: a bilan 12 weeks ago (C03 NM) replaced by one 2 days ago (C03 BM), and C03 satisfied in three
    situations; Hugo: only the old bilan (C03 IM), and C03 rated once."""
    w = livret
    with tenant_context(alpha):
        Inscription.objects.filter(classe=w.classe).update(debut=RENTREE - 365 * DAY)  # bilans may go back
        bilan_valide(w, w.lea, TODAY - 84 * DAY, {"C03": "NM"})
        bilan_valide(w, w.hugo, TODAY - 84 * DAY, {"C03": "IM"})
        bilan_valide(w, w.lea, TODAY - 2 * DAY, {"C03": "BM"})
        for k in range(3):
            tp = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=w.c03,
                               date=TODAY - (10 + k) * DAY, titre=f"TP {k}")
            for critere in w.c03:
                rate(situation=tp, apprenant=w.lea, critere=critere, code="S", auteur=w.formateur)
            if k == 0:
                rate(situation=tp, apprenant=w.hugo, critere=w.c03[0], code="NR", auteur=w.formateur)
    connection.set_schema_to_public()
    return w


def get(client, address):
    response = client.get(address)
    connection.set_schema_to_public()
    return response


def codes(page: str) -> list[str]:
    return re.findall(r'<th scope="col" class="vc-comp[^"]*"[^>]*><a [^>]*><abbr title="[^"]*">([^<]+)</abbr>', page)


def cellule(page: str, apprenant, code: str) -> str:
    """The text of `apprenant`'s cell in the column of competency `code` (hidden text included)."""
    row = page.split(f'/livret/apprenants/{apprenant.pk}/"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td .*?</td>", row)
    return html.unescape(re.sub(r"<[^>]+>", " ", cells[codes(page).index(code)]))


def rows(page: str) -> list[str]:
    return re.findall(r'<th scope="row" class="vc-nom"><a href="[^"]+">([^<]+)</a>', page)


# --- Who reads it -------------------------------------------------------------------------------------------------

def test_the_formateur_of_the_classe_the_direction_and_the_inspection_read_it(classe, as_role):
    for role in ("formateur", "direction", "inspecteur"):
        response = get(as_role(role), url(classe.classe))
        assert response.status_code == 200, role
        assert "Vue classe 1CIEL-A" in response.content.decode()


def test_another_formateur_gets_404_and_learners_and_tutors_are_refused(classe, as_role, alpha):
    autre = host_client("alpha.localhost")
    assert login(autre, classe.autre_formateur.email).status_code == 302
    assert get(autre, url(classe.classe)).status_code == 404
    assert get(autre, url(classe.autre)).status_code == 200
    for role in ("apprenant", "tuteur"):
        assert get(as_role(role), url(classe.classe)).status_code == 403, role
    assert get(host_client("alpha.localhost"), url(classe.classe)).status_code == 302  # to the login page
    assert get(as_role("direction"), reverse("livret_classe", args=[999999])).status_code == 404


def test_the_inspection_reads_without_any_form_and_nobody_posts(classe, as_role):
    client = as_role("inspecteur")
    main = get(client, url(classe.classe)).content.decode().split('id="contenu"', 1)[1]
    assert "<form" not in main and "<select" not in main and "<button" not in main
    for role in ("inspecteur", "formateur", "direction"):
        response = as_role(role).post(url(classe.classe), {})
        connection.set_schema_to_public()
        assert response.status_code == 405, role


def test_another_establishment_does_not_see_the_classe(classe, charlie):
    client = host_client("beta.localhost")
    assert login(client, charlie.email).status_code == 302
    assert get(client, url(classe.classe)).status_code == 404


def test_the_classe_page_links_to_the_vue_classe(classe, as_role):
    page = get(as_role("formateur"), reverse("classe_detail", args=[classe.classe.pk])).content.decode()
    assert url(classe.classe) in page


# --- The heatmap --------------------------------------------------------------------------------------------------

def test_by_default_each_cell_is_the_level_of_the_last_validated_bilan_with_its_evidence_count(classe, as_role):
    page = get(as_role("formateur"), url(classe.classe)).content.decode()
    assert 'aria-current="page">Dernier bilan validé' in page
    lea, hugo = cellule(page, classe.lea, "C03"), cellule(page, classe.hugo, "C03")
    assert "BM" in lea and "Bien maîtrisé" in lea and "3 situations évaluées" in lea  # not the replaced NM
    assert "IM" in hugo and "Insuffisamment maîtrisé" in hugo and "1 situation évaluée" in hugo
    assert "background-color:#18753c" in page and "●" in page  # colour with its motif and code, never alone
    assert re.search(r'<abbr title="[^"]{12,}">C03</abbr><span class="visually-hidden"> ', page)  # the intitulé
    c01 = cellule(page, classe.lea, "C01")
    assert "NE" in c01 and "Non évalué" in c01 and "0 situation évaluée" in c01


def test_the_suggestion_switch_shows_suggested_levels_with_their_reason(classe, as_role):
    page = get(as_role("formateur"), url(classe.classe, source="suggestion")).content.decode()
    assert 'aria-current="page">Niveau suggéré' in page
    lea = cellule(page, classe.lea, "C03")
    assert "BM" in lea and "Bien maîtrisé : critères satisfaits dans 3 situations distinctes." in lea
    hugo = cellule(page, classe.hugo, "C03")
    assert "NM" in hugo and "Non maîtrisé : aucun critère satisfait" in hugo
    assert "Non évalué : aucune évaluation de ses critères." in cellule(page, classe.lea, "C01")
    # The sort links keep the source.
    assert "?source=suggestion&amp;tri=C03" in page


def test_a_learner_without_any_bilan_gets_empty_cells_in_bilan_mode(classe, as_role, alpha):
    with tenant_context(alpha):
        sam = Apprenant.objects.create(nom="Sans", prenom="Sam")
        Inscription.objects.create(apprenant=sam, classe=classe.classe, statut="apprenti", debut=RENTREE)
    connection.set_schema_to_public()
    page = get(as_role("formateur"), url(classe.classe)).content.decode()
    assert "Pas de bilan validé" in cellule(page, sam, "C03") and "—" in cellule(page, sam, "C03")


# --- Sorts --------------------------------------------------------------------------------------------------------

def test_learners_are_sorted_by_name_then_by_a_competency_level_both_ways(classe, as_role):
    client = as_role("formateur")
    page = get(client, url(classe.classe)).content.decode()
    assert rows(page) == ["DUPONT Léa", "MARTIN Hugo"]
    assert re.search(r'<th scope="col" rowspan="2" class="vc-nom" aria-sort="ascending"><a href="\?source=bilan'
                     r'&amp;tri=-nom">', page)
    assert rows(get(client, url(classe.classe, tri="-nom")).content.decode()) == ["MARTIN Hugo", "DUPONT Léa"]
    up = get(client, url(classe.classe, tri="C03")).content.decode()
    assert rows(up) == ["MARTIN Hugo", "DUPONT Léa"]  # IM before BM: the weakest first
    assert up.count("aria-sort=") == 1
    assert re.search(r'class="vc-comp[^"]*" aria-sort="ascending"><a href="\?source=bilan&amp;tri=-C03">', up)
    down = get(client, url(classe.classe, tri="-C03")).content.decode()
    assert rows(down) == ["DUPONT Léa", "MARTIN Hugo"] and 'aria-sort="descending"' in down


def test_an_unknown_sort_or_source_falls_back_to_the_defaults(classe, as_role):
    page = get(as_role("formateur"), url(classe.classe, tri="ZZZ", source="nimporte")).content.decode()
    assert rows(page) == ["DUPONT Léa", "MARTIN Hugo"] and 'aria-current="page">Dernier bilan validé' in page


# --- Highlights ---------------------------------------------------------------------------------------------------

def test_competencies_never_evaluated_in_the_classe_are_marked_and_listed(classe, as_role):
    page = get(as_role("formateur"), url(classe.classe)).content.decode()
    jamais = html.unescape(page.split("Jamais évaluées dans la classe", 1)[1].split("</p>", 1)[0])
    assert "C01" in jamais and "C03" not in jamais
    headers = {code: classes for classes, code in re.findall(
        r'<th scope="col" class="vc-comp([^"]*)"[^>]*><a [^>]*><abbr title="[^"]*">([^<]+)<', page)}
    assert "vc-jamais" in headers["C01"] and "vc-jamais" not in headers["C03"]
    assert "jamais évaluée" in page


def test_learners_without_a_validated_bilan_in_the_last_8_weeks_are_marked_and_counted(classe, as_role):
    page = html.unescape(get(as_role("formateur"), url(classe.classe)).content.decode())
    assert "1 apprenant sur 2 sans bilan validé depuis 8 semaines" in page
    assert re.search(r'<tr class="vc-ancien"><th scope="row" class="vc-nom"><a href="[^"]+">MARTIN Hugo', page)
    assert not re.search(r'<tr class="vc-ancien"><th scope="row" class="vc-nom"><a href="[^"]+">DUPONT', page)
    assert f"dernier bilan validé le {TODAY - 84 * DAY:%d/%m/%Y}" in page


def test_the_table_scrolls_in_a_labelled_region_with_the_learner_column_sticky(classe, as_role):
    page = get(as_role("formateur"), url(classe.classe)).content.decode()
    assert re.search(r'<div class="table-wrap vc-wrap" role="region" tabindex="0" aria-label="[^"]+">', page)
    with open("livret/static/livret/livret.css", encoding="utf-8") as css:
        assert re.search(r"\.vc-table \.vc-nom \{ position: sticky; left: 0;", css.read())


# --- Queries ------------------------------------------------------------------------------------------------------

MAX_QUERIES = 16  # tenant (3), user, the classe, the selector's ten: 15 measured, one spare for the session


def seed(w, n: int) -> None:
    """`n` learners in the classe, each rated on C03 and C06 in two situations, each with a validated bilan."""
    apprenants = Apprenant.objects.bulk_create(Apprenant(nom=f"Nom{i:02d}", prenom="P") for i in range(n))
    Inscription.objects.bulk_create(Inscription(apprenant=a, classe=w.classe, statut="apprenti",
                                                debut=RENTREE - 365 * DAY) for a in apprenants)
    for k in range(2):
        criteres = w.c03 + criteres_of(w.ciel, "C06")
        tp = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=criteres,
                           date=TODAY - (k + 3) * DAY, titre=f"TP {k}")
        for a in apprenants:
            for critere in criteres:
                rate(situation=tp, apprenant=a, critere=critere, code="S", auteur=w.formateur)
    for a in apprenants:
        bilan_valide(w, a, TODAY - DAY, {"C03": "M"})


@pytest.mark.parametrize("n", [3, 12])
@pytest.mark.parametrize("source", ["bilan", "suggestion"])
def test_the_page_runs_the_same_bounded_number_of_queries_for_3_or_12_learners(alpha, livret, as_role, n, source,
                                                                              django_assert_max_num_queries):
    with tenant_context(alpha):
        Inscription.objects.filter(classe=livret.classe).delete()
        seed(livret, n)
    connection.set_schema_to_public()
    client = as_role("formateur")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url(livret.classe, source=source, tri="C03"))
    connection.set_schema_to_public()
    assert response.status_code == 200 and len(rows(response.content.decode())) == n


def test_the_selector_runs_exactly_as_many_queries_for_3_and_for_12_learners(alpha, livret):
    from django.test.utils import CaptureQueriesContext

    from livret.selectors_classe import vue_classe

    counts = []
    with tenant_context(alpha):
        Inscription.objects.filter(classe=livret.classe).delete()
        for n in (3, 9):  # 3 learners, then 12
            seed(livret, n)
            for source in ("bilan", "suggestion"):
                with CaptureQueriesContext(connection) as queries:
                    vue = vue_classe(livret.classe, source=source, tri="-C06")
                counts.append(len(queries.captured_queries))
            assert len(vue.lignes) == {3: 3, 9: 12}[n]
    connection.set_schema_to_public()
    assert counts[:2] == counts[2:], counts


def test_dates_never_leave_the_classes_school_year():
    from livret.selectors_classe import _jour
    from scolarite.models import Classe

    classe = Classe(annee_scolaire=2020)
    assert _jour(classe, datetime.date(2026, 1, 1)) == datetime.date(2021, 8, 31)
    assert _jour(classe, datetime.date(2019, 1, 1)) == datetime.date(2020, 9, 1)
