"""The registry of the municipality's official social-media accounts ("channels").

Besides the channel record itself: who holds admin access on the platform, the requests for new
pages and for closing them, and the open compliance flags the neglect sweep maintains. Every step
in a channel's life is an `audit.AuditEntry` row (actions "channel.*").
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import access_for
from governance.models import OrgUnit

from .decisions import Decided


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    YOUTUBE = "youtube", "YouTube"
    OTHER = "other", _("Other")


class ChannelScope(models.TextChoices):
    CENTRAL = "central", _("Central")
    DECENTRAL = "decentral", _("Decentral")


class ChannelStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")


def channel_label(name, platform, handle=""):
    """How a channel is named wherever it is picked or listed: its name, platform and handle
    ("Fjordby Kommune · Facebook · @fjordbykommune"), so the municipality's pages of one name
    on five platforms can be told apart. A missing handle is left out. Pure, for the rows a
    query returns as values as much as for model instances (`Channel.label`)."""
    parts = [name, str(Platform(platform).label) if platform in Platform.values else platform]
    handle = (handle or "").strip()
    if handle:
        parts.append(handle if handle.startswith("@") else f"@{handle}")
    return " · ".join(part for part in parts if part)


class ChannelQuerySet(models.QuerySet):
    def for_user(self, user):
        """The channels `user` may see in the registry."""
        access = access_for(user)
        if access.sees_everything:
            return self
        if not access.is_member:
            return self.none()
        own_units = access.unit_ids() | access.managed_unit_ids
        return self.filter(
            models.Q(owner_unit_id__in=own_units)
            | models.Q(responsible_id=access.user_id)
            | models.Q(deputy_id=access.user_id)
        )


class Channel(models.Model):
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=200)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    url = models.URLField(_("URL"), blank=True)
    external_id = models.CharField(_("platform id"), max_length=200, blank=True)
    scope = models.CharField(
        _("central or decentral"),
        max_length=10,
        choices=ChannelScope.choices,
        default=ChannelScope.DECENTRAL,
    )
    owner_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="channels",
        verbose_name=_("owning unit"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="channels_responsible",
        verbose_name=_("responsible person"),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="channels_deputy",
        verbose_name=_("deputy"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ChannelStatus.choices, default=ChannelStatus.REQUESTED
    )
    purpose = models.TextField(_("purpose"), blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    # Sender branding (C4): the municipality named as sender and the running department shown.
    branding_verified_at = models.DateTimeField(
        _("sender branding verified"), null=True, blank=True
    )
    branding_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branding verified by"),
    )
    last_review_at = models.DateTimeField(_("last annual review"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["platform", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"],
                condition=~models.Q(external_id=""),
                name="channel_unique_platform_id",
            )
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("accounts:channel-detail", args=[self.pk])

    @property
    def label(self):
        """The channel's name, platform and handle (see `channel_label`); the stored name is
        unchanged."""
        return channel_label(self.name, self.platform, self.handle)

    @property
    def centre_id(self):
        return self.owner_unit.centre_id

    @property
    def is_public(self):
        """Whether the channel belongs in the public register of official accounts."""
        return self.status == ChannelStatus.ACTIVE


class PlatformRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    MODERATOR = "moderator", _("Moderator")


class ChannelAdmin(models.Model):
    """A person who holds admin access to the page on the platform. Never a password (C3)."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="admins", verbose_name=_("channel")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="channel_admin_access",
        verbose_name=_("person"),
    )
    platform_role = models.CharField(
        _("role on the platform"),
        max_length=20,
        choices=PlatformRole.choices,
        default=PlatformRole.ADMIN,
    )
    added_on = models.DateField(_("added on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("channel admin")
        verbose_name_plural = _("channel admins")
        ordering = ["channel", "added_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "user"], name="channel_admin_unique_user")
        ]

    def __str__(self):
        return f"{self.user} @ {self.channel}"


class ChannelRequestQuerySet(models.QuerySet):
    def for_user(self, user):
        """Requests the user may see: their own, their centre's, all for the team."""
        access = access_for(user)
        if access.sees_everything:
            return self
        if not access.is_member:
            return self.none()
        return self.filter(
            models.Q(requester_id=access.user_id)
            | models.Q(department_id__in=access.managed_unit_ids)
        )


class ChannelRequest(Decided):
    """A staff member's request for a new decentral page, and the centre manager's decision
    (the decision's fields are `Decided`'s)."""

    channel = models.OneToOneField(
        Channel, on_delete=models.PROTECT, related_name="request", verbose_name=_("channel")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="channel_requests",
        verbose_name=_("requested by"),
    )
    department = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="channel_requests",
        verbose_name=_("department"),
    )
    message = models.TextField(_("message"), help_text=_("What the page will tell its readers."))
    created_at = models.DateTimeField(_("requested"), default=timezone.now)

    objects = ChannelRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel request")
        verbose_name_plural = _("channel requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requester")),
                name="channel_request_not_own_decision",
            )
        ]

    def __str__(self):
        return str(self.channel)

    def get_absolute_url(self):
        return reverse("accounts:request-detail", args=[self.pk])


