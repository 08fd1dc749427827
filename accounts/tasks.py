from celery import shared_task

from .services import invitation_send


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int, base_url: str) -> None:
    invitation_send(invitation_id=invitation_id, base_url=base_url)
