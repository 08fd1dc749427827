"""Reading one cell: dates, statuts, contract types, school years. Each returns None when it cannot."""

import datetime
import re

from entreprise.models import Contrat

from ..models import Inscription
from .colonnes import header_key

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")

STATUTS = {
    Inscription.Statut.SCOLAIRE: ("scolaire", "eleve", "st", "sco", "statut_scolaire", "lyceen", "voie_scolaire"),
    Inscription.Statut.APPRENTI: ("apprenti", "apprentie", "apprenti_e", "app", "ap", "apprentissage", "alternant",
                                  "alternante", "alternance", "contrat_d_apprentissage"),
    Inscription.Statut.STAGIAIRE_FC: ("stagiaire", "stagiaire_fc", "fc", "formation_continue", "stagiaire_de_la_"
                                      "formation_continue", "adulte", "stagiaire_formation_continue"),
}
STATUT_ALIASES = {alias: statut.value for statut, aliases in STATUTS.items() for alias in aliases}

CONTRATS = {
    Contrat.Type.APPRENTISSAGE: ("apprentissage", "contrat_d_apprentissage", "contrat_apprentissage", "ca",
                                 "apprenti"),
    Contrat.Type.PFMP: ("pfmp", "convention_de_pfmp", "convention_pfmp", "periode_de_formation_en_milieu_"
                        "professionnel"),
    Contrat.Type.STAGE: ("stage", "convention_de_stage", "convention_stage"),
}
CONTRAT_ALIASES = {alias: kind.value for kind, aliases in CONTRATS.items() for alias in aliases}
CONTRAT_PAR_STATUT = {
    Inscription.Statut.APPRENTI: Contrat.Type.APPRENTISSAGE,
    Inscription.Statut.SCOLAIRE: Contrat.Type.PFMP,
    Inscription.Statut.STAGIAIRE_FC: Contrat.Type.STAGE,
}


def parse_date(value: str) -> datetime.date | None:
    """dd/mm/yyyy (French exports) or yyyy-mm-dd; a time after the date (some exports add one) is ignored."""
    value = (value or "").strip().split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 -- a calendar date, no time zone
        except ValueError:
            continue
        return day if 1900 <= day.year <= 2100 else None
    return None


def parse_statut(value: str) -> str | None:
    return STATUT_ALIASES.get(header_key(value))


def parse_contrat_type(value: str) -> str | None:
    return CONTRAT_ALIASES.get(header_key(value))


def parse_annee(value: str) -> int | None:
    """'2026', '2026-2027', '2026/2027' -> 2026 (the year of 1 September)."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-/]\s*(\d{4}))?\s*", value or "")
    if not match:
        return None
    start = int(match.group(1))
    if match.group(2) and int(match.group(2)) != start + 1:
        return None
    return start if 2000 <= start <= 2100 else None
