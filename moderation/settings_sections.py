"""The moderation app's sections of the settings overview: the inbox rules and labels."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.permissions import can
from governance.settings_sections import Section


def sections(request):
    if not can(request.user, "moderation.view_rules"):
        return []
    from governance.models import Municipality

    from .models import InboxRule

    municipality = Municipality.objects.current()
    enabled = (
        InboxRule.objects.live().filter(municipality=municipality, enabled=True).count()
        if municipality
        else 0
    )
    return [
        Section(
            title=_("Inbox rules"),
            url=reverse("settings:rules"),
            description=_(
                "Label, assign, route, prioritise, close or hide new items by their content, "
                "with a dry run over the last 30 days. Labels for the queue and the reports."
            ),
            facts=[
                ngettext("%(count)d rule enabled", "%(count)d rules enabled", enabled)
                % {"count": enabled}
            ],
            order=38,
        )
    ]
