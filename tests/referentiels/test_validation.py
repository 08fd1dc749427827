"""Every error kind of FORMAT.md: the import reports the path in the document and a French reason, and writes
nothing (the catalogue already holds a version of the same référentiel, which the broken file would update)."""

import pytest

from referentiels.importing import DocumentError, document_errors
from referentiels.models import Competence
from referentiels.services import referentiel_import

from .conftest import census


@pytest.fixture
def broken(imported_small, small):
    """A copy of the imported document with one valid change, which must not be written either."""
    small["competences"][0]["intitule"] = "Intitulé qui ne doit pas être écrit"
    return small


def assert_rejected(document, path: str, reason: str) -> None:
    before = census()
    report = referentiel_import(document=document, dry_run=False)
    assert DocumentError(path, reason) in report.errors, report.errors
    assert not report.applied
    assert census() == before
    assert Competence.objects.get(code="C1").intitule == "Compétence un"


def test_it_refuses_a_wrong_format(broken):
    broken["format"] = "cpro-referentiel/2"
    assert_rejected(broken, "format", "format inconnu : « cpro-referentiel/2 » (attendu : « cpro-referentiel/1 »)")


def test_it_refuses_a_missing_required_key(broken):
    del broken["competences"][1]["intitule"]
    assert_rejected(broken, "competences[1].intitule", "clé obligatoire absente : « intitule »")


def test_it_refuses_an_unknown_key(broken):
    broken["competences"][0]["critere"] = []
    assert_rejected(broken, "competences[0].critere", "clé inconnue : « critere »")


def test_it_refuses_a_wrong_type(broken):
    broken["epreuves"][0]["modes"] = "CCF"
    assert_rejected(broken, "epreuves[0].modes", "type incorrect (attendu : une liste de textes, reçu : un texte)")


def test_it_asks_to_quote_a_version_written_as_a_number(broken):
    broken["referentiel"]["version"] = 2024
    assert_rejected(broken, "referentiel.version",
                    "type incorrect (attendu : un texte, reçu : un entier) ; mettez la valeur entre guillemets")


def test_it_refuses_a_duplicate_code(broken):
    broken["competences"][1]["code"] = "C1"
    assert_rejected(broken, "competences[1].code", "code en double : « C1 » (déjà utilisé en competences[0].code)")


def test_it_counts_default_critere_codes_as_codes(broken):
    broken["competences"][0]["criteres"][0]["code"] = "C1.2"  # the second critère's default code
    assert_rejected(broken, "competences[0].criteres[1]",
                    "code en double : « C1.2 » (déjà utilisé en competences[0].criteres[0].code)")


def test_it_refuses_a_reference_to_an_unknown_activite(broken):
    broken["competences"][0]["activites"] = ["A1", "A9"]
    assert_rejected(broken, "competences[0].activites[1]", "activité inconnue : « A9 »")


def test_it_refuses_a_reference_to_an_unknown_tache(broken):
    broken["competences"][0]["taches"] = ["A1-T9"]
    assert_rejected(broken, "competences[0].taches[0]", "tâche inconnue : « A1-T9 »")


def test_it_refuses_a_reference_to_an_unknown_competence(broken):
    broken["blocs"][0]["competences"] = ["C1", "C9"]
    assert_rejected(broken, "blocs[0].competences[1]", "compétence inconnue : « C9 »")


def test_it_refuses_an_empty_intitule(broken):
    broken["poles"][0]["activites"][0]["taches"][1]["intitule"] = "   "
    assert_rejected(broken, "poles[0].activites[0].taches[1].intitule", "intitulé vide")


def test_it_refuses_a_coefficient_of_zero(broken):
    broken["epreuves"][0]["coefficient"] = 0
    assert_rejected(broken, "epreuves[0].coefficient", "coefficient invalide : 0 (il doit être strictement positif)")


def test_it_refuses_a_negative_coefficient(broken):
    broken["epreuves"][0]["coefficient"] = -1.5
    assert_rejected(broken, "epreuves[0].coefficient",
                    "coefficient invalide : -1.5 (il doit être strictement positif)")


def test_it_refuses_an_unknown_mode(broken):
    broken["epreuves"][0]["modes"] = ["CCF", "oral"]
    assert_rejected(broken, "epreuves[0].modes[1]",
                    "mode d'évaluation inconnu : « oral » (attendus : CCF, ponctuel, controle_continu)")


def test_it_refuses_an_invalid_niveau(broken):
    broken["referentiel"]["niveau"] = 9
    assert_rejected(broken, "referentiel.niveau", "niveau invalide : 9 (attendu : un entier de 3 à 8)")


def test_it_refuses_an_unknown_type_of_diploma(broken):
    broken["referentiel"]["type"] = "LICENCE"
    assert_rejected(broken, "referentiel.type", "type de diplôme inconnu : « LICENCE » (attendus : CAP, BAC_PRO, BP, "
                                                "BTS, MC, CS, FAMILLE_METIERS, TITRE_PRO, AUTRE)")


def test_it_refuses_a_referentiel_without_competences(broken):
    broken["competences"] = []
    broken["blocs"] = broken["epreuves"] = []
    assert_rejected(broken, "competences", "liste vide : il faut au moins une compétence")


def test_it_reports_every_error_not_only_the_first(small):
    small["format"] = "autre"
    small["referentiel"]["niveau"] = 2
    small["epreuves"][0]["coefficient"] = 0
    small["blocs"][0]["competences"] = ["C7"]
    assert [error.path for error in document_errors(small)] == [
        "format", "referentiel.niveau", "epreuves[0].coefficient", "blocs[0].competences[0]"]


def test_it_refuses_a_document_that_is_not_an_object():
    assert document_errors(["format"]) == [
        DocumentError("", "le document doit être un objet (clés format, referentiel, competences…)")]


def test_it_refuses_an_unreadable_file_naming_it(public, tmp_path):
    path = tmp_path / "casse.yaml"
    path.write_text("format: cpro-referentiel/1\nreferentiel: [\n", encoding="utf-8")
    report = referentiel_import(path=path, dry_run=False)
    assert len(report.errors) == 1 and report.errors[0].reason.startswith("fichier illisible : YAML incorrect ligne ")
    assert report.error_lines()[0].startswith(f"{path}: fichier illisible")
