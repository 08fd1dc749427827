"""The suggested level of a competency (docs/evaluations.md, "Niveau suggéré d'une compétence"), pinned on small
hand-worked cases. Pure: no database.

Values are on 0..1; with the Performance scale (4 levels) NR = 0, RP = 1/3, S = 2/3, TS = 1."""

import datetime
from types import SimpleNamespace

import pytest

from evaluations.suggestion import Preuve, preuve_from_event, suggestion_competence

NR, RP, S, TS = 0, 1 / 3, 2 / 3, 1.0
JOUR = datetime.date(2025, 9, 1)
HEURE = datetime.datetime(2025, 9, 1, 8, 0, tzinfo=datetime.UTC)


def situation(numero: int, *valeurs, lieu="centre", minutes=0, critere_ids=None) -> list[Preuve]:
    """Situation n° `numero` on day `numero`, one event per criterion (criteria 1, 2, 3… unless given)."""
    critere_ids = critere_ids or range(1, len(valeurs) + 1)
    prefixe = "b" if lieu == "entreprise" else "s"
    return [Preuve(situation=f"{prefixe}:{numero}", date=JOUR + datetime.timedelta(days=numero),
                   at=HEURE + datetime.timedelta(days=numero, minutes=minutes), critere_id=critere_id,
                   valeur=valeur, lieu=lieu)
            for critere_id, valeur in zip(critere_ids, valeurs, strict=True)]


def suggest(*situations):
    suggestion = suggestion_competence([preuve for s in situations for preuve in s])
    assert len(suggestion.phrase) <= 160
    return suggestion.code, suggestion.phrase


def test_it_suggests_non_evalue_without_evidence():
    assert suggest() == ("NE", "Non évalué : aucune évaluation de ses critères.")


def test_special_states_only_give_non_evalue():
    assert suggest(situation(1, None, None), situation(2, None)) == (
        "NE", "Non évalué : aucune évaluation utilisable, les états spéciaux (absent, non observé, dispensé…) "
              "ne comptent pas.")


def test_one_successful_situation_gives_at_most_insuffisamment_maitrise():
    assert suggest(situation(1, TS, TS, TS)) == (
        "IM", "Insuffisamment maîtrisé : critères satisfaits dans 1 seule situation, à confirmer dans une autre.")


def test_two_successful_situations_give_maitrise():
    assert suggest(situation(1, S, TS), situation(2, TS, S)) == (
        "M", "Maîtrisé : critères satisfaits dans 2 situations distinctes.")


def test_three_successful_situations_in_a_row_give_bien_maitrise():
    assert suggest(situation(1, S, S), situation(2, TS, S), situation(3, S, TS)) == (
        "BM", "Bien maîtrisé : critères satisfaits dans 3 situations distinctes.")


def test_only_the_three_latest_situations_count():
    assert suggest(situation(1, NR), situation(2, NR), situation(3, S), situation(4, S), situation(5, TS)) == (
        "BM", "Bien maîtrisé : critères satisfaits dans les 3 dernières situations.")
    assert suggest(situation(1, TS), situation(2, TS), situation(3, NR), situation(4, NR), situation(5, NR)) == (
        "NM", "Non maîtrisé : aucun critère satisfait, même en partie, dans les 3 dernières situations.")


def test_a_single_slip_in_the_latest_situation_keeps_maitrise_and_says_so():
    assert suggest(situation(1, S), situation(2, TS), situation(3, NR)) == (
        "M", "Maîtrisé : critères satisfaits dans 2 situations distinctes sur 3, mais pas dans la plus récente.")


def test_it_drops_after_regression_in_the_two_latest_situations():
    assert suggest(situation(1, TS), situation(2, TS), situation(3, TS), situation(4, NR), situation(5, RP)) == (
        "IM", "Insuffisamment maîtrisé : critères satisfaits dans 1 situation sur les 3 dernières, "
              "mais pas dans les 2 plus récentes.")


