"""The school year runs from 1 September to 31 August; it is named by the year it starts (2026 = 2026-2027)."""

import datetime


def annee_scolaire_of(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def annee_scolaire_label(annee: int) -> str:
    return f"{annee}-{annee + 1}"


def annee_scolaire_bounds(annee: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(annee, 9, 1), datetime.date(annee + 1, 8, 31)
