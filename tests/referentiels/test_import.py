import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from referentiels import usage
from referentiels.importing import document_normalize
from referentiels.models import Activite, Bloc, Competence, Critere, Pole, Referentiel, Tache
from referentiels.services import referentiel_delete, referentiel_import

from .conftest import CIEL, FIXTURE_FILES, census, load


def uuids() -> dict[tuple[str, str], str]:
    return {(model.__name__, item.code): item.uuid
            for model in (Pole, Activite, Tache, Competence, Critere, Bloc) for item in model.objects.all()}


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_every_fixture_file_imports(public, path):
    document = document_normalize(load(path))
    report = referentiel_import(path=path, dry_run=False)
    assert report.ok and report.applied, report.lines()
    referentiel = Referentiel.objects.get(code=document["referentiel"]["code"])
    assert referentiel.competences.count() == len(document["competences"])
    assert referentiel.criteres.count() == sum(len(c["criteres"]) for c in document["competences"])
    assert referentiel.epreuves.count() == len(document["epreuves"])
    assert report.lines()[-1].startswith("Import terminé : ")


def test_it_keeps_several_versions_of_a_diploma(public, small):
    referentiel_import(document=small, dry_run=False)
    small["referentiel"]["version"] = "2025"
    small["competences"][0]["intitule"] = "Compétence un, nouvelle rédaction"
    referentiel_import(document=small, dry_run=False)
    versions = Referentiel.objects.filter(code="CAP-TEST").order_by("version")
    assert [r.version for r in versions] == ["2024", "2025"]
    assert [r.competences.get(code="C1").intitule for r in versions] == [
        "Compétence un", "Compétence un, nouvelle rédaction"]


def test_reimporting_the_same_file_changes_nothing(ciel):
    before, before_uuids, updated_at = census(), uuids(), ciel.updated_at
    report = referentiel_import(path=CIEL, dry_run=False)
    assert report.ok and not report.has_changes and not report.applied
    assert "aucun changement" in report.lines()[-1].lower()
    assert census() == before and uuids() == before_uuids
    assert Referentiel.objects.get(pk=ciel.pk).updated_at == updated_at


def test_a_changed_file_updates_texts_adds_items_and_keeps_uuids(imported_small, small):
    before = uuids()
    small["competences"][0]["intitule"] = "Compétence un, reformulée"
    small["competences"][0]["criteres"].insert(0, {"intitule": "Nouveau premier critère", "code": "C1.0"})
    for rank, critere in enumerate(small["competences"][0]["criteres"][1:], start=1):
        critere["code"] = f"C1.{rank}"  # default codes follow the rank: inserting before them needs explicit ones
    small["competences"].append({"code": "C3", "intitule": "Compétence trois", "taches": ["A1-T2"]})
    small["poles"].insert(0, {"code": "P0", "intitule": "Pôle zéro", "activites": [
        {"code": "A0", "intitule": "Activité zéro", "taches": [small["poles"][0]["activites"][0]["taches"].pop()]}]})
    small["blocs"][0]["competences"] = ["C2", "C1", "C3"]
    report = referentiel_import(document=small, dry_run=False)
    assert report.applied, report.lines()
    assert {(e.kind, e.code) for e in report.created} == {
        ("pole", "P0"), ("activite", "A0"), ("competence", "C3"), ("critere", "C1.0")}
    changes = {(e.kind, e.code): e.fields for e in report.changed}
    assert changes[("competence", "C1")] == ("intitule",)
    assert changes[("pole", "P1")] == ("rang",)
    assert changes[("tache", "A1-T2")] == ("activite", "rang")
    assert changes[("bloc", "BC1")] == ("competences",)
    assert not report.removed
    after = uuids()
    assert all(after[key] == value for key, value in before.items())  # every item kept its uuid
    assert Competence.objects.get(code="C1").intitule == "Compétence un, reformulée"
    assert Tache.objects.get(code="A1-T2").activite.code == "A0"
    assert [c.code for c in Competence.objects.get(code="C1").criteres.order_by("rang")] == ["C1.0", "C1.1", "C1.2"]
    assert list(Bloc.objects.get(code="BC1").competence_links.values_list("competence__code", flat=True)) == [
        "C2", "C1", "C3"]
    assert "  ~ compétence C1 : intitulé" in report.lines()


