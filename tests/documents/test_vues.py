"""Documents pages: who may ask, follow, list and download what, per role; another establishment sees nothing
(404); downloads are attachments with nosniff, never a media URL; the lists run a constant number of queries."""

import html
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from documents import services
from documents.models import Document, Lot

from ..conftest import host_client, login


def body(response) -> str:
    return html.unescape(response.content.decode())


def rendered(alpha, w, kind, apprenant, capture) -> Document:
    """A rendered document of `kind` for `apprenant`, asked by the direction."""
    with tenant_context(alpha), capture(execute=True):
        lot = services.lot_request(kind=kind, apprenant=apprenant, actor=w.personas["direction"])
    with tenant_context(alpha):
        document = lot.documents.get()
    connection.set_schema_to_public()
    assert document.statut == Document.Statut.TERMINE
    return document


@pytest.fixture
def client_of(as_role, w):
    def _client(who):
        if who == "anonyme":
            return host_client("alpha.localhost")
        if who in ("autre_formateur", "autre_tuteur", "collegue"):
            client = host_client("alpha.localhost")
            assert login(client, getattr(w, who).email).status_code == 302
            return client
        return as_role(who)

    return _client


@pytest.mark.parametrize(("who", "status"), [
    ("anonyme", 302), ("apprenant", 403), ("tuteur", 403), ("autre_formateur", 404),
    ("formateur", 200), ("inspecteur", 200), ("direction", 200)])
def test_the_classe_page_is_for_its_formateurs_the_direction_and_the_inspection(client_of, w, who, status):
    response = client_of(who).get(f"/documents/classes/{w.classe.pk}/")
    assert response.status_code == status
    if status == 200:
        assert ("Établir les documents de la classe" in body(response)) == (who != "inspecteur")


@pytest.mark.parametrize(("who", "status"), [
    ("anonyme", 302), ("apprenant", 403), ("tuteur", 403), ("autre_formateur", 404), ("inspecteur", 403)])
def test_it_refuses_a_classe_request_to_whoever_may_not_ask(client_of, w, who, status):
    response = client_of(who).post(f"/documents/classes/{w.classe.pk}/", {"kind": "essai"})
    assert response.status_code == status
    assert not _lots(w)


def _lots(w):
    from tenants.models import Etablissement

    with tenant_context(Etablissement.objects.get(schema_name="alpha")):
        lots = list(Lot.objects.all())
    connection.set_schema_to_public()
    return lots


