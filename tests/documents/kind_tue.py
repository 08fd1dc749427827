"""Imported by the worker that test_worker_tue starts (celery --include): the kind "essai_tue" kills its own
process (SIGKILL, as the OOM killer would) the first time it renders a learner's document, in the middle of the
render; the second time it renders the base template."""

import os
import signal
from pathlib import Path

from django.db import connection
from django.utils import timezone

from documents import kinds


def essai_tue_context(apprenant, **options):
    marque = Path(os.environ.get("CPRO_TEST_MARQUES", "/nonexistent")) / f"{connection.schema_name}-{apprenant.pk}"
    if marque.parent.is_dir() and not marque.exists():
        marque.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return {"etablissement": connection.tenant, "edite_le": timezone.now(), "apprenant": apprenant}


ESSAI_TUE = kinds.Kind("essai_tue", "Essai (worker tué)", "documents/base.html", essai_tue_context)
kinds.register(ESSAI_TUE)
