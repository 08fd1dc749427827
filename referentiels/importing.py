"""Reading and checking a file in the interchange format `cpro-referentiel/1` (shared/referentiels/FORMAT.md).

Pure functions, no database: `document_read` parses YAML or JSON, `document_errors` lists every problem (path in the
document and reason in French), `document_normalize` gives the canonical form the importer writes and the YAML export
gives back: every optional key filled with its default (`rncp` and `unite` left out when empty), texts stripped,
critère codes made explicit (`<compétence>.<rang>`, from 1), coefficients as int when whole.

Keys not marked optional in FORMAT.md are required, except the lists of children and of references, which default to
an empty list (a pôle without activités, a bloc without compétences); `modes` is required: an épreuve says how it is
taken.
"""

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .models import CODE_MAX_LENGTH, NIVEAU_MAX, NIVEAU_MIN, SHORT_MAX_LENGTH, Epreuve, Referentiel

FORMAT = "cpro-referentiel/1"
MODES = tuple(Epreuve.Mode.values)
TYPES = tuple(Referentiel.Type.values)
REFERENTIEL_CODE_RE = re.compile(r"^[A-Z0-9-]+$")
COEFFICIENT_MAX = Decimal("9999.99")

# Reasons, in French: they are shown to whoever maintains the files.
WRONG_FORMAT = "format inconnu : « {value} » (attendu : « " + FORMAT + " »)"
MISSING_KEY = "clé obligatoire absente : « {key} »"
UNKNOWN_KEY = "clé inconnue : « {key} »"
WRONG_TYPE = "type incorrect (attendu : {expected}, reçu : {found})"
QUOTE_HINT = " ; mettez la valeur entre guillemets"
DUPLICATE_CODE = "code en double : « {code} » (déjà utilisé en {first})"
DUPLICATE_REFERENCE = "référence en double : « {code} »"
DANGLING = {"activite": "activité inconnue : « {code} »", "tache": "tâche inconnue : « {code} »",
            "competence": "compétence inconnue : « {code} »"}
EMPTY_INTITULE = "intitulé vide"
EMPTY_CODE = "code vide"
EMPTY_TEXT = "texte vide"
BAD_REFERENTIEL_CODE = "code invalide : « {code} » (lettres majuscules, chiffres et tirets seulement)"
TOO_LONG = "texte trop long ({length} caractères, {limit} au plus)"
NOT_POSITIVE = "coefficient invalide : {value} (il doit être strictement positif)"
BAD_COEFFICIENT = "coefficient invalide : {value} (deux décimales et 9999,99 au plus)"
UNKNOWN_MODE = "mode d'évaluation inconnu : « {mode} » (attendus : " + ", ".join(MODES) + ")"
DUPLICATE_MODE = "mode d'évaluation en double : « {mode} »"
BAD_NIVEAU = f"niveau invalide : {{value}} (attendu : un entier de {NIVEAU_MIN} à {NIVEAU_MAX})"
UNKNOWN_TYPE = "type de diplôme inconnu : « {value} » (attendus : " + ", ".join(TYPES) + ")"
AT_LEAST_ONE = "liste vide : il faut au moins {what}"
NOT_AN_OBJECT = "le document doit être un objet (clés format, referentiel, competences…)"
UNREADABLE = "fichier illisible : {detail}"

TEXT, INTEGER, NUMBER, BOOLEAN, TEXTS, ITEMS, OBJECT = (
    "un texte", "un entier", "un nombre", "un booléen (true ou false)", "une liste de textes", "une liste d'objets",
    "un objet")
FOUND = [(bool, "un booléen"), (int, "un entier"), (float, "un nombre décimal"), (str, "un texte"),
         (list, "une liste"), (dict, "un objet"), (type(None), "une valeur vide")]


@dataclass(frozen=True)
class Key:
    expected: str
    required: bool = False
    max_length: int | None = None


ROOT = {"format": Key(TEXT, True), "referentiel": Key(OBJECT, True), "poles": Key(ITEMS),
        "competences": Key(ITEMS, True), "blocs": Key(ITEMS), "epreuves": Key(ITEMS)}
REFERENTIEL = {"code": Key(TEXT, True, CODE_MAX_LENGTH), "version": Key(TEXT, True, SHORT_MAX_LENGTH),
               "intitule": Key(TEXT, True), "type": Key(TEXT, True), "niveau": Key(INTEGER, True),
               "rncp": Key(TEXT, False, SHORT_MAX_LENGTH), "sources": Key(TEXTS, True)}