def test_a_formateur_requests_the_classe_and_downloads_the_zip_and_the_merged_pdf(
        client_of, w, django_capture_on_commit_callbacks):
    client = client_of("formateur")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/classes/{w.classe.pk}/", {"kind": "essai"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = body(page)
    assert "2 documents sur 2" in text and "<progress" in text and 'role="status"' in text
    assert "hx-trigger" not in text  # finished: no more polling
    (lot,) = _lots(w)
    archive = client.get(f"/documents/lots/{lot.pk}/zip/")
    assert archive.status_code == 200 and archive["X-Content-Type-Options"] == "nosniff"
    assert archive["Content-Disposition"].startswith("attachment;") and ".zip" in archive["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    merged = client.get(f"/documents/lots/{lot.pk}/pdf/")
    assert merged.status_code == 200 and b"".join(merged.streaming_content).startswith(b"%PDF-")
    assert "/media/" not in text


def test_the_progress_page_polls_until_the_lot_is_over(client_of, w, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "_enqueue_lot", lambda lot_id: None)  # no worker took it yet
    client = client_of("direction")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/classes/{w.classe.pk}/", {"kind": "essai"})
    page = body(client.get(response["Location"]))
    assert 'hx-trigger="every 2s"' in page and "0 document sur 2" in page and 'id="annonce" role="status"' in page
    partial = body(client.get(response["Location"], HTTP_HX_REQUEST="true"))
    assert partial.lstrip().startswith('<div id="progression"') and "<html" not in partial
    assert "Cette page se met à jour d'elle-même" in partial
    assert 'hx-get="' + response["Location"] + '?vu=0-en_attente"' in partial


def test_the_progress_poll_speaks_only_when_the_lot_changes_state(client_of, w, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "_enqueue_lot", lambda lot_id: None)
    client = client_of("direction")
    with django_capture_on_commit_callbacks(execute=True):
        url = client.post(f"/documents/classes/{w.classe.pk}/", {"kind": "essai"})["Location"]
    assert client.get(f"{url}?vu=0-en_attente", HTTP_HX_REQUEST="true").status_code == 204  # nothing new: no swap
    with tenant_context(alpha_of()):
        Lot.objects.filter(pk=int(url.rstrip("/").rsplit("/", 1)[1])).update(done=1, statut=Lot.Statut.EN_COURS)
    partial = body(client.get(f"{url}?vu=0-en_attente", HTTP_HX_REQUEST="true"))
    assert "1 document sur 2" in partial and 'id="annonce" hx-swap-oob="innerHTML">En cours' in partial
    same_state = body(client.get(f"{url}?vu=0-en_cours", HTTP_HX_REQUEST="true"))
    assert "1 document sur 2" in same_state and "annonce" not in same_state  # counted, not spoken


def test_the_inspection_downloads_but_cannot_request(client_of, w, django_capture_on_commit_callbacks):
    document = rendered(alpha_of(), w, "essai", w.lea, django_capture_on_commit_callbacks)
    client = client_of("inspecteur")
    assert client.get(f"/documents/{document.pk}/telecharger/").status_code == 200
    assert client.post(f"/documents/{document.pk}/relancer/").status_code == 403
    assert client.post(f"/documents/apprenants/{w.lea.pk}/", {"kind": "essai"}).status_code == 403


def alpha_of():
    from tenants.models import Etablissement

    return Etablissement.objects.get(schema_name="alpha")


@pytest.mark.parametrize(("who", "kind", "whose", "status"), [
    ("anonyme", "essai", "lea", 302),
    ("apprenant", "essai", "lea", 200),  # her own, of a kind learners may have
    ("apprenant", "essai", "hugo", 404),  # another learner's
    ("apprenant", "essai_personnel", "lea", 404),  # never shown to the learner (like the CCF grid)
    ("tuteur", "essai_tuteur", "lea", 200),  # the company side of his apprentice
    ("tuteur", "essai", "lea", 404),  # the centre's side
    ("autre_tuteur", "essai_tuteur", "lea", 404),  # another company's tutor
    ("formateur", "essai_personnel", "lea", 200),
    ("autre_formateur", "essai", "lea", 404),
    ("inspecteur", "essai_personnel", "hugo", 200),
    ("direction", "essai", "hugo", 200),
])
def test_a_document_downloads_only_for_who_may_see_it(client_of, w, who, kind, whose, status,
                                                     django_capture_on_commit_callbacks):
    document = rendered(alpha_of(), w, kind, getattr(w, whose), django_capture_on_commit_callbacks)
    response = client_of(who).get(f"/documents/{document.pk}/telecharger/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_learner_lists_her_documents_without_the_staff_only_kinds(client_of, w,
                                                                     django_capture_on_commit_callbacks):
    for kind in ("essai", "essai_tuteur", "essai_personnel"):
        rendered(alpha_of(), w, kind, w.lea, django_capture_on_commit_callbacks)
    rendered(alpha_of(), w, "essai", w.hugo, django_capture_on_commit_callbacks)
    text = body(client_of("apprenant").get("/documents/mes-documents/"))
    assert "Document d'essai" in text and "Essai côté entreprise" in text
    assert "Essai réservé à l'équipe" not in text and text.count("Télécharger") == 2


@pytest.mark.parametrize(("who", "whose", "status"), [
    ("tuteur", "lea", 200), ("tuteur", "zoe", 404), ("autre_tuteur", "lea", 404), ("apprenant", "hugo", 404),
    ("apprenant", "lea", 200), ("formateur", "zoe", 404), ("formateur", "lea", 200), ("inspecteur", "zoe", 200),
    ("anonyme", "lea", 302)])
def test_a_learners_documents_page_opens_for_who_may_see_them(client_of, w, who, whose, status):
    assert client_of(who).get(f"/documents/apprenants/{getattr(w, whose).pk}/").status_code == status


def test_the_tutor_sees_only_the_company_side_of_his_apprentice(client_of, w, django_capture_on_commit_callbacks):
    for kind in ("essai", "essai_tuteur"):
        rendered(alpha_of(), w, kind, w.lea, django_capture_on_commit_callbacks)
    text = body(client_of("tuteur").get(f"/documents/apprenants/{w.lea.pk}/"))
    assert "Essai côté entreprise" in text and "Document d'essai" not in text
    assert "Établir le document" not in text  # a tutor never asks


def test_a_learner_asks_for_her_attestation_and_reads_why_it_is_missing(client_of, w,
                                                                        django_capture_on_commit_callbacks):
    client = client_of("apprenant")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/documents/mes-documents/", {"kind": "attestation"})
    assert response.status_code == 302
    text = body(client.get(response["Location"]))
    assert "Aucun bilan validé" in text and "Aucun document n'a pu être établi" in text
    assert client.post("/documents/mes-documents/", {"kind": "essai_personnel"}).status_code == 403


def test_a_formateur_renders_a_document_again(client_of, w, django_capture_on_commit_callbacks):
    document = rendered(alpha_of(), w, "essai", w.lea, django_capture_on_commit_callbacks)
    client = client_of("formateur")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{document.pk}/relancer/")
    assert response.status_code == 302
    with tenant_context(alpha_of()):
        assert Document.objects.filter(apprenant=w.lea, kind="essai", statut="termine").count() == 2
    assert client_of("tuteur").post(f"/documents/{document.pk}/relancer/").status_code == 403
    assert client_of("autre_formateur").post(f"/documents/{document.pk}/relancer/").status_code == 404


def test_a_bad_request_says_why_in_french_and_writes_nothing(client_of, w):
    response = client_of("direction").post(f"/documents/classes/{w.classe.pk}/", {"kind": "inconnu"}, follow=True)
    assert response.status_code == 200 and "Ce type de document n'existe pas." in body(response)
    assert not _lots(w)


def test_another_establishment_sees_none_of_it(beta_client, charlie, w, django_capture_on_commit_callbacks):
    document = rendered(alpha_of(), w, "essai", w.lea, django_capture_on_commit_callbacks)
    with tenant_context(alpha_of()), django_capture_on_commit_callbacks(execute=True):
        lot = services.lot_request(kind="essai", classe=w.classe, actor=w.personas["direction"])
    connection.set_schema_to_public()
    assert login(beta_client, charlie.email).status_code == 302
    for url in [f"/documents/classes/{w.classe.pk}/", f"/documents/apprenants/{w.lea.pk}/",
                f"/documents/lots/{lot.pk}/", f"/documents/lots/{lot.pk}/zip/", f"/documents/lots/{lot.pk}/pdf/",
                f"/documents/{document.pk}/telecharger/"]:
        assert beta_client.get(url).status_code == 404, url
    assert beta_client.post(f"/documents/{document.pk}/relancer/").status_code == 404
    assert beta_client.post(f"/documents/classes/{w.classe.pk}/", {"kind": "essai"}).status_code == 404


def test_the_lists_run_a_constant_number_of_queries(client_of, w, django_capture_on_commit_callbacks,
                                                   django_assert_max_num_queries):
    client = client_of("formateur")
    rendered(alpha_of(), w, "essai", w.lea, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/documents/classes/{w.classe.pk}/", {"kind": "essai"})
    pages = [f"/documents/apprenants/{w.lea.pk}/", f"/documents/classes/{w.classe.pk}/"]
    counts = {}
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    for _ in range(4):
        rendered(alpha_of(), w, "essai", w.lea, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/documents/classes/{w.classe.pk}/", {"kind": "essai"})
    for url in pages:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
