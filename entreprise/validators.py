"""SIRET: 14 digits whose Luhn sum is a multiple of 10.

La Poste's establishments (SIREN 356 000 000) are numbered by a different rule: the sum of their digits is a
multiple of 5. Its head office, 356 000 000 00048, follows Luhn like everyone else.
"""

import re

from django.core.exceptions import ValidationError

SIRET_RE = re.compile(r"^\d{14}$")
LA_POSTE_SIREN = "356000000"
LA_POSTE_SIEGE = "35600000000048"


def siret_normalize(value: str) -> str:
    """What people type or spreadsheets export: spaces (also non-breaking), dots and dashes between groups."""
    return re.sub(r"[\s.\-]", "", value or "")


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def siret_checksum_ok(value: str) -> bool:
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_SIEGE:
        return sum(int(c) for c in value) % 5 == 0
    return luhn_ok(value)


def validate_siret(value: str) -> None:
    if not SIRET_RE.match(value or ""):
        raise ValidationError(f"SIRET invalide « {value} » : 14 chiffres attendus.", code="siret_format")
    if not siret_checksum_ok(value):
        raise ValidationError(f"SIRET invalide « {value} » : la clé de contrôle ne correspond pas "
                              "(vérifiez les 14 chiffres).", code="siret_checksum")
