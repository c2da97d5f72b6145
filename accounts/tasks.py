"""Background work for the registry: the daily neglect sweep."""

from celery import shared_task

from . import actions


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
