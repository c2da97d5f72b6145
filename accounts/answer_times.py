"""The "answer times met" check of the compliance overview (C8).

A page in use fails it when, of the items it received in the last `CHANNEL_ANSWER_WINDOW_DAYS`
days, less than `CHANNEL_ANSWER_TARGET_PERCENT` % were answered by their answer deadline. Items
answered late and open items already past their deadline count as missed; open items not yet due,
items without a deadline and items closed or removed without an answer are not judged. The rule
is the one the strategy reports use (`strategy.metrics._compliance_counts`).

It is read from the channel days the moderation sweep keeps (`moderation.rollups`, recomputed
every few minutes), over the last `CHANNEL_ANSWER_WINDOW_DAYS` local days: one grouped query for
all the channels of a page, whatever their number and however many items they received. The
policy model sets no share to reach, so the target is an installation setting.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from .models import ChannelFlag, FlagKind

DEFAULT_WINDOW_DAYS = 30
DEFAULT_TARGET_PERCENT = 90


def window_days():
    return getattr(settings, "CHANNEL_ANSWER_WINDOW_DAYS", DEFAULT_WINDOW_DAYS)


def target_percent():
    return getattr(settings, "CHANNEL_ANSWER_TARGET_PERCENT", DEFAULT_TARGET_PERCENT)


@dataclass(frozen=True)
class AnswerTimes:
    """One channel's answers over the window, against the target."""

    on_time: int
    missed: int
    first_missed: datetime | None
    target_percent: int
    window_days: int

    @property
    def judged(self):
        return self.on_time + self.missed

    @property
    def share_percent(self):
        """The share answered in time, in per cent (one decimal), or None with nothing judged."""
        return round(100.0 * self.on_time / self.judged, 1) if self.judged else None

    @property
    def met(self):
        """True or False; None while no item in the window has been judged."""
        if not self.judged:
            return None
        # In whole numbers: 9 of 10 meets 90 %, 8 of 9 (88.9 %) does not.
        return 100 * self.on_time >= self.target_percent * self.judged

    def as_flag(self, channel):
        """The failed check as an (unsaved) flag, missing since the first missed deadline."""
        return ChannelFlag(channel=channel, kind=FlagKind.ANSWER_TIMES, since=self.first_missed)


def attach_answer_times(channels, *, now=None):
    """Set `answer_times` on each of `channels` (a list): an AnswerTimes for pages in use,
    None for the others (requested, closing, closed pages are not judged). One query, on the
    channel days the sweep keeps (`moderation.rollups`), not on the items."""
    from django.db.models import Min, Sum

    from moderation.models import ChannelDay
    from moderation.rollups import window_start

    from .actions import SWEPT_STATUSES

    days, target = window_days(), target_percent()
    judged = [channel for channel in channels if channel.status in SWEPT_STATUSES]
    counts = {}
    if judged:
        rows = (
            ChannelDay.objects.filter(
                channel_id__in=[channel.pk for channel in judged],
                day__gte=window_start(days, now=now),
            )
            .values("channel_id")
            .annotate(
                on_time=Sum("on_time"), missed=Sum("missed"), first_missed=Min("first_missed")
            )
            .order_by()
        )
        counts = {row.pop("channel_id"): row for row in rows if row["on_time"] or row["missed"]}
    for channel in channels:
        channel.answer_times = None
    for channel in judged:
        row = counts.get(channel.pk, {"on_time": 0, "missed": 0, "first_missed": None})
        channel.answer_times = AnswerTimes(
            on_time=row["on_time"],
            missed=row["missed"],
            first_missed=row["first_missed"],
            target_percent=target,
            window_days=days,
        )
    return channels


def failing(channel):
    """Whether `channel` (after `attach_answer_times`) fails the check."""
    answer_times = getattr(channel, "answer_times", None)
    return answer_times is not None and answer_times.met is False
