from .models import AuditEvent


def audit_record(*, actor, action: str, target: str = "", details: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(getattr(actor, "email", "") or actor or "système"),
        action=action,
        target=target,
        details=details or {},
    )
