"""What an import would do, computed before anything is written: the plan and its report, in French.

Both sides of the comparison are normalized documents (the file, and the catalogue exported the same way), flattened
into one row per item keyed by its code: an item is matched by code, so its uuid survives a re-import.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .importing import DocumentError
from .models import Referentiel

KINDS = ("pole", "activite", "tache", "competence", "critere", "bloc", "epreuve")  # parents before children
LABELS = {"referentiel": ("référentiel", "référentiels"), "pole": ("pôle", "pôles"),
          "activite": ("activité", "activités"), "tache": ("tâche", "tâches"),
          "competence": ("compétence", "compétences"), "critere": ("critère", "critères"),
          "bloc": ("bloc", "blocs"), "epreuve": ("épreuve", "épreuves")}
FIELD_LABELS = {"intitule": "intitulé", "rang": "position", "pole": "pôle", "activite": "activité",
                "resultats_attendus": "résultats attendus", "commune": "compétence commune", "activites": "activités",
                "taches": "tâches", "competence": "compétence", "savoir_etre": "savoir-être", "unite": "unité",
                "competences": "compétences", "coefficient": "coefficient", "modes": "modes", "type": "type",
                "niveau": "niveau", "rncp": "code RNCP", "sources": "sources"}
SHIFTED = ("  attention : {label} reprend l'intitulé qu'avait {other} ; un élément inséré sans code décale les codes "
           "par défaut, et donc les identifiants : donnez des codes explicites")
PARENT_KEYS = ("pole", "activite", "competence")
REFUSED_REASON = ("suppression refusée : des établissements utilisent cet élément ; gardez-le dans le fichier "
                  "ou publiez une nouvelle version du référentiel")


class Action(StrEnum):
    CREATED = "création"
    CHANGED = "modification"
    UNCHANGED = "sans changement"
    REMOVED = "suppression"
    REFUSED = "refus"


@dataclass(frozen=True)
class PlanEntry:
    kind: str  # "referentiel" or one of KINDS
    code: str
    action: Action
    fields: tuple[str, ...] = ()  # what changed
    reason: str = ""


Rows = dict[str, dict[str, dict]]  # kind -> code -> comparable values


def document_rows(document: dict) -> Rows:
    """One row per item of a normalized document; parents and links by code, ranks from 0."""
    head = document["referentiel"]
    rows: Rows = {kind: {} for kind in KINDS}
    rows["referentiel"] = {head["code"]: {"intitule": head["intitule"], "type": head["type"],
                                          "niveau": head["niveau"], "rncp": head.get("rncp", ""),
                                          "sources": head["sources"]}}
    for rang, pole in enumerate(document["poles"]):
        rows["pole"][pole["code"]] = {"intitule": pole["intitule"], "rang": rang}
        for rang_activite, activite in enumerate(pole["activites"]):
            rows["activite"][activite["code"]] = {"pole": pole["code"], "intitule": activite["intitule"],
                                                  "rang": rang_activite,
                                                  "resultats_attendus": activite["resultats_attendus"]}
            for rang_tache, tache in enumerate(activite["taches"]):
                rows["tache"][tache["code"]] = {"activite": activite["code"], "intitule": tache["intitule"],
                                                "rang": rang_tache}
    for rang, competence in enumerate(document["competences"]):
        rows["competence"][competence["code"]] = {
            "intitule": competence["intitule"], "rang": rang, "commune": competence["commune"],
            "activites": competence["activites"], "taches": competence["taches"]}
        for rang_critere, critere in enumerate(competence["criteres"]):
            rows["critere"][critere["code"]] = {"competence": competence["code"], "intitule": critere["intitule"],
                                                "rang": rang_critere, "savoir_etre": critere["savoir_etre"]}
    for rang, bloc in enumerate(document["blocs"]):
        rows["bloc"][bloc["code"]] = {"intitule": bloc["intitule"], "rang": rang, "unite": bloc.get("unite", ""),
                                      "competences": bloc["competences"]}
    for rang, epreuve in enumerate(document["epreuves"]):
        rows["epreuve"][epreuve["code"]] = {
            "intitule": epreuve["intitule"], "rang": rang, "unite": epreuve.get("unite", ""),
            "coefficient": Decimal(str(epreuve["coefficient"])), "modes": epreuve["modes"],
            "competences": epreuve["competences"]}
    return rows


def _compare(kind: str, code: str, new: dict, old: dict | None) -> PlanEntry:
    if old is None:
        return PlanEntry(kind, code, Action.CREATED)
    changed = tuple(key for key in new if new[key] != old.get(key))
    return PlanEntry(kind, code, Action.CHANGED if changed else Action.UNCHANGED, changed)


def plan_compute(*, new: Rows, old: Rows | None) -> list[PlanEntry]:
    """The référentiel's own entry first, then each kind in KINDS order: its items in the new file's order, then
    the items the file no longer has (to remove)."""
    old = old or {kind: {} for kind in ("referentiel", *KINDS)}
    (code, row), = new["referentiel"].items()
    entries = [_compare("referentiel", code, row, old["referentiel"].get(code))]
    for kind in KINDS:
        entries += [_compare(kind, code, row, old[kind].get(code)) for code, row in new[kind].items()]
        entries += [PlanEntry(kind, code, Action.REMOVED) for code in old[kind] if code not in new[kind]]
    return entries


def plan_refuse(entries: list[PlanEntry], refused: set[tuple[str, str]]) -> list[PlanEntry]:
    """Turn the removals of `refused` (kind, code) into refusals."""
    return [PlanEntry(e.kind, e.code, Action.REFUSED, reason=REFUSED_REASON)
            if e.action == Action.REMOVED and (e.kind, e.code) in refused else e for e in entries]


def _sibling(row: dict) -> tuple:
    return tuple(row.get(key) for key in PARENT_KEYS), row["intitule"]


def plan_warnings(*, new: Rows, old: Rows | None) -> list[str]:
    """Items whose new intitulé is the old one of a sibling: the sign of an item inserted before items with
    default (rank-based) codes, e.g. critères. Their uuids would then follow the ranks, not the texts."""
    if not old:
        return []
    warnings = []
    for kind in KINDS:
        previous = {_sibling(row): code for code, row in old[kind].items()}
        for code, row in new[kind].items():
            other = previous.get(_sibling(row))
            if code in old[kind] and old[kind][code]["intitule"] != row["intitule"] and other not in (None, code):
                warnings.append(SHIFTED.format(label=f"{LABELS[kind][0]} {code}", other=other))
    return warnings


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number > 1 and not noun.endswith('s') and noun != Action.UNCHANGED else ''}"


@dataclass
class ImportReport:
    source: str = ""  # the file, when there is one
    code: str = ""
    version: str = ""
    dry_run: bool = False
    errors: list[DocumentError] = field(default_factory=list)
    entries: list[PlanEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False  # True once the plan has been written (and committed with the caller's transaction)
    referentiel: Referentiel | None = None  # the existing one, or the one written

    def _with(self, action: Action) -> list[PlanEntry]:
        return [entry for entry in self.entries if entry.action == action]

    @property
    def created(self) -> list[PlanEntry]:
        return self._with(Action.CREATED)

    @property
    def changed(self) -> list[PlanEntry]:
        return self._with(Action.CHANGED)

    @property
    def unchanged(self) -> list[PlanEntry]:
        return self._with(Action.UNCHANGED)

    @property
    def removed(self) -> list[PlanEntry]:
        return self._with(Action.REMOVED)

    @property
    def refused(self) -> list[PlanEntry]:
        return self._with(Action.REFUSED)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.refused

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.changed or self.removed)

    def error_lines(self) -> list[str]:
        """`fichier: chemin: raison`, one line per error."""
        prefix = f"{self.source}: " if self.source else ""
        return [f"{prefix}{error.path}: {error.reason}" if error.path else f"{prefix}{error.reason}"
                for error in self.errors]

    def lines(self) -> list[str]:
        """The plan in French: a summary per kind, then each item that changes (every item of a new référentiel
        would be too long a list: the summary says how many)."""
        if self.errors:
            return [*self.error_lines(), f"{_count(len(self.errors), 'erreur')} : rien n'a été écrit."]
        head = self.entries[0]
        lines = [f"Référentiel {self.code} version {self.version} : "
                 + ("nouveau." if head.action == Action.CREATED else "déjà au catalogue.")]
        for kind in KINDS:
            counts = [_count(len(entries), action) for action in Action
                      if (entries := [e for e in self.entries if e.kind == kind and e.action == action])]
            if counts:
                lines.append(f"  {LABELS[kind][1]} : {', '.join(counts)}")
        if head.action == Action.CHANGED:
            lines.append(f"  ~ référentiel : {', '.join(FIELD_LABELS[name] for name in head.fields)}")
        for entry in self.entries[1:]:
            label = f"{LABELS[entry.kind][0]} {entry.code}"
            if entry.action == Action.CREATED and head.action != Action.CREATED:
                lines.append(f"  + {label}")
            elif entry.action == Action.CHANGED:
                lines.append(f"  ~ {label} : {', '.join(FIELD_LABELS[name] for name in entry.fields)}")
            elif entry.action == Action.REMOVED:
                lines.append(f"  - {label}")
            elif entry.action == Action.REFUSED:
                lines.append(f"  ! {label} : {entry.reason}")
        lines += self.warnings
        lines.append(self.conclusion())
        return lines

    def conclusion(self) -> str:
        if self.refused:
            return (f"Import refusé : le fichier retire {_count(len(self.refused), 'élément')} que des établissements "
                    "utilisent ; rien n'a été écrit.")
        if not self.has_changes:
            return "Aucun changement : le catalogue est déjà à jour."
        if not self.applied:
            return "Simulation (--dry-run) : rien n'a été écrit."
        return (f"Import terminé : {_count(len(self.created), 'création')}, "
                f"{_count(len(self.changed), 'modification')}, {_count(len(self.removed), 'suppression')}.")
