import io
import json

import pytest
import yaml
from django.core.management import call_command
from django.db import connection

from referentiels.importing import document_normalize
from referentiels.models import Referentiel

from .conftest import CIEL, TNE, census, load


def run(*args) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a management command, as `manage.py` would give them."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_import_referentiel_prints_the_plan_and_succeeds(public):
    code, out, _ = run("import_referentiel", str(TNE))
    assert code == 0
    assert out.splitlines()[0] == "Référentiel 2TNE version 2021 : nouveau."
    assert "Import terminé : 43 créations, 0 modification, 0 suppression." in out
    assert Referentiel.objects.filter(code="2TNE", version="2021").exists()


def test_import_referentiel_says_when_nothing_changes(public):
    run("import_referentiel", str(TNE))
    code, out, _ = run("import_referentiel", str(TNE))
    assert code == 0 and out.splitlines()[-1] == "Aucun changement : le catalogue est déjà à jour."


def test_import_referentiel_dry_run_writes_nothing(public):
    before = census()
    code, out, _ = run("import_referentiel", str(CIEL), "--dry-run")
    assert code == 0 and "  critères : 69 créations" in out
    assert out.splitlines()[-1] == "Simulation (--dry-run) : rien n'a été écrit."
    assert census() == before


def test_import_referentiel_prints_every_error_with_the_file_and_exits_non_zero(public, tmp_path):
    document = load(TNE)
    document["referentiel"]["niveau"] = 12
    document["competences"][2]["activites"] = ["A7"]
    path = tmp_path / "2tne.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = census()
    code, out, err = run("import_referentiel", str(path))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{path}: referentiel.niveau: niveau invalide : 12 (attendu : un entier de 3 à 8)",
        f"{path}: competences[2].activites[0]: activité inconnue : « A7 »",
        "2 erreurs : rien n'a été écrit.",
    ]
    assert census() == before


def test_import_referentiel_exits_non_zero_when_a_removal_is_refused(public, tmp_path, monkeypatch):
    run("import_referentiel", str(TNE))
    used = Referentiel.objects.get(code="2TNE").criteres.get(code="CC9.3").uuid
    monkeypatch.setattr("referentiels.usage.referenced_items", lambda referentiel: {used})
    document = load(TNE)
    document["competences"][8]["criteres"].pop()
    path = tmp_path / "2tne.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    code, out, _ = run("import_referentiel", str(path))
    assert code == 1 and "  ! critère CC9.3 : suppression refusée" in out


def test_import_referentiel_runs_on_the_public_schema_whatever_the_connection(alpha):
    connection.set_tenant(alpha)
    code, _, _ = run("import_referentiel", str(TNE))
    assert code == 0 and connection.schema_name == "public"
    assert Referentiel.objects.filter(code="2TNE").exists()


def test_export_referentiel_writes_yaml_to_stdout(public):
    run("import_referentiel", str(TNE))
    code, out, _ = run("export_referentiel", "2TNE", "2021")
    assert code == 0 and yaml.safe_load(out) == document_normalize(load(TNE))


def test_export_referentiel_writes_a_case_package_to_a_file(public, tmp_path):
    run("import_referentiel", str(CIEL))
    path = tmp_path / "ciel.json"
    code, out, err = run("export_referentiel", "BACPRO-CIEL", "2026", "--format", "case", "--output", str(path))
    assert code == 0 and out == "" and str(path) in err
    package = json.loads(path.read_text(encoding="utf-8"))
    assert package["CFDocument"]["title"].startswith("Baccalauréat professionnel « Cybersécurité")
    assert len(package["CFItems"]) == 3 + 12 + 50 + 12 + 11 + 69


def test_export_referentiel_exits_non_zero_for_an_unknown_version(public):
    code, out, err = run("export_referentiel", "BACPRO-CIEL", "1999")
    assert code == 1 and out == "" and err.strip() == "Référentiel inconnu : BACPRO-CIEL version 1999."


def test_export_referentiel_offers_only_yaml_and_case(public):
    with pytest.raises(Exception, match="invalid choice"):
        call_command("export_referentiel", "BACPRO-CIEL", "2026", "--format", "xml")
