"""Tell a channel's people that its connection needs them: the token stopped working."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _language(channel):
    municipality = channel.owner_unit.municipality
    return getattr(municipality, "default_language", "") or settings.LANGUAGE_CODE


def _connect_url(channel):
    try:
        path = reverse("accounts:channel-connect", args=[channel.pk])
    except NoReverseMatch:
        path = channel.get_absolute_url()
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


NOTIFICATION_KIND = "channel_reconnect"  # NotificationKind.CHANNEL_RECONNECT


def _in_app(people, message):
    from ..models import Notification

    rows = [
        Notification(
            user=person,
            kind=NOTIFICATION_KIND,
            message=message,
            emailed_at=timezone.now() if person.email else None,
        )
        for person in people
        if person.is_active
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def send_reconnect_notice(channel):
    """E-mail the channel's responsible person and deputy (and leave them an in-app
    notification); returns how many were e-mailed. A mail outage is logged, never raised: the
    channel's state is already saved."""
    people = [person for person in (channel.responsible, channel.deputy) if person is not None]
    addresses = sorted({person.email for person in people if person.email})
    if not addresses:
        logger.warning("nobody to tell that channel %s needs reconnecting", channel.pk)
        return 0
    with translation.override(_language(channel)):
        subject = _("Reconnect {name} on {platform}").format(
            name=channel.name, platform=channel.get_platform_display()
        )
        body = _(
            "The connection to {name} on {platform} stopped working: the platform no longer "
            "accepts its access token. New comments are not fetched until the channel is "
            "connected again.\n\nConnect it again here: {url}\n"
        ).format(
            name=channel.name, platform=channel.get_platform_display(), url=_connect_url(channel)
        )
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
    _in_app(people, subject)
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:
        logger.exception("could not send the reconnect notice for channel %s", channel.pk)
        return 0
    return len(addresses)
