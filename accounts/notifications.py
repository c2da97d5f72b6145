"""E-mail for every step of the registry's workflows, in each recipient's language.

Mails are rendered inside the action (so they describe the state the action wrote) and sent once
the transaction commits, so a rolled-back step never tells anybody anything.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from governance.languages import languages_for
from governance.models import Role

logger = logging.getLogger(__name__)

SUBJECTS = {
    "request_submitted": _("New page requested: {name}"),
    "request_approved": _("Page request approved: {name}"),
    "request_rejected": _("Page request rejected: {name}"),
    "closing_requested": _("Closing requested: {name}"),
    "closing_approved": _("Closing approved: {name}"),
    "closing_rejected": _("Closing rejected: {name}"),
    "closing_notice_failed": _("Post the closing notice by hand: {name}"),
    "channel_closed": _("Page closed and archived: {name}"),
    "channel_dormant": _("Page without posts, consider closing it: {name}"),
    "channel_flagged": _("Page needs attention: {name}"),
    "review_overdue": _("Annual review overdue: {name}"),
}


def centre_managers(unit):
    """The managers of the centre `unit` belongs to (none for units outside a centre)."""
    if unit.centre_id is None:
        return []
    return list(
        get_user_model().objects.filter(
            memberships__unit_id=unit.centre_id,
            memberships__role=Role.CENTRE_MANAGER,
            is_active=True,
        )
    )


def communications_team():
    return list(
        get_user_model()
        .objects.filter(memberships__role=Role.COMMUNICATIONS, is_active=True)
        .distinct()
    )


def channel_people(channel):
    """Responsible person and deputy."""
    return [user for user in (channel.responsible, channel.deputy) if user is not None]


def notify(kind, channel, recipients, **context):
    """Tell `recipients` (users) about step `kind` on `channel`, once the transaction commits,
    each in their own language (their choice, else the municipality's)."""
    people = {user.email: user for user in recipients if user is not None and user.email}
    if not people:
        return 0
    languages = languages_for(people.values())
    rendered = {}
    for language in sorted(set(languages.values())):
        with translation.override(language):
            rendered[language] = (
                str(SUBJECTS[kind]).format(name=channel.label),
                render_to_string(
                    f"accounts/email/{kind}.txt",
                    {"channel": channel, "base_url": getattr(settings, "SITE_URL", ""), **context},
                ),
            )
    sender = settings.DEFAULT_FROM_EMAIL
    # One message per person: recipients never see each other's addresses.
    messages = [
        (*rendered[languages[people[address].pk]], sender, [address]) for address in sorted(people)
    ]
    addresses = list(people)

    def send():
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # A mail server outage must not undo or break a committed step.
            logger.exception("Could not send the %s notification for channel %s", kind, channel.pk)

    transaction.on_commit(send)
    return len(addresses)
