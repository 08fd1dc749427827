"""The documents engine (documents.services and tasks, run eagerly here; tests/documents/test_worker.py runs a real
worker): a classe's lot renders one PDF per learner, then one ZIP and one merged PDF; a redelivered task completes
once; transient failures are retried, then the document fails with a message; stuck lots are swept."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from documents import services, tasks
from documents.models import Document, Lot
from scolarite.models import Classe

from .conftest import essai_context


def request_lot(django_capture_on_commit_callbacks, **kwargs) -> Lot:
    with django_capture_on_commit_callbacks(execute=True):
        lot = services.lot_request(**kwargs)
    lot.refresh_from_db()
    return lot


def test_a_classe_lot_renders_one_pdf_per_learner_then_a_zip_and_a_merged_pdf(alpha, w,
                                                                               django_capture_on_commit_callbacks):
    with tenant_context(alpha):
        lot = request_lot(django_capture_on_commit_callbacks, kind="essai", classe=w.classe, actor=w.formateur)
        assert lot.statut == Lot.Statut.TERMINE and (lot.done, lot.total, lot.echecs) == (2, 2, 0)
        documents = list(lot.documents.order_by("apprenant__nom"))
        assert [d.statut for d in documents] == [Document.Statut.TERMINE] * 2
        assert all(len(d.sha256) == 64 for d in documents)
        assert "/alpha/documents/" in documents[0].fichier.path  # the establishment's own media folder
        with lot.zip.open("rb") as f:
            names = zipfile.ZipFile(io.BytesIO(f.read())).namelist()
        assert sorted(names) == ["DUPONT-Lea-essai.pdf", "MARTIN-Hugo-essai.pdf"]
        with lot.pdf.open("rb") as f:
            merged = PdfReader(io.BytesIO(f.read()))
        assert len(merged.pages) == 2
        assert "CFA Alpha" in merged.pages[1].extract_text()
        assert lot.finished_at and lot.started_at


def test_a_redelivered_document_task_completes_once(alpha, w, django_capture_on_commit_callbacks):
    with tenant_context(alpha):
        lot = request_lot(django_capture_on_commit_callbacks, kind="essai", apprenant=w.lea, actor=w.formateur)
        document = lot.documents.get()
        sha, path = document.sha256, document.fichier.name
        # The worker died after rendering, before acking: the broker delivers the same message again.
        assert tasks.render_document.run(document.pk) is False
        document.refresh_from_db()
        lot.refresh_from_db()
        assert (document.sha256, document.fichier.name, document.tentatives) == (sha, path, 1)
        assert (lot.done, lot.total) == (1, 1)
        assert services.lot_finish(lot_id=lot.pk).statut == Lot.Statut.TERMINE


def test_a_document_rendered_twice_concurrently_counts_once(alpha, w, django_capture_on_commit_callbacks, monkeypatch):
    with tenant_context(alpha):
        monkeypatch.setattr(services, "_enqueue_lot", lambda lot_id: None)  # as if no worker picked it yet
        lot = request_lot(django_capture_on_commit_callbacks, kind="essai", classe=w.classe, actor=w.formateur)
        first, second = (Document.objects.get(pk=d.pk) for d in [lot.documents.first()] * 2)
        with django_capture_on_commit_callbacks(execute=False):
            assert services.document_render(document=first) is True
            second.statut = Document.Statut.EN_ATTENTE  # the second delivery read it before the first ended
            assert services.document_render(document=second) is False
        lot.refresh_from_db()
        assert lot.done == 1


def test_the_tasks_are_acked_late_and_requeued_when_the_worker_is_lost():
    for task in (tasks.render_lot, tasks.render_document, tasks.finish_lot):
        assert task.acks_late is True and task.reject_on_worker_lost is True
        assert task.max_retries == tasks.MAX_RETRIES and task.retry_backoff


def test_a_transient_failure_is_retried_then_the_document_fails_with_a_message(alpha, w, monkeypatch,
                                                                               django_capture_on_commit_callbacks):
    calls = []

    def flaky(apprenant, **options):
        calls.append(apprenant.pk)
        raise ConnectionError("réseau coupé")

    from documents import kinds

    monkeypatch.setitem(kinds.KINDS, "essai", kinds.Kind("essai", "Essai", "documents/base.html", flaky))
    with tenant_context(alpha):
        lot = request_lot(django_capture_on_commit_callbacks, kind="essai", apprenant=w.lea, actor=w.formateur)
        document = lot.documents.get()
    assert len(calls) == tasks.MAX_RETRIES + 1
    assert document.statut == Document.Statut.ECHOUE and "plusieurs essais" in document.erreur
    assert lot.statut == Lot.Statut.ECHOUE and "Léa Dupont" in lot.erreur


def test_a_transient_failure_that_heals_renders_the_document(alpha, w, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    from documents import kinds

    calls = []

    def once_flaky(apprenant, **options):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("réseau coupé")
        return essai_context(apprenant, **options)

    monkeypatch.setitem(kinds.KINDS, "essai", kinds.Kind("essai", "Essai", "documents/base.html", once_flaky))
    with tenant_context(alpha):
        lot = request_lot(django_capture_on_commit_callbacks, kind="essai", apprenant=w.lea, actor=w.formateur)
        document = lot.documents.get()
    assert len(calls) == 2 and document.statut == Document.Statut.TERMINE and lot.statut == Lot.Statut.TERMINE


def test_an_indisponible_kind_ends_the_document_with_its_french_message(alpha, w, django_capture_on_commit_callbacks):
    with tenant_context(alpha):
        lot = request_lot(django_capture_on_commit_callbacks, kind="essai", classe=w.classe, actor=w.formateur,
                          options={"indisponible": True})
        messages = sorted(lot.documents.values_list("erreur", flat=True))
    assert messages == ["Rien à imprimer pour Hugo Martin.", "Rien à imprimer pour Léa Dupont."]
    assert lot.statut == Lot.Statut.ECHOUE and not lot.zip and lot.echecs == 2
    assert "Léa Dupont : Rien à imprimer" in lot.erreur


def test_an_unexpected_error_fails_the_document_without_leaking_it(alpha, w, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    from documents import kinds

    def broken(apprenant, **options):
        raise KeyError("secret interne")

    monkeypatch.setitem(kinds.KINDS, "essai", kinds.Kind("essai", "Essai", "documents/base.html", broken))
    with tenant_context(alpha):
        lot = request_lot(django_capture_on_commit_callbacks, kind="essai", apprenant=w.lea, actor=w.formateur)
        document = lot.documents.get()
    assert document.erreur == services.ECHEC_INTERNE and "secret" not in lot.erreur


@pytest.mark.parametrize("who", ["inspecteur", "autre_formateur", "tuteur"])
def test_it_refuses_a_classe_lot_to_whoever_does_not_teach_it_or_direct(alpha, w, who):
    actor = w.autre_formateur if who == "autre_formateur" else w.personas[who]
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.lot_request(kind="essai", classe=w.classe, actor=actor)


def test_direction_and_the_formateurs_may_request_a_classe_lot(alpha, w):
    with tenant_context(alpha):
        assert services.lot_request(kind="essai", classe=w.classe, actor=w.personas["direction"]).total == 2
        assert services.lot_request(kind="essai", classe=w.classe, actor=w.collegue).total == 2


def test_a_learner_may_request_only_their_own_attestation_or_livret(alpha, w):
    lea = w.personas["apprenant"]
    with tenant_context(alpha):
        assert services.lot_request(kind="attestation", apprenant=w.lea, actor=lea).total == 1
        for kind, apprenant in [("attestation", w.hugo), ("essai", w.lea), ("ccf", w.lea)]:
            with pytest.raises(PermissionDenied):
                services.lot_request(kind=kind, apprenant=apprenant, actor=lea)


def test_it_refuses_an_unknown_kind_and_an_empty_classe_in_french(alpha, w):
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="n'existe pas"):
            services.lot_request(kind="inconnu", classe=w.classe, actor=w.formateur)
        vide = Classe.objects.create(formation=w.formation, annee_scolaire=w.classe.annee_scolaire, code="VIDE")
        with pytest.raises(ValidationError, match="Aucun apprenant"):
            services.lot_request(kind="essai", classe=vide, actor=w.personas["direction"])
        assert not Lot.objects.exists()
    connection.set_schema_to_public()


def test_the_sweep_fails_a_lot_without_heartbeat_and_says_so(alpha, w, monkeypatch):
    monkeypatch.setattr(services, "_enqueue_lot", lambda lot_id: None)
    with tenant_context(alpha):
        stuck = services.lot_request(kind="essai", classe=w.classe, actor=w.formateur)
        fresh = services.lot_request(kind="essai", apprenant=w.lea, actor=w.formateur)
        Lot.objects.filter(pk=stuck.pk).update(heartbeat=timezone.now() - datetime.timedelta(minutes=30),
                                               statut=Lot.Statut.EN_COURS)
        assert services.lots_stuck_fail(older_than=datetime.timedelta(minutes=15)) == 1
        stuck.refresh_from_db()
        fresh.refresh_from_db()
        assert stuck.statut == Lot.Statut.ECHOUE and "Relancez la demande" in stuck.erreur
        assert stuck.finished_at and stuck.done == stuck.total == stuck.echecs == 2
        assert set(stuck.documents.values_list("statut", flat=True)) == {Document.Statut.ECHOUE}
        assert fresh.statut == Lot.Statut.EN_ATTENTE
        # A late worker finishing one of its documents changes nothing.
        assert services.document_render(document=stuck.documents.select_related("apprenant").first()) is False


def test_the_sweep_finishes_a_lot_whose_documents_all_ended(alpha, w, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "_enqueue_finish", lambda lot_id: None)  # the finishing message was lost
    with tenant_context(alpha):
        lot = request_lot(django_capture_on_commit_callbacks, kind="essai", classe=w.classe, actor=w.formateur)
        assert lot.statut == Lot.Statut.EN_COURS and lot.done == 2
        Lot.objects.filter(pk=lot.pk).update(heartbeat=timezone.now() - datetime.timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.lots_stuck_fail(older_than=datetime.timedelta(minutes=15)) == 0
        lot.refresh_from_db()
        assert lot.statut == Lot.Statut.TERMINE and lot.zip


def test_the_beat_sweep_visits_every_establishment(alpha, beta, w, monkeypatch):
    seen = []
    monkeypatch.setattr(services, "lots_stuck_fail", lambda older_than: seen.append(connection.schema_name) or 0)
    tasks.lots_stuck_fail_tous()
    assert {"alpha", "beta"} <= set(seen)
