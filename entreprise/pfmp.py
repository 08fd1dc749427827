"""PFMP weeks: the diploma's requirement (data, in `pfmp_exigences.yaml`) and the pure arithmetic that counts a
pupil's weeks against it. No query here: callers pass the contracts and the aménagement they already fetched.

Counting (docs/periodes.md):
- a week is five worked days, Monday to Friday (public holidays are not taken out: a PFMP week that holds one
  still counts); a learner's days are rounded down to the half-week;
- only PFMP agreements that count for the exam (`Contrat.compte_examen`: not the Terminale's parcours
  différencié) count, up to the day before their rupture; two agreements over the same days count those days once;
- done: days before `day`; planned: the rest (from `day` on);
- required: the learner's AmenagementPFMP when there is one (a positionnement decision or a reduced minimum),
  otherwise the diploma family's rule; a learner whose done + planned weeks fall short is flagged;
- the terminal year: a pupil of a classe whose `annee_cycle` is the family's last (`duree_cycle`) also owes the
  family's `dont_terminale` weeks within that classe's school year; an aménagement keeps this minimum unless its
  own weeks are fewer (a reduced minimum of 5 for a one-year cycle cannot demand 6 in terminale).
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from tenants.annees import annee_scolaire_bounds

EXIGENCES_PATH = Path(__file__).with_name("pfmp_exigences.yaml")
UN_JOUR = datetime.timedelta(days=1)
JOURS_PAR_SEMAINE = 5


@dataclass(frozen=True)
class Famille:
    """The PFMP rule of one diploma family."""

    code: str
    libelle: str
    types: tuple[str, ...]
    prefixes: tuple[str, ...]
    duree_cycle: int
    semaines: int
    dont_terminale: int
    parcours_differencie: int
    parcours_differencie_compte: bool
    par_code: dict
    minimums_reduits: dict
    cycle_reduit: object  # "proportionnel" or {années: semaines}

    def semaines_pour(self, referentiel_code: str = "") -> int:
        """Weeks over the full cycle for this speciality (CAP: 12, 14 or 16)."""
        return int(self.par_code.get((referentiel_code or "").upper(), self.semaines))

    def semaines_cycle(self, annees: int, referentiel_code: str = "") -> int:
        """Weeks required when a positionnement decision shortens the cycle to `annees` years."""
        if annees < 1:
            raise ValueError("un cycle dure au moins un an")
        base = self.semaines_pour(referentiel_code)
        if annees >= self.duree_cycle:
            return base
        if isinstance(self.cycle_reduit, dict) and annees in self.cycle_reduit:
            return int(self.cycle_reduit[annees])
        proportion = math.ceil(base * annees / self.duree_cycle)
        return min(base, max(proportion, self.dont_terminale))

    def minimum_reduit(self, annees: int) -> int:
        """Decree 2022-672: the minimum when no placement could be found, for a cycle of `annees` years."""
        if annees in self.minimums_reduits:
            return int(self.minimums_reduits[annees])
        return int(self.minimums_reduits[min(max(self.minimums_reduits), max(annees, min(self.minimums_reduits)))])


def _famille(code: str, data: dict) -> Famille:
    required = ("libelle", "duree_cycle", "semaines", "minimums_reduits")
    missing = [name for name in required if name not in data]
    if missing:
        raise ValueError(f"pfmp_exigences.yaml : la famille {code} n'a pas {', '.join(missing)}")
    cycle_reduit = data.get("cycle_reduit", "proportionnel")
    if cycle_reduit != "proportionnel" and not isinstance(cycle_reduit, dict):
        raise ValueError(f"pfmp_exigences.yaml : cycle_reduit de {code} : « proportionnel » ou une table")
    return Famille(
        code=code, libelle=str(data["libelle"]),
        types=tuple(data.get("types") or ()), prefixes=tuple(p.upper() for p in data.get("prefixes") or ()),
        duree_cycle=int(data["duree_cycle"]), semaines=int(data["semaines"]),
        dont_terminale=int(data.get("dont_terminale") or 0),
        parcours_differencie=int(data.get("parcours_differencie") or 0),
        parcours_differencie_compte=bool(data.get("parcours_differencie_compte", False)),
        par_code={str(k).upper(): int(v) for k, v in (data.get("par_code") or {}).items()},
        minimums_reduits={int(k): int(v) for k, v in data["minimums_reduits"].items()},
        cycle_reduit=({int(k): int(v) for k, v in cycle_reduit.items()} if isinstance(cycle_reduit, dict)
                      else cycle_reduit),
    )


def exigences_load(path: Path = EXIGENCES_PATH) -> dict[str, Famille]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {code: _famille(code, famille) for code, famille in (data.get("familles") or {}).items()}


@lru_cache(maxsize=1)
def exigences() -> dict[str, Famille]:
    """The families, read once per process."""
    return exigences_load()


def famille_of(referentiel) -> Famille | None:
    """The family of a référentiel (anything with `type` and `code`): by type first, then by code prefix.
    None for a diploma without a PFMP rule (BTS, BP…)."""
    if referentiel is None:
        return None
    familles = exigences().values()
    rtype = getattr(referentiel, "type", "") or ""
    for famille in familles:
        if rtype in famille.types:
            return famille
    code = (getattr(referentiel, "code", "") or "").upper()
    for famille in familles:
        if any(code.startswith(prefix) for prefix in famille.prefixes):
            return famille
    return None


def pfmp_bareme() -> list[dict]:
    """What each family requires, per length of cycle: the table the direction reads before an aménagement."""
    return [{"famille": famille,
             "cycles": [{"annees": annees, "semaines": famille.semaines_cycle(annees),
                         "minimum": famille.minimum_reduit(annees)}
                        for annees in range(famille.duree_cycle, 0, -1)]}
            for famille in exigences().values()]


# Weeks of dates

def jours_ouvres(debut: datetime.date, fin: datetime.date) -> int:
    """Monday-to-Friday days from `debut` to `fin`, both included (0 when fin < debut)."""
    if fin < debut:
        return 0
    total = (fin - debut).days + 1
    semaines, reste = divmod(total, 7)
    jours = semaines * JOURS_PAR_SEMAINE
    start = debut.weekday()
    jours += sum(1 for i in range(reste) if (start + i) % 7 < 5)
    return jours


def semaines_of(jours: int) -> Decimal:
    """Worked days as weeks, rounded down to the half-week: 7 days → 1, 8 → 1.5, 10 → 2."""
    return Decimal(jours * 2 // JOURS_PAR_SEMAINE) / 2


def semaines_entre(debut: datetime.date, fin: datetime.date) -> Decimal:
    return semaines_of(jours_ouvres(debut, fin))


def _merge(spans: list[tuple[datetime.date, datetime.date]]) -> list[tuple[datetime.date, datetime.date]]:
    merged: list[list[datetime.date]] = []
    for debut, fin in sorted(spans):
        if fin < debut:
            continue
        if merged and debut <= merged[-1][1] + UN_JOUR:
            merged[-1][1] = max(merged[-1][1], fin)
        else:
            merged.append([debut, fin])
    return [(d, f) for d, f in merged]


def contrat_compte(contrat) -> bool:
    """A PFMP agreement that counts for the exam (not the parcours différencié)."""
    return contrat.type == "pfmp" and bool(contrat.compte_examen)


def contrat_span(contrat) -> tuple[datetime.date, datetime.date]:
    """The days the agreement runs: to its end, or to the day before its rupture."""
    fin = contrat.fin
    if contrat.rompu_le is not None:
        fin = min(fin, contrat.rompu_le - UN_JOUR)
    return contrat.debut, fin


def semaines_contrats(contrats, day: datetime.date, *, annee: int | None = None) -> tuple[Decimal, Decimal]:
    """(done, planned) weeks of the agreements that count: done before `day`, planned from `day` on; only those
    of the school year `annee` when given."""
    spans = _merge([contrat_span(c) for c in contrats if contrat_compte(c)])
    if annee is not None:
        debut, fin = annee_scolaire_bounds(annee)
        spans = [(max(d, debut), min(f, fin)) for d, f in spans]  # a span outside becomes empty (fin < debut)
    total = sum(jours_ouvres(d, f) for d, f in spans)
    faits = sum(jours_ouvres(d, min(f, day - UN_JOUR)) for d, f in spans)
    effectuees = semaines_of(faits)
    return effectuees, semaines_of(total) - effectuees


# A learner's situation

@dataclass
class SituationPFMP:
    apprenant: object
    famille: Famille | None
    exigees: int | None  # None: no rule for this diploma and no aménagement
    effectuees: Decimal
    prevues: Decimal
    amenagement: object = None
    inscription: object = None
    # The terminal year's minimum, and the weeks done and planned within it: 0 outside a terminal-year classe.
    exigees_terminale: int = 0
    effectuees_terminale: Decimal = Decimal(0)
    prevues_terminale: Decimal = Decimal(0)

    @property
    def dues_cycle(self) -> Decimal:
        """Weeks still owed over the cycle: required minus done."""
        if self.exigees is None:
            return Decimal(0)
        return max(Decimal(self.exigees) - self.effectuees, Decimal(0))

    @property
    def dues_terminale(self) -> Decimal:
        return max(Decimal(self.exigees_terminale) - self.effectuees_terminale, Decimal(0))

    @property
    def dues(self) -> Decimal:
        """Weeks still owed: the terminal year's weeks count for the cycle too, so the larger of the two."""
        return max(self.dues_cycle, self.dues_terminale)

    @property
    def manque_cycle(self) -> Decimal:
        """Weeks of the cycle neither done nor planned."""
        return max(self.dues_cycle - self.prevues, Decimal(0))

    @property
    def manque_terminale(self) -> Decimal:
        """Weeks of the terminal year neither done nor planned within it."""
        return max(self.dues_terminale - self.prevues_terminale, Decimal(0))

    @property
    def manque(self) -> Decimal:
        return max(self.manque_cycle, self.manque_terminale)

    @property
    def signale(self) -> bool:
        return self.manque > 0

    @property
    def source(self) -> str:
        if self.amenagement is not None:
            return "aménagement"
        return self.famille.libelle if self.famille is not None else "aucune règle"


