"""Tell people about queue items: an in-app notification per person, and an e-mail sent after
the transaction commits (recorded on the notification when it went out).

Each person reads the notice and the e-mail in their own language (`governance.languages`):
`message` is either translatable text or a function that writes it, called once per recipient
with that person's language active. The e-mail names the item, the question (masked) and the
deadlines, in the municipality's time zone."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy, ngettext

from governance.languages import language_for, languages_for
from governance.models import Membership, NotificationDelivery, PersonPreference, Role

from .models import ForwardingStatus, Notification, NotificationKind

logger = logging.getLogger(__name__)


def when(moment) -> str:
    """A moment as the reader's language writes it, in the municipality's time zone."""
    if moment is None:
        return "–"
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def notify(users, kind, message, *, item=None) -> list[Notification]:
    """Create one notification per distinct active user, in their language, and e-mail them on
    commit. `message`: translatable text, or a function returning it (called per recipient)."""
    seen = set()
    rows = []
    users = [user for user in users if user is not None and user.is_active]
    languages = languages_for(users) if users else {}
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        with translation.override(languages[user.pk]):
            text = str(message()) if isinstance(message, Callable) else str(message)
        rows.append(Notification(user=user, kind=kind, item=item, message=text))
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.pk is not None]
    if not ids:  # backends that return no ids from bulk_create
        ids = list(
            Notification.objects.filter(kind=kind, item=item, user__in=seen)
            .order_by("-id")
            .values_list("pk", flat=True)[: len(rows)]
        )
    transaction.on_commit(lambda: send_emails(ids))
    return created


def send_emails(notification_ids) -> int:
    """E-mail each not yet e-mailed notification to the people who want their notices by
    e-mail at once (the others read them in the product, or in the daily digest); one failure
    does not stop the others."""
    sent = 0
    for note in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("user", "user__preference", "item", "item__channel"):
        if not note.user.email or delivery_of(note.user) != NotificationDelivery.EMAIL_NOW:
            continue
        with translation.override(_preferred(note.user)):
            subject, body = compose_email(note)
        try:
            send_mail(
                subject=subject, message=body, from_email=None, recipient_list=[note.user.email]
            )
        except Exception:  # a mail server hiccup must not lose the in-app notification
            logger.exception("could not e-mail notification %s", note.pk)
            continue
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def delivery_of(user):
    """How a user loaded with `select_related("user__preference")` wants their notices."""
    try:
        return user.preference.notifications
    except ObjectDoesNotExist:
        return NotificationDelivery.EMAIL_NOW


def _preferred(user):
    """The language of a user loaded with `select_related("user__preference")`."""
    try:
        chosen = user.preference.language
    except ObjectDoesNotExist:
        chosen = ""
    return chosen or language_for(None)


def compose_email(note):
    """Subject and body of a notification's e-mail, in the active language: the notice, then
    the item (channel, author, the question masked), the deadlines and a link."""
    item = note.item
    subject = str(note.get_kind_display())
    context = {"note": note, "item": item, "forwarding": None, "time_zone": ""}
    if item is not None:
        subject = f"{subject}: {item.channel.label}"
        base = getattr(settings, "SITE_URL", "").rstrip("/")
        context.update(
            link=f"{base}{item.get_absolute_url()}",
            first_response_due=when(item.first_response_due) if item.first_response_due else "",
            answer_due=when(item.answer_due) if item.answer_due else "",
            time_zone=timezone.get_current_timezone_name(),
        )
        if note.kind in FORWARDING_KINDS:
            forwarding = (
                item.forwardings.filter(status=ForwardingStatus.OPEN)
                .select_related("to_unit", "forwarded_by")
                .order_by("-forwarded_at", "-id")
                .first()
            )
            if forwarding is not None:
                context.update(forwarding=forwarding, forwarding_due=when(forwarding.due_at))
    return subject, render_to_string("moderation/email/notification.txt", context).strip() + "\n"


FORWARDING_KINDS = {
    NotificationKind.FORWARDED,
    NotificationKind.FORWARD_REMINDER,
    NotificationKind.FORWARD_LATE,
}


def forwarding_experts(forwarding):
    """Who answers a forwarded question: the named expert, or else every department expert of
    the department it went to."""
    if forwarding.to_user_id is not None:
        return [forwarding.to_user]
    return [
        m.user
        for m in Membership.objects.filter(
            unit_id=forwarding.to_unit_id, role=Role.DEPARTMENT_EXPERT
        ).select_related("user")
    ]


def monitor_on_duty(channel):
    """The monitor on duty today for the channel's team (the rota `team_for` picks, in
    the municipality's time zone), or None when no rota covers it or nobody is present."""
    from zoneinfo import ZoneInfo

    from governance.models import OrgUnit

    from .models import DutyRota
    from .models.rota import team_for

    unit = channel.owner_unit
    municipality = unit.municipality
    rotas = {r.team_id: r for r in DutyRota.objects.filter(team__municipality=municipality)}
    if not rotas:
        return None
    units = {
        row["id"]: row
        for row in OrgUnit.objects.filter(municipality=municipality).values(
            "id", "parent_id", "kind"
        )
    }
    rota = team_for(unit.pk, units, rotas)
    if rota is None:
        return None
    return rota.on_duty(timezone.localdate(timezone.now(), ZoneInfo(municipality.time_zone)))


