"""Background work for the registry: the daily neglect sweep."""

from celery import shared_task

from . import actions

# The webhook subscription tasks live with the actions that queue them; the worker finds them
# through this module.
from .webhook_actions import subscribe_channel_webhooks, unsubscribe_channel_webhooks


@shared_task(name="accounts.sweep_neglect", ignore_result=True)
def sweep_neglect():
    """Flag dormant and incomplete channels, reactivate pages that post again. Idempotent:
    open flags are kept, not duplicated, and each channel is swept in its own transaction."""
    result = actions.sweep_neglect()
    return {
        "checked": result.checked,
        "flags_raised": result.flags_raised,
        "flags_resolved": result.flags_resolved,
        "marked_dormant": len(result.marked_dormant),
        "reactivated": len(result.reactivated),
    }


__all__ = ["subscribe_channel_webhooks", "sweep_neglect", "unsubscribe_channel_webhooks"]
