"""Identifiers of learners."""

import re

from django.core.exceptions import ValidationError

# The three INE shapes in use: RNIE (9 digits, 2 letters, since 2018), BEA (10 digits, 1 letter)
# and apprentissage (year, A, 5 digits, 1 letter).
INE_RE = re.compile(r"^(\d{9}[A-Z]{2}|\d{10}[A-Z]|\d{4}A\d{5}[A-Z])$")


def ine_normalize(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_ine(value: str) -> None:
    if not INE_RE.match(value or ""):
        raise ValidationError(
            f"INE invalide « {value} » : 11 caractères, 10 chiffres et 1 lettre (ex. 1234567890A), "
            "9 chiffres et 2 lettres (ex. 123456789AB) ou, pour un apprenti, 1234A12345B.",
            code="ine_format",
        )

