"""The account's own posts and their figures (reach, reactions, comments, shares), collected
from the platforms, with the monthly rollups the goals read and the "good to share" mark the
ambassador programme sends on."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel
from accounts.models.channel import Platform

# The figures a post can have, in the order pages and the API show them (platforms.base).
FIGURE_NAMES = ("reach", "impressions", "reactions", "comments", "shares")
# The figures that count as people interacting with a post.
INTERACTION_NAMES = ("reactions", "comments", "shares")

# Which figures each platform gives for the account's own posts (the adapters' `post_figures`,
# repeated here so the pages do not import the adapters).
FIGURES_BY_PLATFORM = {
    Platform.FACEBOOK: frozenset({"reach", "reactions", "comments", "shares"}),
    Platform.INSTAGRAM: frozenset({"reach", "impressions", "reactions", "comments", "shares"}),
    Platform.LINKEDIN: frozenset({"reach", "impressions", "reactions", "comments", "shares"}),
    Platform.X: frozenset({"impressions", "reactions", "comments", "shares"}),
    Platform.YOUTUBE: frozenset({"impressions", "reactions", "comments"}),
}

EXCERPT_LENGTH = 500


class PostSource(models.TextChoices):
    PUBLISHED_HERE = "published_here", _("Published here")
    FOUND = "found", _("Found on the platform")


class _Figures(models.Model):
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)
    impressions = models.PositiveIntegerField(_("impressions"), null=True, blank=True)
    reactions = models.PositiveIntegerField(_("reactions"), null=True, blank=True)
    comments = models.PositiveIntegerField(_("comments"), null=True, blank=True)
    shares = models.PositiveIntegerField(_("shares"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def interactions(self):
        """Reactions, comments and shares together, of those the platform gives; None when it
        gives none of them."""
        given = [getattr(self, name) for name in INTERACTION_NAMES]
        given = [value for value in given if value is not None]
        return sum(given) if given else None

    @property
    def engagement_rate(self):
        """Interactions per person reached, in per cent; None without a reach."""
        interactions = self.interactions
        if not self.reach or interactions is None:
            return None
        return 100.0 * interactions / self.reach


class OwnPostQuerySet(models.QuerySet):
    def for_user(self, user):
        """Posts on the channels whose strategy the user works with."""
        from core.permissions import access_for
        from governance.models import Role

        access = access_for(user)
        if access.sees_everything:
            return self
        units = access.managed_unit_ids | access.unit_ids(Role.CHANNEL_EDITOR)
        if not units:
            return self.none()
        return self.filter(channel__owner_unit_id__in=units)


class OwnPost(_Figures):
    """One post the municipality published on a channel, here or on the platform itself."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="own_posts", verbose_name=_("channel")
    )
    external_id = models.CharField(_("platform id"), max_length=255)
    published_at = models.DateTimeField(_("published"))
    text = models.CharField(_("text (beginning)"), max_length=EXCERPT_LENGTH, blank=True)
    permalink = models.URLField(_("link"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=PostSource.choices)
    figures_fetched_at = models.DateTimeField(_("figures fetched"), null=True, blank=True)
    # When the collector reads this post's figures again (recent posts often, old ones rarely).
    next_fetch_at = models.DateTimeField(_("figures next fetched"), null=True, blank=True)
    good_to_share = models.BooleanField(_("good to share"), default=False)
    share_text = models.TextField(_("suggested text"), blank=True)
    marked_at = models.DateTimeField(_("marked good to share"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    # The composed post's channel row it came from, when it was published through the product.
    post_target = models.OneToOneField(
        "strategy.PostTarget",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_post",
        verbose_name=_("composed post"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = OwnPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("own post")
        verbose_name_plural = _("own posts")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="own_post_unique_per_channel"
            )
        ]
        indexes = [
            models.Index(fields=["channel", "-published_at"], name="own_post_channel_time"),
            models.Index(fields=["-published_at", "-id"], name="own_post_time"),
            models.Index(
                fields=["channel", "next_fetch_at"],
                name="own_post_refresh_due",
                condition=Q(next_fetch_at__isnull=False),
            ),
            models.Index(
                fields=["marked_at"], name="own_post_good_to_share", condition=Q(good_to_share=True)
            ),
        ]

    def __str__(self):
        return f"{self.channel} {self.external_id}"

    def given(self, name):
        """Whether the channel's platform gives figure `name` at all."""
        return name in FIGURES_BY_PLATFORM.get(self.channel.platform, frozenset())


class PostFigures(_Figures):
    """A post's figures as fetched on one day: the history behind its current figures."""

    post = models.ForeignKey(
        OwnPost, on_delete=models.CASCADE, related_name="history", verbose_name=_("post")
    )
    date = models.DateField(_("date"))
    fetched_at = models.DateTimeField(_("fetched"))

    class Meta:
        verbose_name = _("post figures")
        verbose_name_plural = _("post figures")
        ordering = ["post", "date"]
        constraints = [
            models.UniqueConstraint(fields=["post", "date"], name="post_figures_unique_day")
        ]

    def __str__(self):
        return f"{self.post} {self.date}"


class OwnPostMonth(models.Model):
    """A channel's own posts in one calendar month (the municipality's time), kept by the
    collector and `record_own_post`: the goals read these instead of counting posts."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="own_post_months", verbose_name=_("channel")
    )
    month = models.DateField(_("month"))
    posts = models.PositiveIntegerField(_("posts"), default=0)
    # Posts with at least one interaction figure, and those figures summed.
    posts_with_interactions = models.PositiveIntegerField(
        _("posts with interaction figures"), default=0
    )
    interactions = models.PositiveIntegerField(_("interactions"), default=0)
    # Posts with a reach, their reach summed, and their interactions summed.
    posts_with_reach = models.PositiveIntegerField(_("posts with a reach"), default=0)
    reach = models.PositiveBigIntegerField(_("reach"), default=0)
    reached_interactions = models.PositiveBigIntegerField(
        _("interactions on posts with a reach"), default=0
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("own posts of a month")
        verbose_name_plural = _("own posts of months")
        ordering = ["channel", "month"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "month"], name="own_post_month_unique")
        ]

    def __str__(self):
        return f"{self.channel} {self.month:%Y-%m}"


class CollectionStatus(models.TextChoices):
    OK = "ok", _("Collected")
    THROTTLED = "throttled", _("Waiting for the platform's rate limit")
    QUOTA = "quota", _("Waiting for the daily quota")
    FAILED = "failed", _("Failed, will be tried again")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")
    NOT_SUPPORTED = "not_supported", _("Not offered by the platform")


class FiguresCollection(models.Model):
    """Where collecting one channel's post figures stands: when it runs next and how the last
    run ended."""

    channel = models.OneToOneField(
        Channel,
        on_delete=models.CASCADE,
        related_name="figures_collection",
        verbose_name=_("channel"),
    )
    next_run_at = models.DateTimeField(_("next run"), db_index=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CollectionStatus.choices, blank=True
    )
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("post figures collection")
        verbose_name_plural = _("post figures collections")

    def __str__(self):
        return str(self.channel)
