"""The livret's filters, read from the query string. A bad value is dropped with a French message, never an
error: a shared or hand-edited link still shows the livret."""

import datetime
from dataclasses import dataclass, field

NATURES = {"formative": "Formative (centre)", "certificative": "Certificative (centre)",
           "entreprise": "En entreprise"}


@dataclass
class Filtres:
    epreuve: int | None = None
    nature: str = ""
    du: datetime.date | None = None
    au: datetime.date | None = None
    messages: list[str] = field(default_factory=list)

    @property
    def actifs(self) -> bool:
        return bool(self.epreuve or self.nature or self.du or self.au)


def _date(value: str, label: str, messages: list[str]) -> datetime.date | None:
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        messages.append(f"La date « {value[:20]} » ({label}) n'est pas une date valide : elle est ignorée.")
        return None


def filtres_from(params) -> Filtres:
    """Syntax only; the selector checks that the épreuve belongs to the learner's référentiel."""
    messages: list[str] = []
    epreuve = (params.get("epreuve") or "").strip()
    if epreuve and not (epreuve.isdigit() and len(epreuve) < 12):
        messages.append("Cette épreuve n'existe pas : le filtre par épreuve est ignoré.")
        epreuve = ""
    nature = (params.get("nature") or "").strip()
    if nature and nature not in NATURES:
        messages.append("Cette nature d'évaluation n'existe pas : le filtre par nature est ignoré.")
        nature = ""
    du = _date((params.get("du") or "").strip(), "début de période", messages)
    au = _date((params.get("au") or "").strip(), "fin de période", messages)
    if du and au and du > au:
        messages.append("La période commence après sa fin : elle est ignorée.")
        du = au = None
    return Filtres(int(epreuve) if epreuve else None, nature, du, au, messages)
