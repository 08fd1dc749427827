"""A real Celery worker (in a thread of the test process) runs each task in the schema that sent it."""

import os
import socket
from urllib.parse import urlparse

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django_tenants.utils import tenant_context
from tenant_schemas_celery.app import CeleryApp

import tenants.tasks  # noqa: F401  registers the shared task on every app

from .conftest import ensure_etablissement


def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=0.5).close()
    except OSError:
        return None
    return url


BROKERS = {"memory": lambda: ("memory://", "cache+memory://"), "redis": lambda: (_redis_url(),) * 2}


@pytest.fixture(params=list(BROKERS))
def worker_app(request, transactional_db):
    broker, backend = BROKERS[request.param]()
    if broker is None:
        pytest.skip("Redis ne répond pas : le test avec le broker Redis est sauté (le broker mémoire est testé).")
    app = CeleryApp(f"cpro-test-{request.param}", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=broker, result_backend=backend, task_always_eager=False)
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        yield app
    connection.set_schema_to_public()


def test_a_task_runs_in_the_schema_of_the_establishment_that_sent_it(worker_app):
    alpha, beta = ensure_etablissement("alpha"), ensure_etablissement("beta")
    probe = worker_app.tasks["tenants.tasks.schema_probe"]
    with tenant_context(alpha):
        from_alpha = probe.delay()
    with tenant_context(beta):
        from_beta = probe.delay()
    seen_alpha, seen_beta = from_alpha.get(timeout=20), from_beta.get(timeout=20)
    assert seen_alpha["schema"] == "alpha" and seen_alpha["etablissement"] == "CFA Alpha"
    assert seen_alpha["search_path"].startswith("alpha")
    assert seen_beta["schema"] == "beta" and seen_beta["search_path"].startswith("beta")


def test_a_task_sent_outside_any_establishment_runs_in_public(worker_app):
    connection.set_schema_to_public()
    assert worker_app.tasks["tenants.tasks.schema_probe"].delay().get(timeout=20)["schema"] == "public"
