import csv
import io
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

IMPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
YPAREO = IMPORTS / "exemple-ypareo.csv"
SIECLE = IMPORTS / "exemple-siecle.xml"

HEADERS = ["Nom", "Prénom", "INE", "Date de naissance", "Email", "Classe", "Code diplôme", "Statut", "SIRET",
           "Raison sociale", "Nom tuteur", "Prénom tuteur", "Email tuteur", "Début contrat", "Fin contrat"]


def row(nom="MARTIN", prenom="Léo", ine="2026A11111A", naissance="01/02/2010", email="", classe="1CIEL-A",
        diplome="BACPRO-CIEL", statut="Apprenti", siret="", raison="", tuteur=("", "", ""), debut="", fin=""):
    return [nom, prenom, ine, naissance, email, classe, diplome, statut, siret, raison, *tuteur, debut, fin]


def make_csv(rows, headers=HEADERS, *, sep=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def in_alpha(alpha, ciel):
    """Inside alpha's schema, with the Bac pro CIEL référentiel in the catalogue (alpha subscribes to it)."""
    with tenant_context(alpha):
        yield alpha
    connection.set_schema_to_public()


@pytest.fixture
def ypareo() -> bytes:
    return YPAREO.read_bytes()


@pytest.fixture
def siecle() -> bytes:
    return SIECLE.read_bytes()
