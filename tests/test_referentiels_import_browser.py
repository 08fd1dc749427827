"""Operators import a référentiel from the browser: upload, preview, confirm. Nothing is written before."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.roles import Role
from referentiels.models import Critere, Referentiel

from .conftest import login

CIEL = Path(__file__).resolve().parent.parent / "fixtures" / "referentiels" / "bacpro-ciel.yaml"


@pytest.fixture
def operator_client(public_client, operator):
    login(public_client, operator.email)
    return public_client


def upload(client, name, content: bytes):
    response = client.post("/referentiels/importer/", {"fichier": SimpleUploadedFile(name, content)})
    connection.set_schema_to_public()
    return response


def test_the_preview_shows_the_plan_and_writes_nothing_until_confirmed(operator_client):
    response = upload(operator_client, "ciel.yaml", CIEL.read_bytes())
    html = response.content.decode()
    assert response.status_code == 200 and "Référentiel BACPRO-CIEL version 2026 : nouveau." in html
    assert "Confirmer l'import" in html
    assert not Referentiel.objects.exists()

    token = operator_client.session["referentiel_import"]["token"]
    response = operator_client.post("/referentiels/importer/confirmer/", {"token": token})
    connection.set_schema_to_public()
    referentiel = Referentiel.objects.get(code="BACPRO-CIEL")
    assert response.status_code == 302 and response["Location"] == f"/referentiels/{referentiel.uuid}/"
    assert Critere.objects.filter(referentiel=referentiel).count() == 69


def test_a_second_upload_of_the_same_file_has_nothing_to_confirm(operator_client):
    upload(operator_client, "ciel.yaml", CIEL.read_bytes())
    operator_client.post("/referentiels/importer/confirmer/",
                         {"token": operator_client.session["referentiel_import"]["token"]})
    html = upload(operator_client, "ciel.yaml", CIEL.read_bytes()).content.decode()
    assert "Aucun changement" in html and "Confirmer l'import" not in html


def test_an_invalid_document_lists_each_error_with_its_path(operator_client):
    bad = CIEL.read_text(encoding="utf-8").replace("coefficient: 5", "coefficient: 0", 1)
    html = upload(operator_client, "ciel.yaml", bad.encode()).content.decode()
    assert 'role="alert"' in html and "rien n'a été écrit" in html
    assert "epreuves[" in html and "coefficient" in html
    assert "Confirmer l'import" not in html
    assert not Referentiel.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ciel.pdf", b"%PDF-1.4", "Choisissez un fichier .yaml, .yml ou .json."),
        ("ciel.yaml", "é".encode("latin-1") * 10, "Le fichier doit être encodé en UTF-8."),
        ("ciel.yaml", b"x" * (2 * 1024 * 1024 + 1), "Fichier trop volumineux"),
        ("ciel.yaml", b"format: [unclosed", "fichier illisible : YAML incorrect ligne 1, colonne 18"),
        ("ciel.json", b"{\"format\": }", "fichier illisible : JSON incorrect ligne 1, colonne 12"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(operator_client, name, content, message):
    html = upload(operator_client, name, content).content.decode()
    assert message in html
    assert not Referentiel.objects.exists()


def test_an_expired_preview_cannot_be_confirmed(operator_client):
    response = operator_client.post("/referentiels/importer/confirmer/", {"token": "nimporte"}, follow=True)
    connection.set_schema_to_public()
    assert "Cette prévisualisation a expiré" in response.content.decode()
    assert not Referentiel.objects.exists()


def test_only_operators_import(public_client, as_role):
    response = public_client.get("/referentiels/importer/")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    for role in (Role.DIRECTION, Role.FORMATEUR):
        client = as_role(role)
        assert client.get("/referentiels/importer/").status_code == 404  # no import on an establishment's site
        assert client.post("/referentiels/importer/confirmer/", {"token": "x"}).status_code == 404
        connection.set_schema_to_public()
