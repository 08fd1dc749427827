"""A real Celery worker (a thread of the test process; the memory broker, and Redis when it answers) renders a
classe's lot: one ZIP holding a PDF per learner and a merged PDF holding every page; a transient failure is
retried by Celery with its backoff, then the document fails with a message."""

import datetime
import io
import time
import uuid
import zipfile
from types import SimpleNamespace

import pytest
from celery import _state
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django_tenants.utils import tenant_context
from pypdf import PdfReader
from tenant_schemas_celery.app import CeleryApp

from documents import kinds, services, tasks
from documents.models import Document, Lot
from scolarite.models import Apprenant, Classe, Formation, Inscription
from tenants.annees import annee_scolaire_of
from tenants.models import Etablissement
from tenants.services import etablissement_create, public_ensure
from tenants.validators import uai_check_letter

from ..conftest import make_person
from ..test_celery_tenancy import BROKERS
from .conftest import essai_context


@pytest.fixture(params=list(BROKERS))
def worker(request, transactional_db):
    broker, backend = BROKERS[request.param]()
    if broker is None:
        pytest.skip("Redis ne répond pas : le test avec le broker Redis est sauté (le broker mémoire est testé).")
    app = CeleryApp(f"cpro-documents-{request.param}", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=broker, result_backend=backend, task_always_eager=False)
    # The services send tasks through the shared-task proxies: they must resolve to this app in every thread.
    previous = _state.default_app, getattr(_state._tls, "current_app", None)
    _state.default_app = _state._tls.current_app = app
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        _state.default_app, _state._tls.current_app = previous
        connection.set_schema_to_public()


@pytest.fixture
def w(transactional_db, ciel, media_root, essai):
    """A throwaway establishment (committed data outlives a transactional test in a tenant schema, so the
    session's alpha is left alone): a classe of two learners and its formateur. Dropped afterwards."""
    schema = f"docs_{uuid.uuid4().hex[:8]}"
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    connection.set_schema_to_public()
    public_ensure()
    etablissement = etablissement_create(schema=schema, name="CFA Rendu", uai=number + uai_check_letter(number),
                                         domain=f"{schema.replace('_', '-')}.localhost", admin_email="d@rendu.test")
    formateur = make_person(etablissement, "formateur", email="formateur@rendu.test")
    with tenant_context(etablissement):
        formation = Formation.objects.create(referentiel=ciel, intitule="Bac pro CIEL")
        classe = Classe.objects.create(formation=formation, annee_scolaire=annee_scolaire_of(datetime.date.today()),
                                       code="1CIEL-A")
        classe.formateurs.set([formateur])
        lea = Apprenant.objects.create(nom="Dupont", prenom="Léa")
        hugo = Apprenant.objects.create(nom="Martin", prenom="Hugo")
        for apprenant in (lea, hugo):
            Inscription.objects.create(apprenant=apprenant, classe=classe, statut="apprenti",
                                       debut=datetime.date.today() - datetime.timedelta(days=30))
    connection.set_schema_to_public()
    yield SimpleNamespace(etablissement=etablissement, formateur=formateur, classe=classe, lea=lea, hugo=hugo)
    connection.set_schema_to_public()
    Etablissement.objects.get(schema_name=schema).delete(force_drop=True)


def wait_for(lot: Lot, timeout: float = 60) -> Lot:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lot.refresh_from_db()
        if lot.fini:
            return lot
        time.sleep(0.2)
    raise AssertionError(f"Lot toujours {lot.statut} ({lot.done}/{lot.total}) après {timeout} s")


def test_a_worker_renders_a_classe_into_a_zip_of_one_pdf_each_and_a_merged_pdf(worker, w):
    with tenant_context(w.etablissement):
        lot = services.lot_request(kind="essai", classe=w.classe, actor=w.formateur)  # autocommit: sent at once
        lot = wait_for(lot)
        assert lot.statut == Lot.Statut.TERMINE and (lot.done, lot.total, lot.echecs) == (2, 2, 0)
        with lot.zip.open("rb") as f:
            archive = zipfile.ZipFile(io.BytesIO(f.read()))
        assert len(archive.namelist()) == 2
        assert all(archive.read(name).startswith(b"%PDF-") for name in archive.namelist())
        with lot.pdf.open("rb") as f:
            assert len(PdfReader(io.BytesIO(f.read())).pages) == 2
        assert set(lot.documents.values_list("tentatives", flat=True)) == {1}


def test_a_worker_retries_a_transient_failure_then_fails_the_document_with_a_message(worker, w,
                                                                                     monkeypatch):
    calls = []

    def flaky(apprenant, **options):
        calls.append(time.monotonic())
        raise ConnectionError("réseau coupé")

    monkeypatch.setitem(kinds.KINDS, "essai", kinds.Kind("essai", "Essai", "documents/base.html", flaky))
    # backoff 1 s then 2 s (with jitter): quick
    monkeypatch.setattr(worker.tasks[tasks.render_document.name], "max_retries", 2)
    with tenant_context(w.etablissement):
        lot = wait_for(services.lot_request(kind="essai", apprenant=w.lea, actor=w.formateur))
        document = lot.documents.get()
    assert len(calls) == 3
    assert document.statut == Document.Statut.ECHOUE and "plusieurs essais" in document.erreur
    assert document.tentatives == 3 and lot.statut == Lot.Statut.ECHOUE


def test_a_worker_renders_again_what_it_retried_successfully(worker, w, monkeypatch):
    calls = []

    def once_flaky(apprenant, **options):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("réseau coupé")
        return essai_context(apprenant, **options)

    monkeypatch.setitem(kinds.KINDS, "essai", kinds.Kind("essai", "Essai", "documents/base.html", once_flaky))
    with tenant_context(w.etablissement):
        lot = wait_for(services.lot_request(kind="essai", apprenant=w.lea, actor=w.formateur))
    assert lot.statut == Lot.Statut.TERMINE and len(calls) == 2
