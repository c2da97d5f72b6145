"""The weekly e-mail to ambassadors: the posts the communications team marked good to share in
the past week, with links and the suggested text, in each person's language.

Sent by the `ambassadors.send_weekly` beat task on Monday mornings. The `WeeklyMail` row of a
person and week is claimed with a conditional update before the e-mail goes out, so a second run
(or a second worker) never sends the same week twice. It carries our own posts only: nothing a
citizen wrote.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit import record
from governance.languages import languages_for
from strategy.figures import municipality_zone
from strategy.models import OwnPost

from .models import Membership, WeeklyMail

logger = logging.getLogger(__name__)

MAX_POSTS = 20


def week_of(moment, zone) -> date:
    """The Monday of the week `moment` falls in, in the municipality's time."""
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def shareable_posts(now):
    """The posts marked good to share in the seven days before `now`, newest first."""
    return list(
        OwnPost.objects.filter(good_to_share=True, marked_at__gt=now - timedelta(days=7))
        .select_related("channel")
        .order_by("-marked_at", "-id")[:MAX_POSTS]
    )


def compose(posts, week) -> tuple[str, str]:
    """Subject and body in the active language."""
    subject = _("Posts to share this week (%(week)s)") % {
        "week": week.strftime("%Y-W%V"),
    }
    body = render_to_string(
        "ambassadors/weekly_email.txt",
        {
            "posts": posts,
            "programme_url": settings.SITE_URL.rstrip("/") + reverse("ambassadors:programme"),
        },
    )
    return subject, body


def send_weekly(now=None) -> int:
    """Send this week's e-mail to every active ambassador with an e-mail address who has not
    had it; returns how many were sent. Nothing is sent in a week without posts to share."""
    now = now or timezone.now()
    zone = municipality_zone()
    week = week_of(now, zone)
    posts = shareable_posts(now)
    if not posts:
        return 0
    members = list(
        Membership.objects.filter(active=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    languages = languages_for([member.user for member in members])
    sent = 0
    for member in members:
        user = member.user
        try:
            with transaction.atomic():
                row, _created = WeeklyMail.objects.get_or_create(user=user, week=week)
        except IntegrityError:
            continue  # another worker created it meanwhile
        claimed = WeeklyMail.objects.filter(pk=row.pk, sent_at__isnull=True).update(
            sent_at=now, posts=len(posts)
        )
        if not claimed:
            continue
        with translation.override(languages.get(user.pk)), timezone.override(zone):
            subject, body = compose(posts, week)
        try:
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
        except Exception:  # a mail server hiccup: release the claim so the next run tries again
            logger.exception("could not send the weekly ambassador e-mail to user %s", user.pk)
            WeeklyMail.objects.filter(pk=row.pk).update(sent_at=None)
            continue
        sent += 1
    if sent:
        record("ambassadors.weekly_sent", week=week.isoformat(), people=sent, posts=len(posts))
    return sent
