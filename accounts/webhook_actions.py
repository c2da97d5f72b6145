"""Switching a channel's webhooks on and off, and disconnecting a channel.

Meta sends a Page's webhooks only once the app is subscribed on the Page
(`POST /{page-id}/subscribed_apps`, see `platforms/subscriptions.py` for what the documentation
says). Connecting a Facebook or Instagram channel queues the subscription after the commit, so
a platform failure never touches the saved connection; closing a channel queues the
unsubscription; disconnecting unsubscribes while the token still exists, then removes it.

Each change of the stored state is one transaction with its audit row. The platform calls are
made outside any transaction. The Celery tasks live here, beside the actions that queue them
(`accounts/tasks.py` names them for the worker), and take connection ids.
"""

from __future__ import annotations

import logging
import random

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import audit
from platforms.errors import (
    NeedsReconnectError,
    PlatformError,
    ThrottledError,
    TransientError,
)
from platforms.graph import is_permission_error

from . import health
from .models import (
    ChannelConnection,
    Platform,
    WebhookProblem,
    WebhookStatus,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)

WEBHOOK_PLATFORMS = frozenset({Platform.FACEBOOK.value, Platform.INSTAGRAM.value})
# A platform that cannot be reached is tried again this many times, backing off.
TASK_RETRIES = 4


class WebhookActionError(Exception):
    """The step is not possible; the message says why, for the user."""

    conflict = True


def uses_webhooks(channel) -> bool:
    """Whether the channel's platform pushes changes by webhook."""
    return channel.platform in WEBHOOK_PLATFORMS


def subscription_of(connection) -> WebhookSubscription | None:
    """The connection's subscription row when loaded or stored, else None (no query when the
    caller used select_related)."""
    if connection is None:
        return None
    return getattr(connection, "webhook_subscription", None)


# --- connect, close: the hooks the registry's actions call ---------------------------------


def after_connect(connection: ChannelConnection) -> None:
    """Inside `connect_channel`'s transaction: mark the subscription as being switched on and
    queue it for after the commit. Channels whose comments are not fetched are left alone."""
    if not uses_webhooks(connection.channel) or not connection.polling_enabled:
        return
    WebhookSubscription.objects.update_or_create(
        connection=connection,
        defaults={"status": WebhookStatus.PENDING, "problem": "", "detail": ""},
    )
    connection_id = connection.pk
    transaction.on_commit(lambda: subscribe_channel_webhooks.delay(connection_id))


def after_close(channel) -> None:
    """Inside `close_channel`'s transaction: queue the unsubscription for after the commit."""
    connection = ChannelConnection.objects.filter(channel=channel).first()
    if connection is None or not _switched_on(connection):
        return
    connection_id = connection.pk
    transaction.on_commit(lambda: unsubscribe_channel_webhooks.delay(connection_id))


def _switched_on(connection) -> bool:
    if not uses_webhooks(connection.channel):
        return False
    subscription = WebhookSubscription.objects.filter(connection=connection).first()
    return subscription is not None and subscription.status != WebhookStatus.OFF


# --- subscribing ---------------------------------------------------------------------------


def problem_of(error: PlatformError) -> str:
    if isinstance(error, NeedsReconnectError):
        return WebhookProblem.PERMISSION if is_permission_error(error) else WebhookProblem.TOKEN
    if isinstance(error, ThrottledError):
        return WebhookProblem.THROTTLED
    if isinstance(error, TransientError):
        return WebhookProblem.UNAVAILABLE
    return WebhookProblem.REFUSED


def _connected(channel) -> ChannelConnection:
    connection = (
        ChannelConnection.objects.select_related("channel__owner_unit")
        .filter(channel=channel)
        .first()
    )
    if connection is None or not connection.token_encrypted:
        raise WebhookActionError(_("Connect the channel before switching its webhooks on or off."))
    if not uses_webhooks(connection.channel):
        raise WebhookActionError(_("Only Facebook and Instagram channels receive webhooks."))
    return connection


