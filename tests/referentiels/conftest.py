"""Helpers for the catalogue tests: the fixture files, a small valid document, and a census of every table."""

import copy
from pathlib import Path

import pytest
import yaml

from referentiels import models
from referentiels.services import referentiel_import

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "referentiels"
FIXTURE_FILES = sorted(FIXTURES.glob("*.yaml"))
CIEL = FIXTURES / "bacpro-ciel.yaml"
TNE = FIXTURES / "2tne-famille-metiers.yaml"
TABLES = [models.Referentiel, models.Pole, models.Activite, models.Tache, models.Competence, models.Critere,
          models.Bloc, models.Epreuve, models.CompetenceActivite, models.CompetenceTache, models.BlocCompetence,
          models.EpreuveCompetence]

SMALL = {
    "format": "cpro-referentiel/1",
    "referentiel": {"code": "CAP-TEST", "version": "2024", "intitule": "CAP de test", "type": "CAP", "niveau": 3,
                    "sources": ["Arrêté de test"]},
    "poles": [{"code": "P1", "intitule": "Pôle un", "activites": [
        {"code": "A1", "intitule": "Activité un", "taches": [{"code": "A1-T1", "intitule": "Tâche un"},
                                                             {"code": "A1-T2", "intitule": "Tâche deux"}],
         "resultats_attendus": ["Le travail est fait"]},
    ]}],
    "competences": [
        {"code": "C1", "intitule": "Compétence un", "activites": ["A1"], "taches": ["A1-T1"],
         "criteres": [{"intitule": "Critère un"}, {"intitule": "Critère deux", "savoir_etre": True}]},
        {"code": "C2", "intitule": "Compétence deux", "criteres": [{"intitule": "Critère trois", "code": "C2.a"}]},
    ],
    "blocs": [{"code": "BC1", "intitule": "Bloc un", "unite": "U1", "competences": ["C1", "C2"]}],
    "epreuves": [{"code": "EP1", "intitule": "Épreuve un", "unite": "U1", "coefficient": 2, "modes": ["CCF"],
                  "competences": ["C1"]}],
}


def census() -> dict[str, int]:
    """Rows per catalogue table: equal before and after means nothing was written."""
    return {model.__name__: model.objects.count() for model in TABLES}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def small():
    """A fresh copy of a small valid document, to break or change in a test."""
    return copy.deepcopy(SMALL)


@pytest.fixture
def imported_small(public, small):
    report = referentiel_import(document=small, dry_run=False)
    assert report.applied, report.lines()
    return report.referentiel


@pytest.fixture
def ciel(public):
    report = referentiel_import(path=CIEL, dry_run=False)
    assert report.applied, report.lines()
    return report.referentiel
