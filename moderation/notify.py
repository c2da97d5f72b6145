"""Tell people about queue items: an in-app notification per person, and an e-mail sent after
the transaction commits (recorded on the notification when it went out)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from governance.models import Membership, Role

from .models import Notification

logger = logging.getLogger(__name__)


def notify(users, kind, message, *, item=None) -> list[Notification]:
    """Create one notification per distinct active user and e-mail them on commit."""
    seen = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, kind=kind, item=item, message=str(message)))
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
    """E-mail each not yet e-mailed notification; one failure does not stop the others."""
    sent = 0
    for note in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("user", "item"):
        if not note.user.email:
            continue
        link = ""
        if note.item_id is not None:
            base = getattr(settings, "SITE_URL", "").rstrip("/")
            link = f"\n\n{base}{note.item.get_absolute_url()}"
        try:
            send_mail(
                subject=note.get_kind_display(),
                message=f"{note.message}{link}",
                from_email=None,
                recipient_list=[note.user.email],
            )
        except Exception:  # a mail server hiccup must not lose the in-app notification
            logger.exception("could not e-mail notification %s", note.pk)
            continue
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


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