def subscribe_webhooks(channel, *, acting_user, adapter_factory=None, will_retry=False):
    """Subscribe the app on the channel's Page and store what the platform answered: the fields
    subscribed, those left out for a missing messaging permission, or why it failed. With
    `will_retry`, a platform that cannot be reached leaves the subscription pending (the task
    tries again) instead of failed. Returns the subscription row."""
    from moderation.polling.connections import adapter_for

    connection = _connected(channel)
    result, error = None, None
    try:
        with (adapter_factory or adapter_for)(connection) as adapter:
            result = adapter.subscribe_webhooks(app_id=getattr(settings, "FACEBOOK_APP_ID", ""))
    except PlatformError as exc:
        error = exc
    now = timezone.now()
    with transaction.atomic():
        subscription, _created = WebhookSubscription.objects.select_for_update().get_or_create(
            connection=connection
        )
        before = audit.snapshot(subscription, "status", "fields", "missing_fields", "problem")
        subscription.attempted_at = now
        if result is not None:
            _store_success(subscription, result, now)
            action = "channel.webhooks_subscribed"
        elif will_retry and isinstance(error, TransientError):
            subscription.status = WebhookStatus.PENDING
            subscription.problem = WebhookProblem.UNAVAILABLE
            subscription.detail = error.message[:2000]
            subscription.save()
            return subscription
        else:
            subscription.status = WebhookStatus.FAILED
            subscription.problem = problem_of(error)
            subscription.detail = error.message[:2000]
            action = "channel.webhooks_failed"
        subscription.save()
        newly = False
        if result is not None:
            health.mark_healthy(connection, now=now, acting_user=acting_user)
        elif subscription.problem == WebhookProblem.TOKEN:
            newly = health.mark_needs_reconnect(
                connection, error=error, source=health.WEBHOOKS, now=now, acting_user=acting_user
            )
        audit.record(
            action,
            actor=acting_user,
            obj=subscription,
            channel=connection.channel,
            before=before,
            after=audit.snapshot(subscription, "status", "fields", "missing_fields", "problem"),
            detail=subscription.detail[:500],
        )
    if newly:
        health.tell_people(connection.channel)
    return subscription


def _store_success(subscription, result, now) -> None:
    if subscription.status != WebhookStatus.ACTIVE or list(result.fields) != subscription.fields:
        subscription.subscribed_at = now
    subscription.status = WebhookStatus.ACTIVE
    subscription.fields = list(result.fields)
    subscription.delivered_fields = list(result.delivered)
    subscription.missing_fields = list(result.missing)
    subscription.problem = WebhookProblem.MESSAGING_PERMISSION if result.missing else ""
    subscription.detail = result.missing_reason[:2000]


# --- unsubscribing and disconnecting -------------------------------------------------------


def _unsubscribe_on_platform(connection, adapter_factory=None) -> PlatformError | None:
    """DELETE the app's subscription on the Page; the error when it failed, else None."""
    from moderation.polling.connections import adapter_for

    try:
        with (adapter_factory or adapter_for)(connection) as adapter:
            adapter.unsubscribe_webhooks()
    except PlatformError as exc:
        return exc
    return None


def _store_unsubscribed(connection, error, now) -> tuple[dict, dict]:
    subscription, _created = WebhookSubscription.objects.select_for_update().get_or_create(
        connection=connection
    )
    before = audit.snapshot(subscription, "status", "fields", "problem")
    subscription.attempted_at = now
    subscription.status = WebhookStatus.OFF
    subscription.fields = []
    subscription.delivered_fields = []
    subscription.missing_fields = []
    subscription.subscribed_at = None
    subscription.problem = problem_of(error) if error is not None else ""
    subscription.detail = error.message[:2000] if error is not None else ""
    subscription.save()
    return before, audit.snapshot(subscription, "status", "fields", "problem")


def unsubscribe_webhooks(connection_id, *, acting_user=None, adapter_factory=None, again=False):
    """Remove the app from a closed channel's Page and record it. Returns the platform's error
    when the removal failed, else None. `again` repeats a removal that failed (the stored state
    already says not subscribed)."""
    connection = ChannelConnection.objects.select_related("channel").get(pk=connection_id)
    if not connection.token_encrypted or not uses_webhooks(connection.channel):
        return None
    if not again and not _switched_on(connection):
        return None
    error = _unsubscribe_on_platform(connection, adapter_factory)
    with transaction.atomic():
        before, after = _store_unsubscribed(connection, error, timezone.now())
        audit.record(
            "channel.webhooks_unsubscribed"
            if error is None
            else "channel.webhooks_unsubscribe_failed",
            actor=acting_user,
            obj=connection.webhook_subscription,
            channel=connection.channel,
            before=before,
            after=after,
            detail=error.message[:500] if error is not None else "",
        )
    return error