CODE, INTITULE, UNITE = Key(TEXT, True, CODE_MAX_LENGTH), Key(TEXT, True), Key(TEXT, False, SHORT_MAX_LENGTH)
POLE = {"code": CODE, "intitule": INTITULE, "activites": Key(ITEMS)}
ACTIVITE = {"code": CODE, "intitule": INTITULE, "taches": Key(ITEMS), "resultats_attendus": Key(TEXTS)}
TACHE = {"code": CODE, "intitule": INTITULE}
COMPETENCE = {"code": CODE, "intitule": INTITULE, "commune": Key(BOOLEAN), "activites": Key(TEXTS),
              "taches": Key(TEXTS), "criteres": Key(ITEMS)}
CRITERE = {"intitule": INTITULE, "code": Key(TEXT, False, CODE_MAX_LENGTH), "savoir_etre": Key(BOOLEAN)}
BLOC = {"code": CODE, "intitule": INTITULE, "unite": UNITE, "competences": Key(TEXTS)}
EPREUVE = {"code": CODE, "intitule": INTITULE, "unite": UNITE, "coefficient": Key(NUMBER, True),
           "modes": Key(TEXTS, True), "competences": Key(TEXTS)}


@dataclass(frozen=True)
class DocumentError:
    path: str  # e.g. `competences[3].taches[0]`; empty for the whole document
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class DocumentUnreadable(Exception):
    pass


def document_read(path: str | Path) -> Any:
    """Parse a file: JSON when its name ends in .json or its text starts with `{`, YAML otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DocumentUnreadable(UNREADABLE.format(detail="le fichier doit être encodé en UTF-8")) from None
    except OSError as error:
        raise DocumentUnreadable(UNREADABLE.format(detail=error.strerror or error)) from None
    return document_parse(text, json_text=path.suffix.lower() == ".json")


def document_parse(text: str, *, json_text: bool = False) -> Any:
    try:
        if json_text or text.lstrip().startswith("{"):
            return json.loads(text)
        return yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise DocumentUnreadable(UNREADABLE.format(detail=_syntax_error(error))) from None


def _syntax_error(error: Exception) -> str:
    """Where the syntax breaks, in French, so the author can go to the line; the parser's own words follow."""
    if isinstance(error, json.JSONDecodeError):
        return f"JSON incorrect ligne {error.lineno}, colonne {error.colno} ({error.msg})"
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or " ".join(str(error).split())
    if mark is not None:
        return f"YAML incorrect ligne {mark.line + 1}, colonne {mark.column + 1} ({problem})"
    return f"syntaxe incorrecte ({problem})"


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _found(value: Any) -> str:
    return next((name for kind, name in FOUND if isinstance(value, kind)), f"une valeur de type {type(value).__name__}")


def _has_type(value: Any, expected: str) -> bool:
    if expected == TEXT:
        return isinstance(value, str)
    if expected == INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == BOOLEAN:
        return isinstance(value, bool)
    if expected == OBJECT:
        return isinstance(value, dict)
    return isinstance(value, list)  # TEXTS, ITEMS: elements are checked one by one


