"""The direction imports from the browser: upload, preview, confirm or abandon, history. Everyone else is refused,
inspection included; another establishment's imports do not exist."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import tenant_context

from scolarite.models import Apprenant, Classe, ImportFichier
from scolarite.services_import import import_preview

from ..conftest import login
from .conftest import make_csv, row

OTHER_ROLES = ["formateur", "apprenant", "tuteur", "inspecteur"]


def upload(client, contenu, name="exemple-ypareo.csv", **data):
    return client.post("/direction/imports/", {"fichier": SimpleUploadedFile(name, contenu), **data})


def in_alpha(alpha, fn):
    with tenant_context(alpha):
        result = fn()
    connection.set_schema_to_public()
    return result


@pytest.fixture
def direction(as_role, ciel):
    return as_role("direction")


def test_the_direction_previews_then_confirms_the_fixture_file(direction, alpha, ypareo):
    response = upload(direction, ypareo)
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.get())
    assert response.status_code == 302 and response["Location"] == f"/direction/imports/{fichier.pk}/"
    page = direction.get(response["Location"]).content.decode()
    assert "Prévisualisation : exemple-ypareo.csv" in page and "Windows-1252" in page
    assert "<strong>1CIEL-A</strong>" in page and "sera créée" in page and "DUPONT Léa" in page
    assert "Confirmer l'import" in page
    assert in_alpha(alpha, lambda: (Apprenant.objects.count(), Classe.objects.count())) == (0, 0)

    response = direction.post(f"/direction/imports/{fichier.pk}/confirmer/")
    assert response.status_code == 302
    page = direction.get(response["Location"]).content.decode()
    assert "Import appliqué : 24 apprenant·e·s ajouté·e·s" in page and "Voir les classes" in page
    assert in_alpha(alpha, lambda: (Apprenant.objects.count(), Classe.objects.count())) == (24, 3)
    history = direction.get("/direction/imports/").content.decode()
    assert "exemple-ypareo.csv" in history and "Appliqué" in history and "24 nouvelles" in history


def test_rejected_rows_are_shown_with_their_row_number_and_reason(direction, alpha):
    upload(direction, make_csv([row(), row(nom="DURAND", ine="12345")]), "eleves.csv")
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.get())
    page = direction.get(f"/direction/imports/{fichier.pk}/").content.decode()
    assert "Lignes rejetées (1)" in page and "ligne 3" in page and "INE invalide « 12345 »" in page
    assert "Importer seulement les lignes valides" in page
    direction.post(f"/direction/imports/{fichier.pk}/confirmer/", {"skip_rejected": "1"})
    assert in_alpha(alpha, lambda: list(Apprenant.objects.values_list("nom", flat=True))) == ["MARTIN"]


def test_confirming_rejected_rows_without_skipping_them_writes_nothing(direction, alpha):
    upload(direction, make_csv([row(), row(nom="DURAND", ine="12345")]), "eleves.csv")
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.get())
    response = direction.post(f"/direction/imports/{fichier.pk}/confirmer/", follow=True)
    assert "1 ligne rejetée" in response.content.decode()
    assert in_alpha(alpha, lambda: Apprenant.objects.count()) == 0


def test_a_whole_file_error_is_explained_and_cannot_be_confirmed(direction, alpha):
    upload(direction, make_csv([["MARTIN"]], ["Nom"]), "eleves.csv")
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.get())
    page = direction.get(f"/direction/imports/{fichier.pk}/").content.decode()
    assert "Colonnes obligatoires absentes : Prénom, Classe" in page and "confirmer/" not in page


def test_the_direction_abandons_a_preview(direction, alpha):
    upload(direction, make_csv([row()]), "eleves.csv")
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.get())
    response = direction.post(f"/direction/imports/{fichier.pk}/abandonner/", follow=True)
    assert "abandonné : rien n&#x27;a été écrit" in response.content.decode()
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.get())
    assert fichier.statut == ImportFichier.Statut.ABANDONNE
    direction.post(f"/direction/imports/{fichier.pk}/confirmer/")
    assert in_alpha(alpha, lambda: Apprenant.objects.count()) == 0


@pytest.mark.parametrize("name, contenu, message", [
    ("eleves.xlsx", b"PK\x03\x04", "Choisissez un fichier .csv, .txt ou .xml"),
    ("eleves.csv", b"", "Le fichier est vide."),
    ("eleves.csv", b"x" * (5 * 1024 * 1024 + 1), "Fichier trop volumineux (5.0 Mo) : 5 Mo au plus."),
])
def test_the_upload_refuses_other_files_with_a_french_message(direction, alpha, name, contenu, message):
    response = upload(direction, contenu, name)
    assert response.status_code == 200 and message in response.content.decode()
    assert in_alpha(alpha, lambda: ImportFichier.objects.count()) == 0


def test_siecle_files_take_the_referentiel_chosen_for_new_classes(direction, alpha, siecle):
    upload(direction, siecle, "ElevesSansAdresses.xml", referentiel_defaut="BACPRO-CIEL")
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.get())
    assert fichier.rapport["compte"]["lignes"] == {"cree": 5, "ignore": 1}
    page = direction.get(f"/direction/imports/{fichier.pk}/").content.decode()
    assert "SIECLE (XML)" in page and "Lignes ignorées (1)" in page and "sorti·e de l&#x27;établissement" in page


def test_confirm_and_abandon_are_posts(direction, alpha):
    upload(direction, make_csv([row()]), "eleves.csv")
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.get())
    assert direction.get(f"/direction/imports/{fichier.pk}/confirmer/").status_code == 405
    assert direction.get(f"/direction/imports/{fichier.pk}/abandonner/").status_code == 405


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_other_role_is_refused_the_imports(as_role, alpha, ciel, role):
    fichier = in_alpha(alpha, lambda: import_preview(contenu=make_csv([row()]), nom_fichier="e.csv", user=None))
    client = as_role(role)
    assert client.get("/direction/imports/").status_code == 403
    assert upload(client, make_csv([row()])).status_code == 403
    assert client.get(f"/direction/imports/{fichier.pk}/").status_code == 403
    assert client.post(f"/direction/imports/{fichier.pk}/confirmer/").status_code == 403
    assert client.post(f"/direction/imports/{fichier.pk}/abandonner/").status_code == 403
    assert in_alpha(alpha, lambda: (Apprenant.objects.count(), ImportFichier.objects.get().statut)) == (0, "apercu")


def test_anonymous_visitors_are_sent_to_the_login_page(alpha_client):
    response = alpha_client.get("/direction/imports/")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_another_establishments_direction_cannot_see_or_confirm_an_import(alpha, beta_client, charlie, ciel):
    fichier = in_alpha(alpha, lambda: import_preview(contenu=make_csv([row()]), nom_fichier="e.csv", user=None))
    login(beta_client, charlie.email)
    assert beta_client.get(f"/direction/imports/{fichier.pk}/").status_code == 404
    assert beta_client.post(f"/direction/imports/{fichier.pk}/confirmer/").status_code == 404
    assert "e.csv" not in beta_client.get("/direction/imports/").content.decode()
    assert in_alpha(alpha, lambda: Apprenant.objects.count()) == 0


def test_the_preview_page_and_history_run_a_fixed_number_of_queries(direction, alpha,
                                                                     django_assert_max_num_queries):
    rows = [row(nom=f"NOM{i}", ine=f"2026A{i:05d}K", classe=f"C{i % 9}") for i in range(400)]
    for _ in range(3):
        upload(direction, make_csv(rows), "gros.csv")
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.first())
    with django_assert_max_num_queries(12):  # tenant, session, user, the import, menus and banners
        response = direction.get(f"/direction/imports/{fichier.pk}/")
    assert response.status_code == 200 and "NOM399" in response.content.decode()
    with django_assert_max_num_queries(12):
        assert direction.get("/direction/imports/").status_code == 200


@pytest.fixture
def small_sync_limit(monkeypatch):
    monkeypatch.setattr("scolarite.views_import.SYNC_MAX_ROWS", 2)


def test_a_large_import_is_written_by_a_task_while_the_page_waits(direction, alpha, small_sync_limit,
                                                                    django_capture_on_commit_callbacks):
    upload(direction, make_csv([row(nom=f"NOM{i}", ine=f"2026A0000{i}K") for i in range(3)]), "eleves.csv")
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.get())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = direction.post(f"/direction/imports/{fichier.pk}/confirmer/", follow=True)
    page = response.content.decode()
    assert "L&#x27;écriture des 3 lignes a commencé" in page and "En cours d&#x27;écriture" in page
    assert 'hx-trigger="every 3s"' in page and "Confirmer l'import" not in page
    assert in_alpha(alpha, lambda: Apprenant.objects.count()) == 0
    assert direction.post(f"/direction/imports/{fichier.pk}/confirmer/").status_code == 302  # refused, not twice
    assert len(callbacks) == 1

    with tenant_context(alpha):
        callbacks[0]()  # the Celery task, eager without Redis
    connection.set_schema_to_public()
    assert in_alpha(alpha, lambda: (Apprenant.objects.count(), ImportFichier.objects.get().statut)) == (3, "applique")
    assert "Appliqué" in direction.get(f"/direction/imports/{fichier.pk}/").content.decode()


def test_a_task_that_refuses_puts_the_preview_back_with_the_reason(direction, alpha, small_sync_limit,
                                                                   django_capture_on_commit_callbacks):
    upload(direction, make_csv([row(nom=f"NOM{i}", ine=f"2026A0000{i}K") for i in range(3)] + [row(ine="1")]),
           "eleves.csv")
    fichier = in_alpha(alpha, lambda: ImportFichier.objects.get())
    with django_capture_on_commit_callbacks(execute=True):
        direction.post(f"/direction/imports/{fichier.pk}/confirmer/")
    page = direction.get(f"/direction/imports/{fichier.pk}/").content.decode()
    assert "L'écriture a été refusée, rien n'a été importé : 1 ligne rejetée" in page
    assert in_alpha(alpha, lambda: (Apprenant.objects.count(), ImportFichier.objects.get().statut)) == (0, "apercu")
    with django_capture_on_commit_callbacks(execute=True):
        direction.post(f"/direction/imports/{fichier.pk}/confirmer/", {"skip_rejected": "1"})
    assert in_alpha(alpha, lambda: (Apprenant.objects.count(), ImportFichier.objects.get().statut)) == (3, "applique")
