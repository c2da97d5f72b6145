"""A channel's compliance: its open flags, the ones the daily sweep stores plus the answer-times
check computed live (see `answer_times`), and the compliance overview built from them. The one
place the two kinds of flag are joined: the channel list, a channel's page, the compliance page
and the channels API read them through `live_flags` here."""

from django.db.models import Count, Min, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from .actions import SWEPT_STATUSES
from .answer_times import attach_answer_times, failing
from .models import Channel, ChannelFlag, FlagKind


def live_flags(channel):
    """The flags computed live for `channel` (after `attach_answer_times`), to add to its stored
    open flags: the answer-times flag when the channel fails that check, else none."""
    return [channel.answer_times.as_flag(channel)] if failing(channel) else []


SORTS = {
    "name": ("name", "id"),
    "centre": ("owner_unit__centre__name", "name", "id"),
    "missing": ("-missing", "name", "id"),
    "oldest": ("oldest", "name", "id"),
}


LIVE_SORTS = {
    "missing": lambda channel: (-channel.missing, channel.name, channel.pk),
    # Pages missing nothing last.
    "oldest": lambda channel: (
        channel.oldest is None,
        channel.oldest or channel.created_at,
        channel.name,
        channel.pk,
    ),
}


def compliance_channels(user, *, kind="", sort="missing"):
    """The channels in `user`'s scope the sweep judges, each with `open_flags` (stored and live,
    oldest first), `missing` (how many) and `oldest` (since when); only those missing `kind`
    when one is given; sorted by `sort` (a key of SORTS)."""
    open_flags = Q(flags__resolved_at__isnull=True)
    channels = (
        Channel.objects.for_user(user)
        .filter(status__in=SWEPT_STATUSES)
        .select_related("owner_unit", "owner_unit__centre", "responsible")
        .annotate(
            missing=Count("flags", filter=open_flags),
            oldest=Min("flags__since", filter=open_flags),
        )
        .prefetch_related(
            Prefetch(
                "flags", queryset=ChannelFlag.objects.open().order_by("since"), to_attr="open_flags"
            )
        )
    )
    if kind in FlagKind.values and kind != FlagKind.ANSWER_TIMES:
        channels = channels.filter(flags__kind=kind, flags__resolved_at__isnull=True)
    channels = attach_answer_times(list(channels.order_by(*SORTS[sort])))
    for channel in channels:
        for flag in live_flags(channel):
            channel.open_flags = sorted([*channel.open_flags, flag], key=lambda f: f.since)
            channel.missing += 1
            channel.oldest = min(filter(None, [channel.oldest, flag.since]))
    if kind == FlagKind.ANSWER_TIMES:
        channels = [channel for channel in channels if failing(channel)]
    if sort in LIVE_SORTS:
        # The live check changes counts and dates the database sorted by.
        channels.sort(key=LIVE_SORTS[sort])
    return channels


def centre_totals(channels):
    """Per centre (None: the central administration): channels, flagged channels, missing
    items and missing items per flag kind; most missing first."""
    centres = {}
    for channel in channels:
        centre = channel.owner_unit.centre
        row = centres.setdefault(
            centre.pk if centre else None,
            {
                "name": centre.name if centre else _("Central"),
                "channels": 0,
                "flagged": 0,
                "missing": 0,
                "by_kind": dict.fromkeys(FlagKind.values, 0),
            },
        )
        row["channels"] += 1
        row["flagged"] += 1 if channel.missing else 0
        row["missing"] += channel.missing
        for flag in channel.open_flags:
            row["by_kind"][flag.kind] += 1
    return sorted(centres.values(), key=lambda row: (-row["missing"], str(row["name"])))
