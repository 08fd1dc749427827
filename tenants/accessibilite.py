"""The déclaration d'accessibilité (RGAA 4.1 model): what the public statement says, from the same facts the
accessibility crawl checks, so the two cannot drift apart."""

import datetime
from functools import cache
from pathlib import Path

import yaml

EXCEPTIONS_FILE = Path(__file__).with_name("accessibilite_exceptions.yaml")
DATE_DECLARATION = datetime.date(2026, 12, 1)
REFERENTIEL = "RGAA 4.1 (WCAG 2.1 niveaux A et AA)"
# No full RGAA audit has been made yet: the RGAA then requires the state « non conforme ».
ETAT = "non conforme"
ESPACES_VERIFIES = [
    "pages publiques et de connexion",
    "espace de la direction",
    "espace formateur",
    "espace apprenant",
    "espace tuteur",
    "espace inspection",
    "espace de l'opérateur de la plateforme",
]
LARGEURS_VERIFIEES = [320, 375, 640, 1280]


@cache
def exceptions_declarees() -> list[dict]:
    """The reviewed exceptions: the crawl excuses them, the statement lists them."""
    entries = yaml.safe_load(EXCEPTIONS_FILE.read_text(encoding="utf-8")) or []
    for entry in entries:
        missing = {"regle", "page", "raison"} - set(entry)
        if missing:
            raise ValueError(f"{EXCEPTIONS_FILE.name} : champ(s) manquant(s) {sorted(missing)} dans {entry}")
    return entries
OUTILS = "axe-core 4.12 et Playwright, dans le navigateur Chromium"
