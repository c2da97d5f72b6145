"""Figures kept beside the queue so that pages and polled endpoints never count the whole queue:
open items per channel and state (kept by the actions, in their transaction), and each channel's
items per day of receipt (kept by a sweep)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .items import ItemStatus


class OpenItemCount(models.Model):
    """How many open items one channel has in one state: status, assignee, personal-data flag
    and answer escalation stage (0 in time, 1 warned: at risk, 2 deadline missed: overdue).

    Every action that opens, closes or moves an open item adds and subtracts here in its own
    transaction (`moderation.counts`); `repair_counts` recomputes the table from the items.
    """

    channel = models.ForeignKey(
        "accounts.Channel", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices)
    # The assignee's user id, 0 for nobody: a plain number so the key has no NULL in it.
    assignee_id = models.IntegerField(_("assigned to"), default=0)
    has_personal_data = models.BooleanField(_("contains personal data"), default=False)
    answer_stage = models.PositiveSmallIntegerField(_("answer escalation"), default=0)
    items = models.IntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("open item count")
        verbose_name_plural = _("open item counts")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "status", "assignee_id", "has_personal_data", "answer_stage"],
                name="open_item_count_key",
            )
        ]
        indexes = [models.Index(fields=["assignee_id"], name="open_item_count_assignee")]

    def __str__(self):
        return f"{self.channel_id} {self.status}: {self.items}"


class ChannelDay(models.Model):
    """One channel's items received on one day (the municipality's local date) and how their
    answers went, as the sweep last computed them: what the answer-times check, the centre
    manager's panel and the reports read instead of aggregating the items."""

    channel = models.ForeignKey(
        "accounts.Channel", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))
    received = models.IntegerField(_("received"), default=0)
    answered = models.IntegerField(_("answered"), default=0)
    on_time = models.IntegerField(_("answered in time"), default=0)
    missed = models.IntegerField(_("deadline missed"), default=0)
    # The earliest missed answer deadline of the day's items.
    first_missed = models.DateTimeField(_("first missed deadline"), null=True, blank=True)
    first_on_time = models.IntegerField(_("first response in time"), default=0)
    first_missed_count = models.IntegerField(_("first response missed"), default=0)
    # Minutes from receipt to the answer, and to the first response, as histograms over the
    # fixed bucket list of `moderation.histograms` (compressed counts; `histograms.decode` reads
    # them as integers that add up bucket by bucket); the reports' medians and percentiles are
    # read from their sums.
    answer_histogram = models.BinaryField(_("minutes to the answer"), default=b"", blank=True)
    first_histogram = models.BinaryField(
        _("minutes to the first response"), default=b"", blank=True
    )
    # Items received in each hour of the local day, midnight first (24 numbers).
    by_hour = models.JSONField(_("received per hour"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("channel day")
        verbose_name_plural = _("channel days")
        constraints = [
            models.UniqueConstraint(fields=["channel", "day"], name="channel_day_key"),
        ]
        indexes = [models.Index(fields=["day", "channel"], name="channel_day_by_day")]

    def __str__(self):
        return f"{self.channel_id} {self.day}"