def semaines_requises(*, famille: Famille | None, referentiel_code: str = "", amenagement=None) -> int | None:
    """The aménagement's weeks when there is one, the family's over the full cycle otherwise."""
    if amenagement is not None:
        return int(amenagement.semaines_requises)
    return famille.semaines_pour(referentiel_code) if famille is not None else None


def annee_terminale(*, famille: Famille | None, classe) -> int | None:
    """The school year of `classe` when it is the family's terminal year and the family requires weeks in it;
    None otherwise (no rule, an earlier year, a year not given)."""
    if famille is None or not famille.dont_terminale or classe is None:
        return None
    return classe.annee_scolaire if classe.annee_cycle == famille.duree_cycle else None


def semaines_terminale_requises(*, famille: Famille, amenagement=None) -> int:
    """The family's terminal-year weeks; an aménagement keeps them unless its own weeks are fewer."""
    if amenagement is not None:
        return min(famille.dont_terminale, int(amenagement.semaines_requises))
    return famille.dont_terminale


def situation_pfmp(*, apprenant, contrats, famille: Famille | None, referentiel_code: str = "", amenagement=None,
                   day: datetime.date, inscription=None, classe=None) -> SituationPFMP:
    """`classe`: the pupil's classe here (its `annee_cycle` and `annee_scolaire`); none, no terminal-year check."""
    effectuees, prevues = semaines_contrats(contrats, day)
    situation = SituationPFMP(
        apprenant=apprenant, famille=famille, effectuees=effectuees, prevues=prevues, amenagement=amenagement,
        exigees=semaines_requises(famille=famille, referentiel_code=referentiel_code, amenagement=amenagement),
        inscription=inscription,
    )
    annee = annee_terminale(famille=famille, classe=classe)
    if annee is not None:
        situation.exigees_terminale = semaines_terminale_requises(famille=famille, amenagement=amenagement)
        situation.effectuees_terminale, situation.prevues_terminale = semaines_contrats(contrats, day, annee=annee)
    return situation