def disconnect_channel(channel, *, acting_user, adapter_factory=None):
    """Stop monitoring a channel: unsubscribe its webhooks while the token still exists, then
    remove the stored token and switch polling off. A failed unsubscription does not stop the
    disconnection; it is returned (and audited) so the person can remove the app on the Page.
    Returns `(connection, error or None)`."""
    connection = ChannelConnection.objects.select_related("channel").filter(channel=channel).first()
    if connection is None or not connection.token_encrypted:
        raise WebhookActionError(_("The channel is not connected."))
    error = None
    if _switched_on(connection):
        error = _unsubscribe_on_platform(connection, adapter_factory)
    now = timezone.now()
    with transaction.atomic():
        connection = ChannelConnection.objects.select_for_update().get(pk=connection.pk)
        fields = ("token_status", "polling_enabled")
        before = audit.snapshot(connection, *fields)
        connection.set_token("")
        connection.polling_enabled = False
        connection.next_poll_at = None
        connection.paused_until = None
        connection.save(
            update_fields=[
                "token_encrypted",
                "token_status",
                "polling_enabled",
                "next_poll_at",
                "paused_until",
            ]
        )
        if uses_webhooks(channel):
            _store_unsubscribed(connection, error, now)
        audit.record(
            "channel.disconnected",
            actor=acting_user,
            obj=connection,
            channel=connection.channel,
            before=before,
            after=audit.snapshot(connection, *fields),
            unsubscribed=error is None,
            detail=error.message[:500] if error is not None else "",
        )
    return connection, error


# --- deliveries ----------------------------------------------------------------------------


def record_deliveries(platform: str, account_ids, at) -> None:
    """Note when a webhook delivery last arrived for these accounts (one query)."""
    if account_ids:
        WebhookSubscription.objects.filter(
            connection__channel__platform=platform, connection__account_id__in=list(account_ids)
        ).update(last_delivery_at=at)


# --- tasks ---------------------------------------------------------------------------------


def retry_countdown(attempt: int) -> float:
    """Seconds before attempt `attempt` (1, 2, …): 10, 30, 90, 270, with jitter."""
    return 10 * 3 ** (attempt - 1) * random.uniform(0.8, 1.2)  # noqa: S311


@shared_task(
    name="accounts.subscribe_channel_webhooks",
    bind=True,
    ignore_result=True,
    max_retries=TASK_RETRIES,
)
def subscribe_channel_webhooks(self, connection_id):
    """Switch a newly connected channel's webhooks on; a platform that cannot be reached is
    tried again with backoff, then the failure is stored and shown."""
    connection = (
        ChannelConnection.objects.select_related("channel").filter(pk=connection_id).first()
    )
    if (
        connection is None
        or not connection.token_encrypted
        or not uses_webhooks(connection.channel)
    ):
        return "nothing to do"
    will_retry = self.request.retries < TASK_RETRIES
    subscription = subscribe_webhooks(connection.channel, acting_user=None, will_retry=will_retry)
    if subscription.status == WebhookStatus.PENDING and will_retry:
        raise self.retry(countdown=retry_countdown(self.request.retries + 1))
    return subscription.status


@shared_task(
    name="accounts.unsubscribe_channel_webhooks",
    bind=True,
    ignore_result=True,
    max_retries=TASK_RETRIES,
)
def unsubscribe_channel_webhooks(self, connection_id):
    """Remove the app from a closed channel's Page; retried while the platform is unreachable."""
    if not ChannelConnection.objects.filter(pk=connection_id).exists():
        return "nothing to do"
    error = unsubscribe_webhooks(connection_id, again=self.request.retries > 0)
    if isinstance(error, TransientError) and self.request.retries < TASK_RETRIES:
        raise self.retry(countdown=retry_countdown(self.request.retries + 1))
    return "failed" if error else "unsubscribed"
