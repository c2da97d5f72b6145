"""Alerts in the team's chat (Microsoft Teams, Slack): the one home of "tell the team's channel".

The places that notify people call `alert(...)` next to `notify()`: the intake for new items
given to the monitor on duty, the escalation sweep for warnings and breaches, the crisis actions
for crisis mode on and off. `alert` picks the enabled destinations that chose the event and
queues one Celery task per destination after the commit, with ids only; nothing here can fail
or slow the action that triggered it.

Which destinations hear of an item: those of the unit owning the item's channel, of every unit
above it (the department's centre), and of the communications team, which oversees every
channel. Crisis mode goes to every destination that chose it.

The task writes the message in the destination's language, with times in the municipality's
time zone and the item's text masked, posts it (`alert_payloads` gives the documented shapes),
and reads the answer: 2xx is delivered (Slack answers 200 "ok", a Teams Workflow 202
Accepted); 429 is tried again after its Retry-After; 5xx, timeouts and connection errors are
tried again with backoff; 404, 410, 401/403 and an unusable URL switch the destination off and
tell its unit's lead in the product; another 4xx fails that message only.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import requests
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import audit

from .alert_payloads import Entry, Message, encode, excerpt, payload
from .models import OPEN_STATUSES, AlertEvent, AlertHook, DeliveryStatus, QueueItem

logger = logging.getLogger(__name__)

TEST = "test"
# The most items one message lists; the rest are counted ("and 4 more").
MESSAGE_ITEMS = 10
TIMEOUT_SECONDS = 10
MAX_RETRIES = 5
# The longest wait a Retry-After is honoured for; a longer one is capped (and retried then).
MAX_RETRY_AFTER = 3600
PERMANENT_STATUSES = frozenset({401, 403, 404, 410})


# -- choosing the destinations and queueing


def _units_above(unit_id, units):
    node = units.get(unit_id)
    while node is not None:
        yield node["id"]
        node = units.get(node["parent_id"])


def _hooks_by_unit(municipality_id, event):
    """Enabled destinations of the municipality that chose `event`, by unit (one query)."""
    hooks = AlertHook.objects.filter(enabled=True, unit__municipality_id=municipality_id).only(
        "id", "unit_id", "events"
    )
    found = {}
    for hook in hooks:
        if event in hook.events:
            found.setdefault(hook.unit_id, []).append(hook.pk)
    return found


def _units(municipality_id):
    from governance.models import OrgUnit

    return {
        row["id"]: row
        for row in OrgUnit.objects.filter(municipality_id=municipality_id).values(
            "id", "parent_id", "kind"
        )
    }


def destinations_for_items(municipality_id, event, items) -> dict[int, list[int]]:
    """hook id -> ids of the items it hears of (in the items' order). Two queries when the
    municipality has destinations for the event, one when it has none."""
    hooks = _hooks_by_unit(municipality_id, event)
    if not hooks:
        return {}
    units = _units(municipality_id)
    central = [uid for uid, row in units.items() if row["kind"] == "communications"]
    found: dict[int, list[int]] = {}
    for item in items:
        reached = set(_units_above(item.channel.owner_unit_id, units)) | set(central)
        for unit_id in reached:
            for hook_id in hooks.get(unit_id, ()):
                found.setdefault(hook_id, []).append(item.pk)
    return found


def alert(event, *, items=(), municipality=None, **context):
    """Queue `event` for every destination that hears of it, after the commit.

    `items`: queue items with their channel (`channel.owner_unit`) loaded, all of one
    municipality; `context`: JSON values the message needs (`prefix` of a deadline, `period`
    and `on` of a crisis). Crisis mode names the municipality instead of items."""
    try:
        if event == AlertEvent.CRISIS:
            targets = {
                hook_id: []
                for ids in _hooks_by_unit(municipality.pk, event).values()
                for hook_id in ids
            }
        else:
            items = list(items)
            if not items:
                return 0
            municipality_id = items[0].channel.owner_unit.municipality_id
            targets = destinations_for_items(municipality_id, event, items)
    except Exception:  # an alert must never break the action that triggered it
        logger.exception("could not choose the alert destinations for %s", event)
        return 0
    for hook_id, item_ids in targets.items():
        _queue(hook_id, str(event), item_ids, context)
    return len(targets)


def _queue(hook_id, event, item_ids, context):
    def send():
        try:
            deliver_alert.delay(hook_id, event, item_ids, context)
        except Exception:  # a broker hiccup loses this alert, never the action
            logger.exception("could not queue the alert for destination %s", hook_id)

    transaction.on_commit(send)


# -- writing the message


def _site(path):
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _entry(item, prefix=None):
    facts = [
        (_("Channel"), item.channel.name),
        (_("Platform"), item.channel.get_platform_display()),
    ]
    if prefix in (None, "first_response") and item.first_response_due:
        facts.append((_("First response by"), _when(item.first_response_due)))
    if prefix in (None, "answer") and item.answer_due:
        facts.append((_("Answer by"), _when(item.answer_due)))
    return Entry(
        facts=facts,
        excerpt=excerpt(item),
        link=_site(item.get_absolute_url()),
        link_label=_("Open the item"),
    )


def _more(count):
    return ngettext(
        "And %(count)d more item in the queue.", "And %(count)d more items in the queue.", count
    ) % {"count": count}


def compose(hook, event, item_ids, context) -> Message | None:
    """The message for `hook`, in the active language and time zone; None when nothing is
    left to say (the items were finished or removed meanwhile)."""
    unit = hook.unit
    footnote = _("Times are in %(zone)s.") % {"zone": timezone.get_current_timezone_name()}
    queue = _site(reverse("moderation:queue"))
    if event == TEST:
        return Message(
            title=_("Test message from the social media queue"),
            summary=_("Alerts for %(unit)s will arrive here: %(events)s.")
            % {"unit": unit.name, "events": ", ".join(str(e) for e in hook.get_events_display())},
            link=queue,
            link_label=_("Open the queue"),
        )
    if event == AlertEvent.CRISIS:
        if context.get("on"):
            return Message(
                title=_("Crisis mode is on"),
                summary=_(
                    "Everyone on the team monitors the queue; answer times are tighter. %(why)s"
                )
                % {"why": context.get("reason", "")},
                link=_site(reverse("moderation:crisis")),
                link_label=_("Open crisis mode"),
            )
        return Message(
            title=_("Crisis mode is off"),
            summary=_("The normal answer times apply again."),
            link=queue,
            link_label=_("Open the queue"),
        )
    rows = list(
        QueueItem.objects.filter(pk__in=item_ids[: MESSAGE_ITEMS + 50], status__in=OPEN_STATUSES)
        .select_related("channel")
        .order_by("received_at", "pk")
    )
    if not rows:
        return None
    shown = rows[:MESSAGE_ITEMS]
    more = len(item_ids) - len(shown) if len(item_ids) > len(shown) else 0
    prefix = context.get("prefix")
    what = _("first response") if prefix == "first_response" else _("answer")
    count = len(shown) + more
    if event == AlertEvent.NEW_ITEM:
        title = ngettext("%(count)d new item on duty", "%(count)d new items on duty", count) % {
            "count": count
        }
        summary = _("New items came in for %(unit)s and went to the monitor on duty.") % {
            "unit": unit.name
        }
    elif event == AlertEvent.SLA_WARNING:
        title = _("Deadline approaching")
        summary = _("The %(what)s deadline is near.") % {"what": what}
    else:
        title = _("Deadline passed")
        summary = _("The %(what)s deadline has passed.") % {"what": what}
    single = len(shown) == 1 and not more
    return Message(
        title=title,
        summary=summary,
        entries=[_entry(item, prefix) for item in shown],
        more=more,
        more_text=_more(more) if more else "",
        footnote=footnote,
        link="" if single else queue,
        link_label="" if single else _("Open the queue"),
    )


def render(hook, event, item_ids, context) -> dict | None:
    """The JSON body for `hook`, or None when there is nothing to send."""
    from governance.models import Municipality

    municipality = Municipality.objects.filter(pk=hook.unit.municipality_id).first()
    zone = ZoneInfo(municipality.time_zone) if municipality else timezone.get_default_timezone()
    with translation.override(hook.language), timezone.override(zone):
        message = compose(hook, event, item_ids, context)
        if message is None:
            return None
        return payload(hook.kind, message, more_text=_more)


# -- delivering


@dataclass
class Outcome:
    """What the receiver's answer means: delivered, retry (after `wait` seconds when the
    receiver said), failed (this message only) or permanent (the destination is gone)."""

    result: str
    detail: str = ""
    wait: float | None = None


def retry_after(value) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - timezone.now()).total_seconds())


def classify(response) -> Outcome:
    status = response.status_code
    body = (response.text or "").strip()[:200]
    detail = f"HTTP {status}" + (f": {body}" if body else "")
    if 200 <= status < 300:
        return Outcome("delivered", detail)
    if status == 429:
        return Outcome("retry", detail, retry_after(response.headers.get("Retry-After")))
    if status >= 500:
        return Outcome("retry", detail)
    if status in PERMANENT_STATUSES:
        return Outcome("permanent", detail)
    return Outcome("failed", detail)


def post(url, body: dict) -> Outcome:
    try:
        response = requests.post(
            url,
            data=encode(body),
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as error:
        return Outcome("permanent", str(error)[:200])
    except requests.exceptions.InvalidSchema as error:
        return Outcome("permanent", str(error)[:200])
    except requests.exceptions.Timeout:
        return Outcome("retry", _("No answer within %(seconds)d seconds.") % {"seconds": 10})
    except requests.exceptions.RequestException as error:
        return Outcome("retry", str(error)[:200])
    return classify(response)


def backoff(attempt: int) -> float:
    """Seconds before retry `attempt` (1, 2, …): 10, 30, 90, 270, 810, with jitter."""
    return 10 * 3 ** (attempt - 1) * random.uniform(0.8, 1.2)  # noqa: S311


def deliver(hook_id, event, item_ids, context, *, attempt=0, last_attempt=True) -> Outcome:
    """One attempt to post `event` to the destination; stores the outcome on it. A retry is
    only recorded as such while `last_attempt` is False."""
    from accounts.crypto import TokenDecryptionError, decrypt_token

    hook = AlertHook.objects.select_related("unit").filter(pk=hook_id).first()
    if hook is None or (not hook.enabled and event != TEST):
        return Outcome("skipped")
    try:
        url = decrypt_token(hook.url_encrypted)
    except TokenDecryptionError:
        outcome = Outcome("permanent", _("The stored URL cannot be read with the current key."))
        record_delivery(hook, outcome, final=True)
        return outcome
    body = render(hook, event, item_ids, context)
    if body is None:
        return Outcome("skipped")
    outcome = post(url, body)
    record_delivery(hook, outcome, final=last_attempt or outcome.result != "retry")
    return outcome


@shared_task(name="moderation.deliver_alert", bind=True, ignore_result=True, max_retries=None)
def deliver_alert(self, hook_id, event, item_ids, context):
    """Post one alert; transient failures are tried again (429 after its Retry-After, others
    with backoff), up to MAX_RETRIES times."""
    attempt = self.request.retries
    outcome = deliver(
        hook_id, event, item_ids, context, attempt=attempt, last_attempt=attempt >= MAX_RETRIES
    )
    if outcome.result == "retry" and attempt < MAX_RETRIES:
        wait = outcome.wait if outcome.wait is not None else backoff(attempt + 1)
        raise self.retry(countdown=min(max(wait, 1.0), MAX_RETRY_AFTER))
    return outcome.result


# -- the outcome on the destination


def record_delivery(hook, outcome, *, final=True):
    """Store one delivery's outcome on the destination (the system acts). A permanent error
    switches it off, audited, and tells the unit's lead; the other outcomes only update the
    status shown on the settings page."""
    now = timezone.now()
    status = {
        "delivered": DeliveryStatus.DELIVERED,
        "retry": DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING,
        "failed": DeliveryStatus.FAILED,
        "permanent": DeliveryStatus.DISABLED,
    }[outcome.result]
    error = "" if status == DeliveryStatus.DELIVERED else outcome.detail[:500]
    if status != DeliveryStatus.DISABLED:
        AlertHook.objects.filter(pk=hook.pk).update(
            last_status=status, last_status_at=now, last_error=error
        )
        return
    with transaction.atomic():
        hook = AlertHook.objects.select_for_update().select_related("unit").get(pk=hook.pk)
        was_enabled = hook.enabled
        before = audit.snapshot(hook, "enabled", "last_status")
        hook.enabled = False
        hook.last_status, hook.last_status_at, hook.last_error = status, now, error
        hook.save(update_fields=["enabled", "last_status", "last_status_at", "last_error"])
        if not was_enabled:
            return
        audit.record(
            "alert_hook.disable",
            obj=hook,
            before=before,
            after=audit.snapshot(hook, "enabled", "last_status"),
            note=error,
        )
        _tell_lead(hook, error)


def unit_leads(unit):
    """Who looks after a unit's alerts: the centre manager of its centre, or the
    communications lead for the communications team and units outside every centre (and
    when a centre has no manager)."""
    from governance.models import Membership, Role

    leads = []
    if unit.centre_id is not None:
        leads = [
            m.user
            for m in Membership.objects.filter(
                unit_id=unit.centre_id, role=Role.CENTRE_MANAGER
            ).select_related("user")
        ]
    if not leads:
        leads = [
            m.user
            for m in Membership.objects.filter(
                unit__municipality_id=unit.municipality_id,
                role=Role.COMMUNICATIONS,
                is_lead=True,
            ).select_related("user")
        ]
    return leads


def _tell_lead(hook, error):
    from .models import NotificationKind
    from .notify import notify

    notify(
        unit_leads(hook.unit),
        NotificationKind.ALERT_HOOK_OFF,
        message=lambda: (
            _(
                "Alerts to “%(name)s” (%(unit)s) are switched off: the receiver answered "
                "%(error)s. Paste a new URL in the alert settings and switch it on again."
            )
            % {"name": hook.name, "unit": hook.unit.name, "error": error}
        ),
    )