def test_recent_successes_are_named():
    assert suggest(situation(1, NR), situation(2, S), situation(3, TS)) == (
        "M", "Maîtrisé : critères satisfaits dans 2 situations distinctes sur 3, dont les 2 plus récentes.")
    assert suggest(situation(1, S), situation(2, NR), situation(3, TS)) == (
        "M", "Maîtrisé : critères satisfaits dans 2 situations distinctes sur 3, dont la plus récente.")
    assert suggest(situation(1, NR), situation(2, TS)) == (
        "IM", "Insuffisamment maîtrisé : critères satisfaits dans 1 situation sur 2, la plus récente.")


def test_partial_success_gives_insuffisamment_maitrise_and_nothing_gives_non_maitrise():
    assert suggest(situation(1, RP, NR), situation(2, NR, NR)) == (
        "IM", "Insuffisamment maîtrisé : critères satisfaits en partie seulement dans les 2 situations évaluées.")
    assert suggest(situation(1, NR, NR)) == (
        "NM", "Non maîtrisé : aucun critère satisfait, même en partie, dans la seule situation évaluée.")


def test_a_situation_succeeds_when_two_thirds_of_its_criteria_are_satisfied():
    # 2 of 3 satisfied: successful; 1 of 2: not (the criterion that is satisfied still counts "en partie").
    assert suggest(situation(1, S, TS, NR), situation(2, TS, S, RP))[0] == "M"
    assert suggest(situation(1, S, NR), situation(2, TS, NR)) == (
        "IM", "Insuffisamment maîtrisé : critères satisfaits en partie seulement dans les 2 situations évaluées.")


def test_several_criteria_of_a_situation_count_as_one_situation():
    # Five satisfied criteria in one situation are still one situation: no transfer shown.
    assert suggest(situation(1, TS, TS, TS, TS, TS))[0] == "IM"


def test_special_states_are_ignored():
    # An absent learner's situation neither counts as a failure nor pushes older evidence out of the window…
    absent = situation(4, None, None)
    assert suggest(situation(1, S), situation(2, S), situation(3, S), absent) == (
        "BM", "Bien maîtrisé : critères satisfaits dans 3 situations distinctes.")
    # … and a criterion "non observé" does not lower a situation's share: 2 satisfied of 2 rated.
    assert suggest(situation(1, S, S, None), situation(2, TS, None, TS)) == (
        "M", "Maîtrisé : critères satisfaits dans 2 situations distinctes.")


def test_only_the_latest_event_of_a_criterion_counts():
    # Criterion 1 of situation 2 is corrected from NR to TS: the situation succeeds.
    corrigee = situation(2, NR, TS) + situation(2, TS, critere_ids=[1], minutes=30)
    assert suggest(situation(1, S, S), corrigee)[0] == "M"
    # Corrected back to "absent": the latest state is special, so the cell no longer counts at all (1 of 1 left).
    absente = situation(2, TS, NR) + situation(2, None, critere_ids=[2], minutes=30)
    assert suggest(situation(1, S, S), absente)[0] == "M"
    # Order of the given events does not matter: `at` decides.
    assert suggest(list(reversed(corrigee)), situation(1, S, S))[0] == "M"


def test_situations_of_the_same_date_are_ordered_by_time():
    soir = [Preuve("s:9", JOUR, HEURE + datetime.timedelta(hours=8), 1, NR)]
    matin = [Preuve("s:8", JOUR, HEURE, 1, TS)]
    assert suggest(situation(-2, S), soir, matin)[1].endswith("mais pas dans la plus récente.")


def test_it_is_not_a_mean():
    # A mean of the values would give BM (1.0): one situation does not show transfer.
    assert suggest(situation(1, TS, TS, TS))[0] == "IM"
    # A mean would give M (0.75): the old failure has left the window of the 3 latest situations.
    assert suggest(situation(1, NR), situation(2, TS), situation(3, TS), situation(4, TS))[0] == "BM"
    # A mean would give M (0.6, nearest to 2/3): the 2 latest failures make it drop.
    assert suggest(situation(1, TS), situation(2, TS), situation(3, TS), situation(4, NR), situation(5, NR))[0] == "IM"


