"""SIRET: 14 digits whose Luhn sum is a multiple of 10 (La Poste's establishments: the digit sum, of 5)."""

import re

from django.core.exceptions import ValidationError

SIRET_RE = re.compile(r"^\d{14}$")
LA_POSTE_SIREN = "356000000"


def siret_normalize(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def validate_siret(value: str) -> None:
    if not SIRET_RE.match(value or ""):
        raise ValidationError(f"SIRET invalide « {value} » : 14 chiffres attendus.", code="siret_format")
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_SIREN + "00000":
        valid = sum(int(c) for c in value) % 5 == 0
    else:
        valid = luhn_ok(value)
    if not valid:
        raise ValidationError(f"SIRET invalide « {value} » : la clé de contrôle ne correspond pas "
                              "(vérifiez les 14 chiffres).", code="siret_checksum")
