"""Write the audit trail. Call inside the action's transaction, so the row and the change it
describes commit together or not at all."""

from .models import AuditEntry


def person(user):
    """The signed-in person behind an action, or None for the system or an anonymous caller."""
    return user if user is not None and user.is_authenticated else None


def record(
    action, *, actor=None, item=None, channel=None, reason="", note="", policy_version=None, **data
):
    return AuditEntry.objects.create(
        action=action,
        actor=person(actor),
        item=item,
        channel=channel if channel is not None else getattr(item, "channel", None),
        reason=reason,
        note=note,
        policy_version=policy_version,
        data=data,
    )
