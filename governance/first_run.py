"""The first run's checklist: what a new installation still needs before it serves citizens.

The dashboard shows it to the communications lead and the system administrator until every step
is done; `manage.py setup_municipality` prints it. Every step is read in one query.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.permissions import access_for

from .models import Municipality, PolicySection, PolicyStatus, PolicyVersion


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    hint: str
    done: bool
    url: str


# (key, label, what to do, the pages where it is done: the first that exists is linked).
STEPS = (
    (
        "municipality",
        _("Municipality set"),
        _("Name, country and time zone of the municipality."),
        ("settings:municipality",),
    ),
    (
        "policy",
        _("Policy adopted"),
        _("Adopt the social-media policy with its answer times and removal reasons."),
        ("governance:policy-list",),
    ),
    (
        "channel",
        _("First channel connected"),
        _("Connect a channel to its platform account, so its comments come in."),
        ("accounts:channel-list",),
    ),
    (
        "rota",
        _("On-duty rota set"),
        _("Put people on the on-duty rota, so new items have a monitor."),
        ("settings:rota", "moderation:rota"),
    ),
    (
        "guidelines",
        _("Guidelines published"),
        _("Write the guidelines' sections in the policy and adopt the version."),
        ("governance:policy-list",),
    ),
)


def _url(names):
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _state():
    """{step key: done}, in one query."""
    from accounts.models import ChannelConnection
    from moderation.models import RotaMember

    municipality = OuterRef("pk")
    adopted = {
        "policy__municipality": municipality,
        "policy__governs_social_media": True,
        "status": PolicyStatus.ADOPTED,
    }
    row = (
        Municipality.objects.annotate(
            policy=Exists(PolicyVersion.objects.filter(**adopted)),
            guidelines=Exists(
                PolicySection.objects.filter(
                    **{f"version__{key}": value for key, value in adopted.items()}
                )
            ),
            channel=Exists(
                ChannelConnection.objects.filter(
                    channel__owner_unit__municipality=municipality
                ).exclude(token_encrypted="")
            ),
            rota=Exists(RotaMember.objects.filter(rota__team__municipality=municipality)),
        )
        .order_by("pk")
        .values("name", "country", "time_zone", "policy", "guidelines", "channel", "rota")
        .first()
    )
    if row is None:
        return dict.fromkeys(("municipality", "policy", "channel", "rota", "guidelines"), False)
    row["municipality"] = bool(row["name"] and row["country"] and row["time_zone"])
    return row


def checklist() -> list[Step]:
    done = _state()
    return [
        Step(key=key, label=label, hint=hint, done=bool(done[key]), url=_url(pages))
        for key, label, hint, pages in STEPS
    ]


def shown_to(user) -> bool:
    """The checklist is for the people who set the product up."""
    access = access_for(user)
    return access.is_superuser or access.is_comms_lead