class NoticeStatus(models.TextChoices):
    NONE = "", _("No notice yet")
    PENDING = "pending", _("Waiting to be posted")
    QUEUED = "queued", _("Queued for posting")
    SENT = "sent", _("Posted on the page")
    FAILED = "failed", _("Could not be posted: post it by hand")
    # The platform's API cannot publish a text post (Instagram, YouTube).
    MANUAL = "manual", _("To be posted by hand")


class ChannelClosingRequest(Decided):
    """A request to close a page, the manager's decision (the fields are `Decided`'s), and the
    closing notice's state."""

    requester_field = "requested_by"

    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        related_name="closing_requests",
        verbose_name=_("channel"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reason = models.TextField(_("reason"))
    notice_text = models.TextField(
        _("closing notice"), help_text=_("Posted on the page before it closes.")
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    notice_status = models.CharField(
        _("closing notice"), max_length=20, choices=NoticeStatus.choices, blank=True
    )

    class Meta:
        verbose_name = _("closing request")
        verbose_name_plural = _("closing requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel"],
                condition=models.Q(decision="pending"),
                name="closing_request_one_pending_per_channel",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="closing_request_not_own_decision",
            ),
        ]

    def __str__(self):
        return str(self.channel)


class FlagKind(models.TextChoices):
    DORMANT = "dormant", _("No own post for too long")
    NO_RESPONSIBLE = "no_responsible", _("No responsible person")
    NO_DEPUTY = "no_deputy", _("No deputy")
    SINGLE_ADMIN = "single_admin", _("Fewer than two admins")
    NOT_APPROVED = "not_approved", _("No recorded approval")
    BRANDING = "branding", _("Sender branding not verified")
    TOKEN = "token", _("No valid API token")
    REVIEW_OVERDUE = "review_overdue", _("Annual review overdue")
    # Never stored: computed live from the queue where it is shown (accounts.answer_times).
    ANSWER_TIMES = "answer_times", _("Answer times not met")


class ChannelFlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class ChannelFlag(models.Model):
    """Something a channel is missing, since when, until it is put right (C8)."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="flags", verbose_name=_("channel")
    )
    kind = models.CharField(_("what is missing"), max_length=30, choices=FlagKind.choices)
    since = models.DateTimeField(_("since"))
    raised_at = models.DateTimeField(_("flagged"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = ChannelFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("compliance flag")
        verbose_name_plural = _("compliance flags")
        ordering = ["since", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "kind"],
                condition=models.Q(resolved_at__isnull=True),
                name="channel_flag_one_open_per_kind",
            )
        ]
        indexes = [models.Index(fields=["kind", "resolved_at"])]

    def __str__(self):
        return f"{self.channel}: {self.kind}"