def test_it_removes_items_the_file_no_longer_has_when_nothing_uses_them(imported_small, small):
    del small["competences"][1]
    small["blocs"][0]["competences"] = ["C1"]
    report = referentiel_import(document=small, dry_run=False)
    assert {(e.kind, e.code) for e in report.removed} == {("competence", "C2"), ("critere", "C2.a")}
    assert not Competence.objects.filter(code="C2").exists() and not Critere.objects.filter(code="C2.a").exists()
    assert "  - compétence C2" in report.lines()


def test_it_refuses_to_remove_an_item_that_establishments_use_and_writes_nothing(imported_small, small, monkeypatch):
    used = Critere.objects.get(code="C2.a").uuid
    monkeypatch.setattr(usage, "referenced_items", lambda referentiel: {used})
    del small["competences"][1]
    small["blocs"][0]["competences"] = ["C1"]
    small["competences"][0]["intitule"] = "Changement qui ne doit pas être écrit"
    before = census()
    report = referentiel_import(document=small, dry_run=False)
    assert not report.ok and not report.applied
    assert [(e.kind, e.code) for e in report.refused] == [("critere", "C2.a")]
    assert ("  ! critère C2.a : suppression refusée : des établissements utilisent cet élément ; gardez-le dans le "
            "fichier ou publiez une nouvelle version du référentiel") in report.lines()
    assert report.lines()[-1] == ("Import refusé : le fichier retire 1 élément que des établissements utilisent ; "
                                  "rien n'a été écrit.")
    assert census() == before
    assert Competence.objects.get(code="C1").intitule == "Compétence un"


def test_it_warns_when_an_inserted_critere_shifts_the_default_codes(imported_small, small):
    small["competences"][0]["criteres"].insert(0, {"intitule": "Critère inséré en tête"})
    report = referentiel_import(document=small, dry_run=True)
    assert {(e.code, e.fields) for e in report.changed if e.kind == "critere"} == {
        ("C1.1", ("intitule",)), ("C1.2", ("intitule", "savoir_etre"))}
    assert report.warnings == [
        "  attention : critère C1.2 reprend l'intitulé qu'avait C1.1 ; un élément inséré sans code décale les codes "
        "par défaut, et donc les identifiants : donnez des codes explicites"]
    assert report.warnings[0] in report.lines()


def test_referentiel_delete_removes_a_version_unless_establishments_use_it(imported_small, monkeypatch):
    used = imported_small.competences.get(code="C1").uuid
    monkeypatch.setattr(usage, "referenced_items", lambda referentiel: {used})
    with pytest.raises(ValidationError):
        referentiel_delete(referentiel=imported_small)
    assert Referentiel.objects.filter(pk=imported_small.pk).exists()
    monkeypatch.setattr(usage, "referenced_items", lambda referentiel: set())
    referentiel_delete(referentiel=imported_small)
    assert census() == {name: 0 for name in census()}


def test_referenced_items_gathers_what_the_registered_finders_return(imported_small, monkeypatch):
    monkeypatch.setattr(usage, "_finders", [])
    assert usage.referenced_items(imported_small) == set()
    c1 = imported_small.competences.get(code="C1").uuid
    usage.reference_finder_register(lambda referentiel: {c1})
    assert usage.referenced_items(imported_small) == {c1}


def test_a_dry_run_gives_the_plan_and_writes_nothing(imported_small, small):
    small["competences"][1]["intitule"] = "Compétence deux, reformulée"
    before = census()
    report = referentiel_import(document=small, dry_run=True)
    assert [(e.kind, e.code, e.fields) for e in report.changed] == [("competence", "C2", ("intitule",))]
    assert not report.applied and report.lines()[-1] == "Simulation (--dry-run) : rien n'a été écrit."
    assert census() == before and Competence.objects.get(code="C2").intitule == "Compétence deux"


def test_a_first_import_lists_counts_rather_than_every_item(public, small):
    lines = referentiel_import(document=small, dry_run=False).lines()
    assert lines[:3] == ["Référentiel CAP-TEST version 2024 : nouveau.", "  pôles : 1 création",
                         "  activités : 1 création"]
    assert "  critères : 3 créations" in lines and not any(line.startswith("  +") for line in lines)


def test_it_runs_only_on_the_public_schema(alpha, small):
    with tenant_context(alpha), pytest.raises(RuntimeError):
        referentiel_import(document=small, dry_run=False)


def test_establishments_read_the_catalogue_through_their_search_path(alpha, imported_small):
    with tenant_context(alpha):
        assert connection.schema_name == "alpha"
        assert Referentiel.objects.get(code="CAP-TEST").competences.count() == 2
