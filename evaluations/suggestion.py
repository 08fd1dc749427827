"""The suggested level of a competency, computed from its criteria's evaluation events (rule in
docs/evaluations.md, "Niveau suggéré d'une compétence"). A suggestion never writes anything: the formateur decides.

Callers build `Preuve`s from events (`preuve_from_event`) and call `suggestion_competence`. Pure Python: no
database access, so the rule is pinned by small hand-worked unit tests (tests/evaluations/test_suggestion.py).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Preuve:
    """One evaluation event reduced to what the rule needs."""

    situation: str  # a distinct situation: "s:<situation pk>" in the centre, "b:<bilan entreprise pk>" in the company
    date: datetime.date  # the situation's date (or the company bilan's)
    at: datetime.datetime  # when the event was recorded (orders events of the same date)
    critere_id: int | None  # None for an event on the whole competency
    valeur: float | None  # the level on 0..1: (rang - 1) / (number of levels - 1); None for a special state
    lieu: str = "centre"  # "centre" or "entreprise"


@dataclass(frozen=True)
class Suggestion:
    code: str  # "NM", "IM", "M", "BM" (the Maîtrise scale's codes) or "NE" (non évalué: no usable evidence)
    phrase: str  # one French sentence that says why


LIBELLES = {"NE": "Non évalué", "NM": "Non maîtrisé", "IM": "Insuffisamment maîtrisé", "M": "Maîtrisé",
            "BM": "Bien maîtrisé"}
FENETRE = 3  # only the 3 most recent situations count: recent evidence wins, old successes fade out
# Thresholds in thirds so that they fall exactly on levels: S/TS (4 levels), A (3 levels), M/BM are "satisfait";
# RP, ECA, IM are "en partie". The epsilon absorbs float rounding of (rang - 1) / (n - 1).
SATISFAIT = 2 / 3
EN_PARTIE = 1 / 3
EPSILON = 1e-9


@dataclass(frozen=True)
class _Situation:
    cle: str
    date: datetime.date
    at: datetime.datetime
    reussie: bool  # at least 2/3 of its rated criteria satisfied
    en_partie: bool  # at least one criterion reached at least "en partie"
    entreprise: bool


def preuve_from_event(event, *, nombre_niveaux: int, situation_key: str, date) -> Preuve:
    """An `evaluations.models.Evaluation` as a Preuve; `nombre_niveaux` is the number of levels of the version of
    the event's scale. A special state or a cleared cell has no level, hence no value."""
    if nombre_niveaux < 2:
        raise ValueError("Une échelle a au moins deux niveaux.")
    valeur = None
    if event.niveau_id is not None:
        valeur = (event.niveau.rang - 1) / (nombre_niveaux - 1)
    return Preuve(situation=situation_key, date=date, at=event.at, critere_id=event.critere_id, valeur=valeur,
                  lieu=event.lieu)


def _situations(preuves: Iterable[Preuve]) -> list[_Situation]:
    """Situations with usable evidence, oldest first. Events are append-only corrections: only the latest event of
    a (situation, critère) cell counts; if it is a special state or a cleared cell, the cell does not count."""
    dernier: dict[tuple[str, int | None], Preuve] = {}
    for preuve in sorted(preuves, key=lambda p: p.at):  # stable: equal `at` keep their given order
        dernier[(preuve.situation, preuve.critere_id)] = preuve
    par_situation: dict[str, list[Preuve]] = {}
    for preuve in dernier.values():
        if preuve.valeur is not None:
            par_situation.setdefault(preuve.situation, []).append(preuve)
    situations = []
    for cle, cellules in par_situation.items():
        satisfaits = sum(p.valeur >= SATISFAIT - EPSILON for p in cellules)
        situations.append(_Situation(
            cle=cle, date=max(p.date for p in cellules), at=max(p.at for p in cellules),
            reussie=3 * satisfaits >= 2 * len(cellules),  # a share, in integers: no rounding
            en_partie=any(p.valeur >= EN_PARTIE - EPSILON for p in cellules),
            entreprise=any(p.lieu == "entreprise" for p in cellules)))
    return sorted(situations, key=lambda s: (s.date, s.at, s.cle))


def _pluriel(n: int, mot: str) -> str:
    return f"{n} {mot}" if n == 1 else f"{n} {mot}s"


def suggestion_competence(preuves: Iterable[Preuve]) -> Suggestion:
    preuves = list(preuves)
    toutes = _situations(preuves)
    if not toutes:
        if preuves:
            return Suggestion("NE", "Non évalué : aucune évaluation utilisable, les états spéciaux (absent, "
                                    "non observé, dispensé…) ne comptent pas.")
        return Suggestion("NE", "Non évalué : aucune évaluation de ses critères.")

    fenetre = toutes[-FENETRE:]
    n, total = len(fenetre), len(toutes)
    reussies = [s for s in fenetre if s.reussie]
    k = len(reussies)
    # Never a mean: the level counts successful distinct situations (transfer) among the most recent ones.
    if k == FENETRE:
        code = "BM"
    elif k >= 2:  # with a window of 3, one of the 2 most recent is then successful: a single slip is tolerated
        code = "M"
    elif k == 1 or any(s.en_partie for s in fenetre):  # one situation alone does not show transfer
        code = "IM"
    else:
        code = "NM"

    if k == 0:
        portee = ("la seule situation évaluée" if n == 1 else f"les {n} situations évaluées" if total == n
                  else f"les {n} dernières situations")
        if code == "NM":
            return Suggestion(code, f"Non maîtrisé : aucun critère satisfait, même en partie, dans {portee}.")
        return Suggestion(code, f"Insuffisamment maîtrisé : critères satisfaits en partie seulement dans {portee}.")

    if k == n:
        coeur = ("1 seule situation" if n == 1 else f"{n} situations distinctes" if total == n
                 else f"les {n} dernières situations")
    else:
        coeur = ("1 situation" if k == 1 else f"{k} situations distinctes") + (
            f" sur {n}" if total == n else f" sur les {n} dernières")
    en_entreprise = sum(s.entreprise for s in reussies)
    if en_entreprise:
        coeur += " (en entreprise)" if k == 1 else f" (dont {en_entreprise} en entreprise)"

    if not fenetre[-1].reussie:
        recence = ", mais pas dans les 2 plus récentes" if n >= 2 and not fenetre[-2].reussie else (
            ", mais pas dans la plus récente")
    elif n == 1:
        recence = ", à confirmer dans une autre"
    elif k == n:
        recence = ""
    elif k == 1:
        recence = ", la plus récente"
    else:
        recence = ", dont les 2 plus récentes" if fenetre[-2].reussie else ", dont la plus récente"
    return Suggestion(code, f"{LIBELLES[code]} : critères satisfaits dans {coeur}{recence}.")
