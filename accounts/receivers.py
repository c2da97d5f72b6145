"""The registry follows what other apps report about its channels."""

from django.dispatch import receiver

from moderation.outbox import finished

from . import actions


@receiver(finished, dispatch_uid="accounts-closing-notice-outcome")
def closing_notice_outcome(sender, message, status, result_external_id="", **kwargs):
    """A closing notice's outbox message ended: the closing request shows how."""
    actions.record_notice_outcome(
        message.idempotency_key,
        channel_id=message.channel_id,
        outcome=status,
        platform_id=result_external_id,
    )
