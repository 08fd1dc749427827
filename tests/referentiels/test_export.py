import re
from collections import Counter

import pytest
import yaml

from referentiels.exporting import referentiel_export_case, referentiel_export_yaml
from referentiels.importing import document_errors, document_normalize
from referentiels.models import Activite, Bloc, Competence, Critere, Pole, Tache
from referentiels.services import referentiel_import

from .conftest import CIEL, FIXTURE_FILES, census, load

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")  # CASE 1.0 UUID
REQUIRED = {  # from the CASE 1.0 CFPackage JSON schema
    "CFDocument": {"identifier", "uri", "creator", "title", "lastChangeDateTime"},
    "CFItems": {"identifier", "fullStatement", "uri", "lastChangeDateTime"},
    "CFAssociations": {"identifier", "associationType", "uri", "originNodeURI", "destinationNodeURI",
                       "lastChangeDateTime"},
}


def imported(path):
    report = referentiel_import(path=path, dry_run=False)
    assert report.applied, report.lines()
    return report.referentiel


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_the_yaml_export_gives_back_the_normalized_file(public, path):
    exported = yaml.safe_load(referentiel_export_yaml(referentiel=imported(path)))
    assert exported == document_normalize(load(path))
    assert document_errors(exported) == []


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_reimporting_the_yaml_export_changes_nothing(public, path, tmp_path):
    referentiel = imported(path)
    exported = tmp_path / "export.yaml"
    exported.write_text(referentiel_export_yaml(referentiel=referentiel), encoding="utf-8")
    before = census()
    report = referentiel_import(path=exported, dry_run=False)
    assert report.ok and not report.has_changes and census() == before


def test_normalizing_a_normalized_document_changes_nothing(small):
    once = document_normalize(small)
    assert document_normalize(once) == once
    assert once["competences"][0]["criteres"][0]["code"] == "C1.1"
    assert once["competences"][1]["criteres"][0]["code"] == "C2.a"


def item_count(referentiel) -> int:
    return sum(model.objects.filter(referentiel=referentiel).count()
               for model in (Pole, Activite, Tache, Bloc, Competence, Critere))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_the_case_export_has_one_item_per_pole_activite_tache_bloc_competence_and_critere(public, path):
    referentiel = imported(path)
    package = referentiel_export_case(referentiel=referentiel)
    assert len(package["CFItems"]) == item_count(referentiel)
    identifiers = {item["identifier"] for item in package["CFItems"]}
    expected = {str(item.uuid) for model in (Pole, Activite, Tache, Bloc, Competence, Critere)
                for item in model.objects.filter(referentiel=referentiel)}
    assert identifiers == expected
    assert package["CFDocument"]["identifier"] == str(referentiel.uuid)
    types = Counter(item["CFItemType"] for item in package["CFItems"])
    assert types["Critère d'évaluation"] == Critere.objects.filter(referentiel=referentiel).count()


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_every_non_root_item_is_child_of_one_existing_node(public, path):
    package = referentiel_export_case(referentiel=imported(path))
    nodes = {item["identifier"] for item in package["CFItems"]} | {package["CFDocument"]["identifier"]}
    for association in package["CFAssociations"]:
        assert association["originNodeURI"]["identifier"] in nodes
        assert association["destinationNodeURI"]["identifier"] in nodes
    parents = Counter(a["originNodeURI"]["identifier"] for a in package["CFAssociations"]
                      if a["associationType"] == "isChildOf")
    # No compétence of the fixtures sits in two blocs, so each item has exactly one parent.
    assert parents == Counter({item["identifier"]: 1 for item in package["CFItems"]})


def test_the_case_tree_follows_the_referentiel(ciel):
    package = referentiel_export_case(referentiel=ciel, base_url="https://cpro.example.fr/")
    by_id = {item["identifier"]: item for item in package["CFItems"]}
    by_id[package["CFDocument"]["identifier"]] = {"humanCodingScheme": "document", "CFItemType": "document"}
    parent = {}
    for a in package["CFAssociations"]:
        if a["associationType"] == "isChildOf":
            child = by_id[a["originNodeURI"]["identifier"]]["humanCodingScheme"]
            parent[child] = (by_id[a["destinationNodeURI"]["identifier"]]["humanCodingScheme"], a["sequenceNumber"])
    assert parent["P1"] == ("document", 1) and parent["BC01"] == ("document", 4)
    assert parent["E1"] == ("P1", 1) and parent["E1-T2"] == ("E1", 2)
    assert parent["C07"] == ("BC01", 2) and parent["C07.3"] == ("C07", 3)
    assert parent["C02"][0] == "document"  # in no bloc
    related = [a for a in package["CFAssociations"] if a["associationType"] == "isRelatedTo"]
    assert len(related) == Competence.activites.through.objects.filter(competence__referentiel=ciel).count()
    assert package["CFDocument"]["uri"] == f"https://cpro.example.fr/ims/case/v1p0/CFDocuments/{ciel.uuid}"


def test_the_case_export_has_the_required_fields_and_valid_identifiers(ciel):
    package = referentiel_export_case(referentiel=ciel)
    assert REQUIRED["CFDocument"] <= set(package["CFDocument"])
    for key in ("CFItems", "CFAssociations"):
        for entry in package[key]:
            assert REQUIRED[key] <= set(entry), entry
            assert UUID_RE.match(entry["identifier"])
    identifiers = [a["identifier"] for a in package["CFAssociations"]]
    assert len(set(identifiers)) == len(identifiers)
    for item_type in package["CFDefinitions"]["CFItemTypes"]:
        assert {"identifier", "uri", "title", "hierarchyCode", "lastChangeDateTime"} <= set(item_type)


def test_case_identifiers_survive_a_reimport(ciel):
    first = referentiel_export_case(referentiel=ciel)
    document = load(CIEL)
    document["competences"][0]["intitule"] += " (rédaction corrigée)"
    assert referentiel_import(document=document, dry_run=False).applied
    second = referentiel_export_case(referentiel=ciel)
    assert [i["identifier"] for i in first["CFItems"]] == [i["identifier"] for i in second["CFItems"]]
    assert [a["identifier"] for a in first["CFAssociations"]] == [a["identifier"] for a in second["CFAssociations"]]
    assert second["CFDocument"]["lastChangeDateTime"] >= first["CFDocument"]["lastChangeDateTime"]
