"""The learner's home is their dashboard: progress per bloc (an SVG chart with a text alternative and its numbers
in a table), the last validated bilan, the recent evaluations, the upcoming company periods, the journal entries
waiting; each with its empty state; a fixed number of queries."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import tenant_context

from entreprise import services_journal
from entreprise.models import EntreeJournal, Periode
from scolarite.models import Inscription

from .conftest import DAY, RENTREE, TODAY, bilan_add, criteres_of, rate, situation_add
from .test_vue_classe import bilan_valide

pytestmark = pytest.mark.django_db


def home(client) -> str:
    response = client.get("/apprenant/")
    connection.set_schema_to_public()
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def section(page: str, titre: str) -> str:
    return page.split(f">{titre}</h2>", 1)[1].split("</section>", 1)[0]


@pytest.fixture
def lea(alpha, livret):
    with tenant_context(alpha):
        Inscription.objects.filter(classe=livret.classe).update(debut=RENTREE - 365 * DAY)
    connection.set_schema_to_public()
    return livret


def test_the_progress_follows_the_last_validated_bilan_as_an_svg_with_a_text_alternative_and_a_table(lea, alpha,
                                                                                                     as_role):
    with tenant_context(alpha):  # BC01 = C03, C07, C11
        bilan_valide(lea, lea.lea, TODAY - 30 * DAY, {"C03": "NM"})
        bilan_valide(lea, lea.lea, TODAY - 3 * DAY, {"C03": "BM", "C07": "M", "C11": "IM"})
    page = home(as_role("apprenant"))
    progression = section(page, "Ma progression par bloc")
    assert f"D'après mon dernier bilan validé (du {TODAY - 3 * DAY:%d/%m/%Y})" in progression
    svg = re.search(r"<svg [^>]*>.*?</svg>", progression, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="progression-titre progression-desc"' in svg
    assert '<title id="progression-titre">Compétences acquises par bloc, d\'après mon dernier bilan validé' in svg
    assert "BC01 : 2 sur 3 (67 %)" in svg and "BC02 : 0 sur 3 (0 %)" in svg
    row = progression.split("<strong>BC01</strong>", 1)[1].split("</tr>", 1)[0]
    assert "2 sur 3 (67 %)" in row
    dernier = section(page, "Mon dernier bilan")
    assert f"{TODAY - 3 * DAY:%d/%m/%Y}" in dernier and reverse("mes_bilans") in dernier


def test_before_any_bilan_the_progress_is_the_suggestion_labelled_so_without_certificative_evidence(lea, alpha,
                                                                                                      as_role):
    c07 = criteres_of(lea.ciel, "C07")
    with tenant_context(alpha):
        for k in range(2):
            tp = situation_add(classe=lea.classe, auteur=lea.formateur, ciel=lea.ciel, criteres=lea.c03,
                               date=TODAY - (5 + k) * DAY, titre=f"TP {k}")
            ccf = situation_add(classe=lea.classe, auteur=lea.formateur, ciel=lea.ciel, criteres=c07,
                                date=TODAY - (5 + k) * DAY, titre=f"Épreuve CCF {k}", nature="certificative")
            for critere in lea.c03:
                rate(situation=tp, apprenant=lea.lea, critere=critere, code="S", auteur=lea.formateur)
            for critere in c07:
                rate(situation=ccf, apprenant=lea.lea, critere=critere, code="TS", auteur=lea.formateur)
    page = home(as_role("apprenant"))
    progression = section(page, "Ma progression par bloc")
    assert "Pas encore de bilan validé : d'après mes évaluations" in progression and "suggestion" in progression
    assert "d'après les niveaux suggérés par mes évaluations" in progression
    assert "BC01 : 1 sur 3 (33 %)" in progression  # C03 is M; C07's certificative evidence does not count
    assert "Épreuve CCF" not in page
    assert "Pas encore de bilan validé" in section(page, "Mon dernier bilan")


def test_the_recent_evaluations_are_the_last_five_formative_or_company_results(lea, alpha, as_role):
    with tenant_context(alpha):
        for k in range(6):
            tp = situation_add(classe=lea.classe, auteur=lea.formateur, ciel=lea.ciel, criteres=lea.c03[:1],
                               date=TODAY - (20 - k) * DAY, titre=f"Situation n°{k}")
            rate(situation=tp, apprenant=lea.lea, critere=lea.c03[0], code="RP" if k else "TS", auteur=lea.formateur)
        ccf = situation_add(classe=lea.classe, auteur=lea.formateur, ciel=lea.ciel, criteres=lea.c03[:1],
                            date=TODAY, titre="Épreuve CCF", nature="certificative")
        rate(situation=ccf, apprenant=lea.lea, critere=lea.c03[0], code="NR", auteur=lea.formateur)
        bilan_add(lea, date=TODAY - DAY, valeurs={lea.c03[1]: "A"})
    recentes = section(home(as_role("apprenant")), "Mes dernières évaluations")
    assert recentes.count("<li>") == 5
    assert "Bilan entreprise — Acme Réseaux" in recentes and 'class="tag">Entreprise' in recentes
    assert "Situation n°5" in recentes and "Situation n°2" in recentes and "Situation n°1" not in recentes
    assert recentes.index("Bilan entreprise") < recentes.index("Situation n°5")  # newest first
    assert "Réalisation partielle" in recentes and "niveau-badge" in recentes and lea.c03[0].code in recentes
    assert "Épreuve CCF" not in recentes and "Non réalisé" not in recentes


def test_upcoming_company_periods_of_the_classe_are_listed_the_current_one_marked(lea, alpha, as_role):
    with tenant_context(alpha):
        Periode.objects.create(classe=lea.classe, lieu=Periode.Lieu.ENTREPRISE, debut=TODAY + 60 * DAY,
                               fin=TODAY + 80 * DAY, libelle="Stage de printemps")
        Periode.objects.create(classe=lea.classe, lieu=Periode.Lieu.ENTREPRISE, debut=TODAY - 90 * DAY,
                               fin=TODAY - 70 * DAY, libelle="Période passée")
        Periode.objects.create(classe=lea.autre, lieu=Periode.Lieu.ENTREPRISE, debut=TODAY + 5 * DAY,
                               fin=TODAY + 9 * DAY, libelle="Autre classe")
    periodes = section(home(as_role("apprenant")), "Mes prochaines périodes en entreprise")
    assert periodes.count("<li>") == 2
    assert f"En cours</strong> : du {TODAY - 21 * DAY:%d/%m/%Y} au {TODAY + 21 * DAY:%d/%m/%Y}" in periodes
    assert "Stage de printemps" in periodes and "Période passée" not in periodes and "Autre classe" not in periodes


def test_journal_entries_to_validate_or_to_correct_are_listed(lea, alpha, as_role, personas):
    with tenant_context(alpha):
        entrees = [services_journal.entree_create(apprenant=lea.lea, auteur=personas["apprenant"], date=TODAY,
                                                  texte=f"Travail {k}") for k in range(3)]
        EntreeJournal.objects.filter(pk=entrees[1].pk).update(statut=EntreeJournal.Statut.A_REVOIR)
        EntreeJournal.objects.filter(pk=entrees[2].pk).update(statut=EntreeJournal.Statut.VALIDEE)
    journal = section(home(as_role("apprenant")), "Mon journal de bord : en attente")
    assert journal.count("<li>") == 2
    assert reverse("journal_entree", args=[entrees[0].pk]) in journal and "à valider par mon tuteur" in journal
    assert reverse("journal_entree", args=[entrees[1].pk]) in journal and "à revoir, je la corrige" in journal
    assert reverse("journal_entree", args=[entrees[2].pk]) not in journal


def test_each_block_has_its_empty_state(lea, alpha, as_role):
    with tenant_context(alpha):
        Periode.objects.filter(classe=lea.classe, lieu=Periode.Lieu.ENTREPRISE).delete()
    page = home(as_role("apprenant"))
    assert "Pas encore de bilan validé : d'après mes évaluations" in section(page, "Ma progression par bloc")
    assert "BC01 : 0 sur 3 (0 %)" in page
    assert "Pas encore de bilan validé" in section(page, "Mon dernier bilan")
    assert "Pas encore d'évaluation." in section(page, "Mes dernières évaluations")
    assert "Aucune période en entreprise à venir" in section(page, "Mes prochaines périodes en entreprise")
    assert "Aucune entrée en attente" in section(page, "Mon journal de bord : en attente")


def test_a_learner_in_no_classe_gets_the_dashboard_without_progress(alpha, livret, as_role):
    with tenant_context(alpha):
        Inscription.objects.filter(apprenant=livret.lea).delete()
    page = home(as_role("apprenant"))
    assert "Ma progression apparaîtra ici" in page and "<svg" not in page


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        home(client)
    return len(queries.captured_queries)


MAX_QUERIES = 26  # the home as before (15 with tenant and user), the dashboard 8 or 10: 23 or 25 measured


def _seed(w, personas, k: int) -> None:
    tp = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=w.c03, date=TODAY - k * DAY,
                       titre=f"TP {k}")
    for critere in w.c03:
        rate(situation=tp, apprenant=w.lea, critere=critere, code="S", auteur=w.formateur)
    bilan_add(w, date=TODAY - k * DAY, valeurs={c: "A" for c in w.c03})
    Periode.objects.create(classe=w.classe, lieu=Periode.Lieu.ENTREPRISE, debut=TODAY + (30 + k) * DAY,
                           fin=TODAY + (31 + k) * DAY)
    services_journal.entree_create(apprenant=w.lea, auteur=personas["apprenant"], date=TODAY, texte=f"Jour {k}")


@pytest.mark.parametrize("bilan", [False, True])
def test_the_dashboard_runs_the_same_bounded_number_of_queries_whatever_the_amounts(lea, alpha, as_role, personas,
                                                                                   django_assert_max_num_queries,
                                                                                   bilan):
    client = as_role("apprenant")
    with tenant_context(alpha):
        if bilan:
            bilan_valide(lea, lea.lea, TODAY - 40 * DAY, {"C03": "M"})
        _seed(lea, personas, 1)
    one = _queries(client)
    with tenant_context(alpha):
        for k in range(2, 9):
            _seed(lea, personas, k)
        if bilan:
            bilan_valide(lea, lea.lea, TODAY - DAY, {"C03": "BM"})
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _queries(client)
    assert many == one, (one, many)
