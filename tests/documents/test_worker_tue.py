"""A worker killed in the middle of a render: a real `celery -A cpro worker` process on Redis whose pool process
dies by SIGKILL while it renders. acks_late + reject_on_worker_lost give the task back to the broker, the worker's
new pool process renders it, and each document counts once in its lot. Needs Redis (a memory broker does not
outlive a process); skipped without it, and run in CI's pass on real services."""

import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from celery import _state
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context
from tenant_schemas_celery.app import CeleryApp

from documents import kinds, services
from documents.models import Document, Lot

from ..test_celery_tenancy import _redis_url
from .kind_tue import ESSAI_TUE
from .test_worker import w  # noqa: F401  (a throwaway establishment with a classe of two learners)

ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = connection.settings_dict  # the test database, which the worker process must read
    host = urllib.parse.quote(str(db["HOST"] or "localhost"), safe="")
    credentials = urllib.parse.quote(db["USER"], safe="") + (
        ":" + urllib.parse.quote(db["PASSWORD"], safe="") if db.get("PASSWORD") else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{credentials}@{host}{port}/{db['NAME']}"


@pytest.fixture
def redis():
    url = _redis_url()
    if url is None:
        pytest.skip("Redis ne répond pas : le test du worker tué a besoin d'un broker qui survit à un processus.")
    return urllib.parse.urlparse(url)._replace(path="/13").geturl()  # a database of its own


@pytest.fixture
def worker_process(redis, w, tmp_path, media_root):  # noqa: F811
    marques = tmp_path / "marques"
    marques.mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cpro.settings.dev", "DATABASE_URL": _database_url(),
           "REDIS_URL": redis, "MEDIA_ROOT": str(media_root), "CPRO_TEST_MARQUES": str(marques),
           "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cpro", "worker", "--pool=prefork", "--concurrency=1",
             "--include=tests.documents.kind_tue", "-n", f"tue-{os.getpid()}@%h", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    # This process sends the tasks to the same Redis (the test settings run them eagerly otherwise).
    app = CeleryApp(f"cpro-tue-{os.getpid()}", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=redis, result_backend=redis, task_always_eager=False)
    previous = _state.default_app, getattr(_state._tls, "current_app", None)
    _state.default_app = _state._tls.current_app = app
    kinds.register(ESSAI_TUE)
    try:
        app.control.purge()  # what an earlier, interrupted run left in this Redis database
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():  # tasks sent before would still wait for it; clearer this way
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        yield process, log
    finally:
        kinds.KINDS.pop(ESSAI_TUE.code, None)
        _state.default_app, _state._tls.current_app = previous
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        connection.set_schema_to_public()


def wait_for(lot: Lot, process, log: Path, timeout: float = 120) -> Lot:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lot.refresh_from_db()
        if lot.fini:
            return lot
        assert process.poll() is None, "le worker s'est arrêté :\n" + log.read_text(errors="replace")[-3000:]
        time.sleep(0.3)
    raise AssertionError(f"Lot {lot.statut} ({lot.done}/{lot.total}) après {timeout} s :\n"
                         + log.read_text(errors="replace")[-3000:])


def test_a_render_killed_mid_way_is_redelivered_and_completes_once(worker_process, w):  # noqa: F811
    process, log = worker_process
    with tenant_context(w.etablissement):
        lot = services.lot_request(kind="essai_tue", classe=w.classe, actor=w.formateur)  # autocommit: sent now
        lot = wait_for(lot, process, log)
        assert lot.statut == Lot.Statut.TERMINE and (lot.done, lot.total, lot.echecs) == (2, 2, 0)
        documents = list(lot.documents.all())
        # each render was killed once, given back by the broker, then done: counted once in the lot
        assert [(d.statut, d.tentatives) for d in documents] == [(Document.Statut.TERMINE, 2)] * 2
        assert all(d.fichier and len(d.sha256) == 64 for d in documents)
        assert lot.zip and lot.pdf
    assert "WorkerLostError" in log.read_text(errors="replace")  # the pool process really died mid-task
