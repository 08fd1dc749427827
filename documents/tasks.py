"""Celery tasks of the documents engine: thin wrappers around documents.services.

Late acks and reject_on_worker_lost: a worker killed mid-render leaves its message on the broker, which gives it
to another worker; the services make that second run harmless (a document ends once, a lot finishes once).
tenant-schemas-celery runs each task in the establishment that sent it."""

import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django_tenants.utils import get_public_schema_name, tenant_context

from . import services
from .models import Document

logger = logging.getLogger(__name__)

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}
MAX_RETRIES = 3
STUCK_AFTER = datetime.timedelta(minutes=15)  # far longer than the longest livret takes to render


@shared_task(**RELIABLE, autoretry_for=services.TRANSIENT, retry_backoff=True, retry_backoff_max=60,
             max_retries=MAX_RETRIES)
def render_lot(lot_id: int) -> int:
    """Fan out one render_document per document still waiting; returns how many were sent. A redelivered
    render_lot sends the waiting ones again: a document rendered twice still ends once."""
    pending = services.lot_start(lot_id=lot_id)
    for document_id in pending:
        render_document.delay(document_id)
    if not pending:
        services.lot_finish(lot_id=lot_id)  # redelivered after its last document: make sure it is finished
    return len(pending)


@shared_task(bind=True, **RELIABLE, autoretry_for=services.TRANSIENT, retry_backoff=True, retry_backoff_max=60,
             max_retries=MAX_RETRIES)
def render_document(self, document_id: int) -> bool:
    document = Document.objects.select_related("apprenant").filter(pk=document_id).first()
    if document is None:
        return False
    # Eagerly (no broker, tasks run in the request), Celery's retry would raise through the page: retry here.
    attempts = self.max_retries + 1 if self.request.is_eager else 1
    for attempt in range(attempts):
        try:
            return services.document_render(document=document)
        except services.TRANSIENT:
            last = attempt + 1 == attempts if self.request.is_eager else self.request.retries >= self.max_retries
            if last:  # out of tries: say so rather than stay « en cours »
                logger.exception("Rendu du document %s abandonné après %s essais", document_id, self.max_retries + 1)
                return services.document_fail(document=document, message=services.ECHEC_REPETE)
            if not self.request.is_eager:
                raise  # autoretry_for sends it again, with an exponential backoff
        except SoftTimeLimitExceeded:
            return services.document_fail(document=document, message="Le document était trop long à établir.")
    return False


@shared_task(**RELIABLE, autoretry_for=services.TRANSIENT, retry_backoff=True, max_retries=MAX_RETRIES)
def finish_lot(lot_id: int) -> str:
    return services.lot_finish(lot_id=lot_id).statut


@shared_task(**RELIABLE, autoretry_for=services.TRANSIENT, retry_backoff=True, max_retries=MAX_RETRIES)
def lots_stuck_fail(minutes: int | None = None) -> int:
    """The stuck-lot sweep of the establishment that sent it."""
    older_than = datetime.timedelta(minutes=minutes) if minutes else STUCK_AFTER
    return services.lots_stuck_fail(older_than=older_than)


@shared_task
def lots_stuck_fail_tous() -> int:
    """The beat entry (public schema): the sweep in every establishment, run here (a few cheap queries each)."""
    from tenants.models import Etablissement

    n = 0
    schemas = Etablissement.objects.exclude(schema_name__in=[get_public_schema_name(), settings.TENANT_BASE_SCHEMA])
    for etablissement in schemas.order_by("schema_name"):
        try:
            with tenant_context(etablissement):
                n += services.lots_stuck_fail(older_than=STUCK_AFTER)
        except Exception:  # one establishment's failure must not stop the others
            logger.exception("Balayage des lots bloqués en échec pour %s", etablissement.schema_name)
    return n