def breach_recipients(channel):
    """Who hears of a missed deadline: the channel's owner (responsible and deputy) and the
    centre manager for a decentral channel or the communications lead for a central one."""
    users = [channel.responsible, channel.deputy]
    unit = channel.owner_unit
    if channel.scope == "central" or unit.centre_id is None:
        leads = Membership.objects.filter(
            unit__municipality_id=unit.municipality_id, role=Role.COMMUNICATIONS, is_lead=True
        )
    else:
        leads = Membership.objects.filter(unit_id=unit.centre_id, role=Role.CENTRE_MANAGER)
    users.extend(m.user for m in leads.select_related("user"))
    return users


# -- the digests, daily or weekly

# The most notices one digest lists; the rest are counted and wait in the product.
DIGEST_LIMIT = 50
# The most new items on duty a digest lists (the rest are counted, up to a cap).
DIGEST_ITEMS = 20
DIGEST_COUNT_CAP = 500

# How a digest groups the notices: (title, kinds); the rest go under "Other notices".
DIGEST_GROUPS = (
    (gettext_lazy("Deadlines approaching"), (NotificationKind.SLA_WARNING,)),
    (gettext_lazy("Deadlines passed"), (NotificationKind.SLA_BREACH,)),
    (gettext_lazy("Crisis mode"), (NotificationKind.CRISIS,)),
)
DIGESTS = (NotificationDelivery.EMAIL_DIGEST, NotificationDelivery.EMAIL_WEEKLY)


def period_start(preference, today):
    """The first day of the digest period `today` falls in: the day itself for the daily
    digest, the chosen weekday on or before it for the weekly one."""
    if preference.notifications == NotificationDelivery.EMAIL_WEEKLY:
        return today - timedelta(days=(today.weekday() - preference.digest_weekday) % 7)
    return today


