"""Celery tasks of school life: the writes of a large import, out of the web request."""

from celery import shared_task
from django.core.exceptions import ValidationError


@shared_task
def import_apply_task(import_id: int, actor_id: int | None, skip_rejected: bool) -> str:
    """Runs in the establishment's schema (tenant-schemas-celery). A refusal puts the preview back, with why."""
    from accounts.models import User

    from .models import ImportFichier
    from .services_import import import_apply, import_failed

    fichier = ImportFichier.objects.get(pk=import_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        fichier = import_apply(import_fichier=fichier, actor=actor, skip_rejected=skip_rejected)
    except ValidationError as error:
        import_failed(import_fichier=fichier, message=" ".join(error.messages))
        return "refusé"
    return fichier.statut
