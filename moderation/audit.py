"""Write the audit trail. Call inside the action's transaction, so the row and the change it
describes commit together or not at all."""

from .models import AuditEntry


def record(
    action, *, actor=None, item=None, channel=None, reason="", note="", policy_version=None, **data
):
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        item=item,
        channel=channel if channel is not None else getattr(item, "channel", None),
        reason=reason,
        note=note,
        policy_version=policy_version,
        data=data,
    )
