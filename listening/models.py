"""Listening streams (hashtags, keywords or mentions followed on one platform through one of our
channels' connections), the public posts they found, and what listening spent of paid or
limited platform budgets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.permissions import access_for


class StreamKind(models.TextChoices):
    SEARCH = "search", _("Hashtags and keywords")
    MENTIONS = "mentions", _("Posts that tag our account")


class StreamState(models.TextChoices):
    """Why a stream is not read right now, shown on the page ("" while all is well)."""

    OK = "", _("Reading")
    THROTTLED = "throttled", _("Paused by the platform's rate limit")
    BUDGET = "budget", _("Stopped: the budget is spent")
    RECONNECT = "reconnect", _("The channel's token must be renewed")
    FAILED = "failed", _("The last read failed; it is tried again")
    REFUSED = "refused", _("Refused by a platform limit")


class StreamQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if access_for(user).sees_everything else self.none()


class ListeningStream(models.Model):
    name = models.CharField(_("name"), max_length=200)
    channel = models.ForeignKey(
        "accounts.Channel",
        on_delete=models.PROTECT,
        related_name="listening_streams",
        verbose_name=_("channel whose connection is used"),
    )
    kind = models.CharField(
        _("what to follow"), max_length=20, choices=StreamKind.choices, default=StreamKind.SEARCH
    )
    query = models.CharField(_("hashtags and keywords"), max_length=500, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Where reading stands: the platform's watermark (since_id, a time, hashtag ids).
    cursor = models.JSONField(_("cursor"), default=dict, blank=True, editable=False)
    last_read_at = models.DateTimeField(_("last read"), null=True, blank=True)
    next_read_at = models.DateTimeField(_("next read"), null=True, blank=True, db_index=True)
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=StreamState.choices, default="", blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)

    objects = StreamQuerySet.as_manager()

    class Meta:
        verbose_name = _("listening stream")
        verbose_name_plural = _("listening streams")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def platform(self):
        return self.channel.platform


class HitQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if access_for(user).sees_everything else self.none()


class ListeningHit(models.Model):
    """A public post a stream found. Only the masked text is kept: personal ID numbers never
    reach the database (`moderation.personal_data`)."""

    stream = models.ForeignKey(
        ListeningStream, on_delete=models.CASCADE, related_name="hits", verbose_name=_("stream")
    )
    platform = models.CharField(_("platform"), max_length=20)
    external_id = models.CharField(_("platform id"), max_length=255)
    author_name = models.CharField(_("author"), max_length=255, blank=True)
    author_external_id = models.CharField(_("author's platform id"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    published_at = models.DateTimeField(_("published"))
    found_at = models.DateTimeField(_("found"))
    likes = models.PositiveBigIntegerField(_("likes"), default=0)
    comments = models.PositiveBigIntegerField(_("comments"), default=0)
    shares = models.PositiveBigIntegerField(_("shares"), default=0)
    views = models.PositiveBigIntegerField(_("views"), default=0)
    # Likes, comments and shares together: what "most engaged" sorts by.
    engagement = models.PositiveBigIntegerField(_("engagement"), default=0)
    promoted_item = models.ForeignKey(
        "moderation.QueueItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("queue item"),
    )

    objects = HitQuerySet.as_manager()

    class Meta:
        verbose_name = _("listening hit")
        verbose_name_plural = _("listening hits")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "external_id"], name="listening_hit_unique_per_stream"
            )
        ]
        indexes = [
            models.Index(fields=["stream", "published_at"], name="listening_hit_stream_time"),
            models.Index(fields=["stream", "engagement"], name="listening_hit_stream_eng"),
            models.Index(fields=["published_at"], name="listening_hit_time"),
        ]

    def __str__(self):
        return f"{self.platform} {self.external_id}"


class HashtagSearch(models.Model):
    """An Instagram hashtag searched for a channel's account (`ig_hashtag_search`): Instagram
    allows 30 unique hashtags per account in a rolling 7 days, counted from the first search;
    searching the same hashtag again in that time neither counts nor restarts its clock."""

    channel = models.ForeignKey(
        "accounts.Channel", on_delete=models.CASCADE, related_name="+", verbose_name=_("channel")
    )
    hashtag = models.CharField(_("hashtag"), max_length=100)
    hashtag_id = models.CharField(_("hashtag id"), max_length=64, blank=True)
    searched_at = models.DateTimeField(_("first searched"))

    class Meta:
        verbose_name = _("Instagram hashtag search")
        verbose_name_plural = _("Instagram hashtag searches")
        constraints = [
            models.UniqueConstraint(fields=["channel", "hashtag"], name="hashtag_search_unique")
        ]

    def __str__(self):
        return f"#{self.hashtag}"


class ListeningSpend(models.Model):
    """What listening read on a platform billed per use, per calendar month (UTC): X bills each
    post a search returns. The cost is the estimate in force when the posts were read."""

    platform = models.CharField(_("platform"), max_length=20)
    month = models.DateField(_("month"))
    posts_read = models.PositiveIntegerField(_("posts read"), default=0)
    calls = models.PositiveIntegerField(_("calls"), default=0)
    cost_usd = models.DecimalField(_("estimated cost (USD)"), max_digits=12, decimal_places=4)

    class Meta:
        verbose_name = _("listening spend")
        verbose_name_plural = _("listening spend")
        constraints = [
            models.UniqueConstraint(fields=["platform", "month"], name="listening_spend_unique")
        ]

    def __str__(self):
        return f"{self.platform} {self.month:%Y-%m}"
