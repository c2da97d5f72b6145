"""The registry of the municipality's official social-media accounts ("channels")."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models import OrgUnit
from governance.permissions import access_for


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
        return f"{self.name} ({self.get_platform_display()})"

    def get_absolute_url(self):
        return reverse("accounts:channel-detail", args=[self.pk])

    @property
    def centre_id(self):
        return self.owner_unit.centre_id