def test_company_evidence_counts_like_centre_evidence_and_is_mentioned():
    assert suggest(situation(1, S), situation(2, TS, lieu="entreprise"), situation(3, S)) == (
        "BM", "Bien maîtrisé : critères satisfaits dans 3 situations distinctes (dont 1 en entreprise).")
    assert suggest(situation(1, NR), situation(2, TS, lieu="entreprise")) == (
        "IM", "Insuffisamment maîtrisé : critères satisfaits dans 1 situation sur 2 (en entreprise), la plus récente.")


def test_a_competency_level_event_counts_as_one_criterion():
    # Events on the whole competency (critere_id None) on the Maîtrise scale: M = 2/3 is satisfied.
    assert suggest(situation(1, 2 / 3, critere_ids=[None]), situation(2, 1.0, critere_ids=[None]))[0] == "M"


@pytest.mark.parametrize(("rang", "nombre_niveaux", "valeur"), [(1, 4, 0.0), (3, 4, 2 / 3), (4, 4, 1.0), (2, 3, 0.5)])
def test_preuve_from_event_puts_the_level_on_0_to_1(rang, nombre_niveaux, valeur):
    at = HEURE
    event = SimpleNamespace(niveau_id=7, niveau=SimpleNamespace(rang=rang), etat_id=None, critere_id=12, at=at,
                            lieu="entreprise")
    assert preuve_from_event(event, nombre_niveaux=nombre_niveaux, situation_key="b:3", date=JOUR) == Preuve(
        situation="b:3", date=JOUR, at=at, critere_id=12, valeur=pytest.approx(valeur), lieu="entreprise")


def test_preuve_from_event_gives_no_value_to_a_special_state():
    event = SimpleNamespace(niveau_id=None, niveau=None, etat_id=4, critere_id=12, at=HEURE, lieu="centre")
    preuve = preuve_from_event(event, nombre_niveaux=4, situation_key="s:1", date=JOUR)
    assert preuve.valeur is None and preuve.situation == "s:1" and preuve.date == JOUR


def test_a_version_reaches_the_satisfied_threshold_exactly_on_its_levels():
    # rang 3 of 4 is (3 - 1) / (4 - 1): satisfied despite float rounding.
    event = SimpleNamespace(niveau_id=1, niveau=SimpleNamespace(rang=3), critere_id=1, at=HEURE, lieu="centre")
    preuves = [preuve_from_event(event, nombre_niveaux=4, situation_key=f"s:{i}", date=JOUR + datetime.timedelta(i))
               for i in (1, 2)]
    assert suggestion_competence(preuves).code == "M"


def test_the_worked_example_of_the_documentation():
    s1 = situation(1, TS, S, RP)
    s2 = situation(2, S, None, S)  # C3.2 non observé
    s3 = situation(3, S, RP, NR, lieu="entreprise") + situation(3, TS, critere_ids=[2], minutes=30, lieu="entreprise")
    s4 = situation(4, RP, NR, S)
    s5 = situation(5, NR, RP, NR)
    assert [suggest(*[s1, s2, s3, s4, s5][:i]) for i in range(1, 6)] == [
        ("IM", "Insuffisamment maîtrisé : critères satisfaits dans 1 seule situation, à confirmer dans une autre."),
        ("M", "Maîtrisé : critères satisfaits dans 2 situations distinctes."),
        ("BM", "Bien maîtrisé : critères satisfaits dans 3 situations distinctes (dont 1 en entreprise)."),
        ("M", "Maîtrisé : critères satisfaits dans 2 situations distinctes sur les 3 dernières (dont 1 en entreprise), "
              "mais pas dans la plus récente."),
        ("IM", "Insuffisamment maîtrisé : critères satisfaits dans 1 situation sur les 3 dernières (en entreprise), "
               "mais pas dans les 2 plus récentes."),
    ]
