"""Background work for the registry: the daily neglect sweep, the API version warnings and
the renewal of platform tokens before they expire."""

from celery import shared_task

from . import actions, api_versions, connect_actions

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


@shared_task(name="accounts.renew_tokens", ignore_result=True)
def renew_tokens():
    """Renew every channel's access token that expires within its platform's margin (X and
    YouTube within 15 minutes, LinkedIn within 7 days). A permanent refusal marks the channel
    "needs reconnect" and tells its people; a passing one is tried again next round."""
    return connect_actions.renew_due_tokens()


__all__ = [
    "subscribe_channel_webhooks",
    "renew_tokens",
    "sweep_neglect",
    "unsubscribe_channel_webhooks",
    "warn_api_versions",
]
