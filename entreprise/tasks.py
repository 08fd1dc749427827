"""Celery tasks of the company side: thin wrappers around services."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, tenant_context

from .services_digest import digest_tuteurs_send

logger = logging.getLogger(__name__)


def etablissements_a_notifier():
    """Every establishment but the public schema and the template that new ones are cloned from."""
    from tenants.models import Etablissement

    return (Etablissement.objects.exclude(schema_name__in=[get_public_schema_name(), settings.TENANT_BASE_SCHEMA])
            .order_by("schema_name"))


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def digest_tuteurs(day: str | None = None) -> int:
    """The tutors' digest of the establishment that sent the task (tenant-schemas-celery switches to it)."""
    return digest_tuteurs_send(day=datetime.date.fromisoformat(day) if day else None)


@shared_task
def digest_tuteurs_tous() -> int:
    """The daily beat entry (public schema): one `digest_tuteurs` per establishment, each sent from inside
    that establishment so that the worker runs it there. Returns the number of establishments."""
    day = timezone.localdate().isoformat()
    n = 0
    for etablissement in etablissements_a_notifier():
        try:
            with tenant_context(etablissement):
                digest_tuteurs.delay(day)
        except Exception:  # eager mode runs it here: one establishment's failure must not stop the others
            logger.exception("Courriel quotidien des tuteurs en échec pour %s", etablissement.schema_name)
        n += 1
    return n
