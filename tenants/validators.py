"""Identifiers of French establishments."""

import re

from django.core.exceptions import ValidationError

# The UAI (ex-RNE) check letter: the 7-digit number modulo 23, read in this alphabet (no I, O, Q).
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
UAI_RE = re.compile(r"^(\d{7})([A-Z])$")


def uai_check_letter(digits: str) -> str:
    return UAI_LETTERS[int(digits) % 23]


def validate_uai(value: str) -> None:
    match = UAI_RE.match(value or "")
    if not match:
        raise ValidationError(
            "Code UAI invalide : 7 chiffres suivis d'une lettre majuscule (ex. 0841234K).", code="uai_format"
        )
    digits, letter = match.groups()
    expected = uai_check_letter(digits)
    if letter != expected:
        raise ValidationError(
            f"Code UAI invalide : la lettre de contrôle de {digits} est {expected}, pas {letter}.",
            code="uai_checksum",
        )


SCHEMA_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
RESERVED_SCHEMAS = {
    "public", "modele_etablissement", "information_schema", "www", "admin", "api", "static", "media",
    "mail", "smtp", "cpro", "test", "postgres", "root",
}


def validate_schema_name(value: str) -> None:
    if not SCHEMA_RE.match(value or ""):
        raise ValidationError(
            "Nom de schéma invalide : 2 à 40 caractères, minuscules, chiffres ou _, commençant par une lettre.",
            code="schema_format",
        )
    if value in RESERVED_SCHEMAS or value.startswith("pg_"):
        raise ValidationError(f"Le nom de schéma « {value} » est réservé.", code="schema_reserved")