class _Checker:
    """Walks the document once, collecting every error rather than stopping at the first."""

    def __init__(self):
        self.errors: list[DocumentError] = []
        self.codes: dict[str, dict[str, str]] = {}  # kind -> code -> path of its first use
        self.references: list[tuple[str, str, str]] = []  # (kind, code, path)

    def error(self, path: str, reason: str) -> None:
        self.errors.append(DocumentError(path, reason))

    def type_error(self, path: str, expected: str, value: Any) -> None:
        hint = QUOTE_HINT if expected == TEXT and isinstance(value, int | float) and not isinstance(value, bool) else ""
        self.error(path, WRONG_TYPE.format(expected=expected, found=_found(value)) + hint)

    def object(self, value: Any, path: str, spec: dict[str, Key]) -> dict | None:
        """The keys of `value` that have the right type (absent optional ones and nulls left out), or None."""
        if not isinstance(value, dict):
            if path:
                self.type_error(path, OBJECT, value)
            else:
                self.error(path, NOT_AN_OBJECT)
            return None
        checked = {}
        for key in value:
            if key not in spec:
                self.error(_join(path, str(key)), UNKNOWN_KEY.format(key=key))
        for key, rule in spec.items():
            key_path = _join(path, key)
            if key not in value or (value[key] is None and not rule.required):
                if rule.required:
                    self.error(key_path, MISSING_KEY.format(key=key))
            elif not _has_type(value[key], rule.expected):
                self.type_error(key_path, rule.expected, value[key])
            elif self.value(value[key], key_path, rule):
                checked[key] = value[key]
        return checked

    def value(self, value: Any, path: str, rule: Key) -> bool:
        if rule.expected == TEXTS:
            good = True
            for index, item in enumerate(value):
                if not isinstance(item, str):
                    self.type_error(_join(path, index), TEXT, item)
                    good = False
                elif not self.value(item, _join(path, index), Key(TEXT)):
                    good = False
            return good
        if rule.expected == TEXT:
            if not value.strip():
                self.error(path, EMPTY_INTITULE if path.endswith("intitule") else
                           EMPTY_CODE if path.endswith("code") else EMPTY_TEXT)
                return False
            if rule.max_length and len(value.strip()) > rule.max_length:
                self.error(path, TOO_LONG.format(length=len(value.strip()), limit=rule.max_length))
                return False
        if rule.expected == NUMBER and not math.isfinite(value):
            self.type_error(path, NUMBER, value)
            return False
        return True

    def items(self, parent: dict, key: str, path: str, spec: dict[str, Key]):
        """(index, path, checked object) for each well-formed element of the list `parent[key]`."""
        for index, element in enumerate(parent.get(key, [])):
            element_path = _join(_join(path, key), index)
            checked = self.object(element, element_path, spec)
            if checked is not None:
                yield index, element_path, checked

    def code(self, kind: str, code: str, path: str) -> None:
        seen = self.codes.setdefault(kind, {})
        if code in seen:
            self.error(path, DUPLICATE_CODE.format(code=code, first=seen[code]))
        else:
            seen[code] = path

    def refer(self, item: dict, key: str, kind: str, path: str) -> None:
        seen = set()
        for index, code in enumerate(item.get(key, [])):
            code_path = _join(_join(path, key), index)
            if code.strip() in seen:
                self.error(code_path, DUPLICATE_REFERENCE.format(code=code.strip()))
            seen.add(code.strip())
            self.references.append((kind, code.strip(), code_path))


def document_errors(document: Any) -> list[DocumentError]:
    """Every problem of `document` (parsed YAML or JSON), in document order, dangling references last."""
    check = _Checker()
    root = check.object(document, "", ROOT)
    if root is None:
        return check.errors
    if "format" in root and root["format"].strip() != FORMAT:
        check.error("format", WRONG_FORMAT.format(value=root["format"]))
    if "referentiel" in root:
        _check_referentiel(check, check.object(root["referentiel"], "referentiel", REFERENTIEL))
    if "competences" in root and not root["competences"]:
        check.error("competences", AT_LEAST_ONE.format(what="une compétence"))
    for _, pole_path, pole in check.items(root, "poles", "", POLE):
        _coded(check, "pole", pole, pole_path)
        for _, activite_path, activite in check.items(pole, "activites", pole_path, ACTIVITE):
            _coded(check, "activite", activite, activite_path)
            for _, tache_path, tache in check.items(activite, "taches", activite_path, TACHE):
                _coded(check, "tache", tache, tache_path)
    for _, competence_path, competence in check.items(root, "competences", "", COMPETENCE):
        _coded(check, "competence", competence, competence_path)
        check.refer(competence, "activites", "activite", competence_path)
        check.refer(competence, "taches", "tache", competence_path)
        prefix = competence["code"].strip() if "code" in competence else None
        for index, critere_path, critere in check.items(competence, "criteres", competence_path, CRITERE):
            if "code" in critere:
                check.code("critere", critere["code"].strip(), _join(critere_path, "code"))
            elif prefix:
                check.code("critere", f"{prefix}.{index + 1}", critere_path)
    for kind, spec in (("bloc", BLOC), ("epreuve", EPREUVE)):
        for _, path, item in check.items(root, f"{kind}s", "", spec):
            _coded(check, kind, item, path)
            check.refer(item, "competences", "competence", path)
            if kind == "epreuve":
                _check_epreuve(check, item, path)
    for kind, code, path in check.references:
        if code not in check.codes.get(kind, {}):
            check.error(path, DANGLING[kind].format(code=code))
    return check.errors