def send_digests(now=None) -> int:
    """Send each person who chose a digest one e-mail with their unread notices not yet
    e-mailed and the new items the rota gave them, grouped by kind, in their language: every
    day for the daily digest, on the chosen weekday for the weekly one. At most one digest per
    person and period: the period is claimed on the person's preference with a conditional
    update before sending, and given back when there is nothing to send or the mail server
    refuses. Returns the e-mails sent."""
    from zoneinfo import ZoneInfo

    from django.db.models import Q

    from governance.models import Municipality

    from .models import OPEN_STATUSES, QueueItem

    now = now or timezone.now()
    municipality = Municipality.objects.current()
    zone = ZoneInfo(municipality.time_zone) if municipality else timezone.get_default_timezone()
    today = timezone.localtime(now, zone).date()
    waiting = Notification.objects.unread().filter(emailed_at__isnull=True, created_at__lte=now)
    on_duty = QueueItem.objects.filter(
        status__in=OPEN_STATUSES, received_at__gt=now - timedelta(days=7), received_at__lte=now
    )
    preferences = (
        PersonPreference.objects.filter(
            Q(notifications=NotificationDelivery.EMAIL_DIGEST)
            | Q(
                notifications=NotificationDelivery.EMAIL_WEEKLY,
                digest_weekday=today.weekday(),
            ),
            Q(user__in=waiting.values("user_id")) | Q(user__in=on_duty.values("assigned_to_id")),
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    sent = 0
    for preference in preferences:
        if _send_digest(preference, waiting, on_duty, today, zone, now):
            sent += 1
    return sent


def _since(preference, today, zone, now):
    """From when new items on duty count: the last digest's day, or one period back."""
    from datetime import datetime, time

    days = 7 if preference.notifications == NotificationDelivery.EMAIL_WEEKLY else 1
    last = preference.digest_sent_on
    start = last if last is not None and last > today - timedelta(days=days) else None
    if start is None:
        return now - timedelta(days=days)
    return datetime.combine(start, time(0), tzinfo=zone)


def _send_digest(preference, waiting, on_duty, today, zone, now) -> bool:
    from django.db.models import Q

    start = period_start(preference, today)
    claimed = (
        PersonPreference.objects.filter(pk=preference.pk)
        .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=start))
        .update(digest_sent_on=today)
    )
    if not claimed:
        return False

    def give_back():
        PersonPreference.objects.filter(pk=preference.pk).update(
            digest_sent_on=preference.digest_sent_on
        )

    user = preference.user
    notes = list(
        waiting.filter(user=user)
        .select_related("item", "item__channel")
        .order_by("created_at", "id")[: DIGEST_LIMIT + 1]
    )
    shown, more = notes[:DIGEST_LIMIT], max(0, len(notes) - DIGEST_LIMIT)
    items = list(
        on_duty.filter(assigned_to=user, received_at__gt=_since(preference, today, zone, now))
        .select_related("channel")
        .order_by("received_at", "pk")[:DIGEST_COUNT_CAP]
    )
    if not shown and not items:
        give_back()
        return False
    language = preference.language or language_for(None)
    weekly = preference.notifications == NotificationDelivery.EMAIL_WEEKLY
    with translation.override(language), timezone.override(zone):
        subject, body = compose_digest(user, shown, more, today, items=items, weekly=weekly)
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
    except Exception:  # the notices stay waiting for the next digest
        logger.exception("could not e-mail the digest of user %s", user.pk)
        give_back()
        return False
    Notification.objects.filter(pk__in=[n.pk for n in shown]).update(emailed_at=timezone.now())
    return True


def compose_digest(user, notes, more, day, *, items=(), weekly=False):
    """Subject and body of a person's digest, in the active language: the new items on duty,
    then the notices grouped by kind (deadlines approaching, passed, crisis mode, others)."""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    count = len(notes) + more
    formatted = formats.date_format(day, "SHORT_DATE_FORMAT")
    if count:
        subject = (
            ngettext(
                "Your week's notices: %(count)d unread on %(day)s",
                "Your week's notices: %(count)d unread on %(day)s",
                count,
            )
            if weekly
            else ngettext(
                "Your notices: %(count)d unread on %(day)s",
                "Your notices: %(count)d unread on %(day)s",
                count,
            )
        ) % {"count": count, "day": formatted}
    else:
        subject = ngettext(
            "Your notices: %(count)d new item on duty on %(day)s",
            "Your notices: %(count)d new items on duty on %(day)s",
            len(items),
        ) % {"count": len(items), "day": formatted}
    rows = [
        {
            "note": note,
            "at": when(note.created_at),
            "link": f"{base}{note.item.get_absolute_url()}" if note.item else "",
        }
        for note in notes
    ]
    groups = []
    for title, kinds in DIGEST_GROUPS:
        chosen = [row for row in rows if row["note"].kind in kinds]
        if chosen:
            groups.append({"title": title, "rows": chosen})
    grouped = {kind for _title, kinds in DIGEST_GROUPS for kind in kinds}
    others = [row for row in rows if row["note"].kind not in grouped]
    if others:
        groups.append({"title": gettext_lazy("Other notices"), "rows": others})
    from .alert_payloads import excerpt

    context = {
        "count": count,
        "groups": groups,
        "items": [
            {
                "item": item,
                "at": when(item.received_at),
                "due": when(item.answer_due) if item.answer_due else "",
                "text": excerpt(item),
                "link": f"{base}{item.get_absolute_url()}",
            }
            for item in items[:DIGEST_ITEMS]
        ],
        "items_more": max(0, len(items) - DIGEST_ITEMS),
        "more": more,
        "all_link": f"{base}{reverse('moderation:notifications')}",
        "settings_link": f"{base}{reverse('me-notifications')}",
        "time_zone": timezone.get_current_timezone_name(),
    }
    return subject, render_to_string("moderation/email/digest.txt", context).strip() + "\n"
