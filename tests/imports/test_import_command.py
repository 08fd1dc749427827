"""`manage.py import_etablissement SCHEMA FILE`: the preview without --confirm, the writes with it; exit 1 when a
row is rejected unless --confirm comes with --skip-rejected."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import tenant_context

from scolarite.models import Apprenant, Classe

from .conftest import YPAREO, make_csv, row


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_etablissement", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    assert connection.schema_name == "public"
    return code, out.getvalue(), err.getvalue()


def written(alpha) -> tuple[int, int]:
    with tenant_context(alpha):
        result = Apprenant.objects.count(), Classe.objects.count()
    connection.set_schema_to_public()
    return result


@pytest.fixture
def rejected_file(tmp_path):
    path = tmp_path / "eleves.csv"
    path.write_bytes(make_csv([row(), row(nom="DURAND", ine="12345")]))
    return str(path)


def test_without_confirm_it_prints_the_preview_and_writes_nothing(alpha, ciel):
    code, out, _ = run("alpha", str(YPAREO))
    assert code == 0
    assert "Import de exemple-ypareo.csv (CSV, Windows-1252, séparateur « ; »)" in out
    assert "Apprenants : 24 à créer" in out and "classe 1CIEL-A" in out and "rien n'a été écrit" in out
    assert written(alpha) == (0, 0)


def test_with_confirm_it_writes_then_a_second_run_changes_nothing(alpha, ciel):
    code, out, _ = run("alpha", str(YPAREO), "--confirm")
    assert code == 0 and "Apprenants : 24 créés" in out and "Import appliqué dans CFA Alpha." in out
    assert written(alpha) == (24, 3)
    code, out, _ = run("alpha", str(YPAREO), "--confirm")
    assert code == 0 and "Lignes : 24 inchangés" in out
    assert written(alpha) == (24, 3)


def test_a_rejected_row_exits_non_zero_and_writes_nothing(alpha, ciel, rejected_file):
    code, out, _ = run("alpha", rejected_file)
    assert code == 1 and "ligne 3 (DURAND Léo) rejetée : INE invalide « 12345 »" in out
    code, out, err = run("alpha", rejected_file, "--confirm")
    assert code == 1 and "Rien n'a été écrit : 1 ligne rejetée" in err
    code, _, _ = run("alpha", rejected_file, "--skip-rejected")
    assert code == 1
    assert written(alpha) == (0, 0)


def test_confirm_with_skip_rejected_writes_the_valid_rows_and_exits_zero(alpha, ciel, rejected_file):
    code, out, _ = run("alpha", rejected_file, "--confirm", "--skip-rejected")
    assert code == 0 and "rejetés (non importés)" in out
    assert written(alpha) == (1, 1)


def test_a_file_it_cannot_read_exits_non_zero(alpha, ciel, tmp_path):
    path = tmp_path / "eleves.csv"
    path.write_bytes(make_csv([["MARTIN"]], ["Nom"]))
    code, _, err = run("alpha", str(path), "--confirm", "--skip-rejected")
    assert code == 1 and "Fichier refusé : Colonnes obligatoires absentes" in err
    assert written(alpha) == (0, 0)


def test_siecle_files_take_the_referentiel_option(alpha, ciel):
    from .conftest import SIECLE

    code, out, _ = run("alpha", str(SIECLE), "--referentiel", "BACPRO-CIEL", "--confirm")
    assert code == 0 and "élève 6 (ELEVE_ID 4106) (ÉTIENNE Timéo) ignorée" in out
    assert written(alpha) == (5, 2)


def test_an_unknown_establishment_or_file_is_an_error(alpha, tmp_path):
    with pytest.raises(CommandError, match="Aucun établissement de schéma « nulle »"):
        call_command("import_etablissement", "nulle", str(YPAREO))
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_etablissement", "alpha", str(tmp_path / "absent.csv"))
