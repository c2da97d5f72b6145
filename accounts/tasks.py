"""Background work for the registry: the daily neglect sweep and the API version warnings."""

from celery import shared_task

from . import actions, api_versions

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


@shared_task(name="accounts.warn_api_versions", ignore_result=True)
def warn_api_versions():
    """E-mail the communications team when a configured platform API version enters its warning
    window or ends; each version and stage is sent once however often this runs."""
    return {"sent": api_versions.send_version_warnings()}


__all__ = [
    "subscribe_channel_webhooks",
    "sweep_neglect",
    "unsubscribe_channel_webhooks",
    "warn_api_versions",
]