def _coded(check: _Checker, kind: str, item: dict, path: str) -> None:
    if "code" in item:
        check.code(kind, item["code"].strip(), _join(path, "code"))


def _check_referentiel(check: _Checker, referentiel: dict | None) -> None:
    if referentiel is None:
        return
    code = referentiel.get("code", "").strip()
    if code and not REFERENTIEL_CODE_RE.match(code):
        check.error("referentiel.code", BAD_REFERENTIEL_CODE.format(code=code))
    if "type" in referentiel and referentiel["type"].strip() not in TYPES:
        check.error("referentiel.type", UNKNOWN_TYPE.format(value=referentiel["type"]))
    if "niveau" in referentiel and not NIVEAU_MIN <= referentiel["niveau"] <= NIVEAU_MAX:
        check.error("referentiel.niveau", BAD_NIVEAU.format(value=referentiel["niveau"]))
    if "sources" in referentiel and not referentiel["sources"]:
        check.error("referentiel.sources", AT_LEAST_ONE.format(what="une source"))


def _check_epreuve(check: _Checker, epreuve: dict, path: str) -> None:
    if "coefficient" in epreuve:
        value = epreuve["coefficient"]
        coefficient = Decimal(str(value))
        if coefficient <= 0:
            check.error(_join(path, "coefficient"), NOT_POSITIVE.format(value=value))
        elif coefficient > COEFFICIENT_MAX or coefficient != coefficient.quantize(Decimal("0.01")):
            check.error(_join(path, "coefficient"), BAD_COEFFICIENT.format(value=value))
    seen = set()
    for index, mode in enumerate(epreuve.get("modes", [])):
        mode_path = _join(_join(path, "modes"), index)
        if mode.strip() not in MODES:
            check.error(mode_path, UNKNOWN_MODE.format(mode=mode))
        elif mode.strip() in seen:
            check.error(mode_path, DUPLICATE_MODE.format(mode=mode))
        seen.add(mode.strip())


def coefficient_normalize(value: Any) -> int | float:
    """1.5 stays 1.5, 5.0 and Decimal('5.00') become 5: the same number always prints the same way."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _texts(values: list[str]) -> list[str]:
    return [value.strip() for value in values or []]


def document_normalize(document: dict) -> dict:
    """The canonical form of a document. Precondition: `document_errors(document)` is empty."""
    source = document["referentiel"]
    referentiel = {key: source[key].strip() for key in ("code", "version", "intitule", "type")}
    referentiel["niveau"] = source["niveau"]
    if (source.get("rncp") or "").strip():
        referentiel["rncp"] = source["rncp"].strip()
    referentiel["sources"] = _texts(source["sources"])
    return {
        "format": FORMAT,
        "referentiel": referentiel,
        "poles": [{
            **_head(pole),
            "activites": [{
                **_head(activite),
                "taches": [_head(tache) for tache in activite.get("taches") or []],
                "resultats_attendus": _texts(activite.get("resultats_attendus")),
            } for activite in pole.get("activites") or []],
        } for pole in document.get("poles") or []],
        "competences": [_competence(competence) for competence in document["competences"]],
        "blocs": [{**_head(bloc), **_unite(bloc), "competences": _texts(bloc.get("competences"))}
                  for bloc in document.get("blocs") or []],
        "epreuves": [{
            **_head(epreuve), **_unite(epreuve),
            "coefficient": coefficient_normalize(epreuve["coefficient"]),
            "modes": _texts(epreuve["modes"]),
            "competences": _texts(epreuve.get("competences")),
        } for epreuve in document.get("epreuves") or []],
    }


def _head(item: dict) -> dict:
    return {"code": item["code"].strip(), "intitule": item["intitule"].strip()}


def _unite(item: dict) -> dict:
    unite = (item.get("unite") or "").strip()
    return {"unite": unite} if unite else {}


def _competence(competence: dict) -> dict:
    code = competence["code"].strip()
    return {
        **_head(competence),
        "commune": bool(competence.get("commune")),
        "activites": _texts(competence.get("activites")),
        "taches": _texts(competence.get("taches")),
        "criteres": [{
            "code": (critere.get("code") or "").strip() or f"{code}.{rank}",
            "intitule": critere["intitule"].strip(),
            "savoir_etre": bool(critere.get("savoir_etre")),
        } for rank, critere in enumerate(competence.get("criteres") or [], start=1)],
    }
