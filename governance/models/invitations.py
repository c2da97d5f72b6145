"""Invitations: how a person joins the organisation without an administrator creating the
account. The link in the e-mail carries a random key; only its SHA-256 is stored, so the table
alone opens no account."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisation import Municipality, OrgUnit, Role


class InvitationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Invitation(models.Model):
    """An e-mail address invited to a role in a unit, until accepted, withdrawn or expired."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_lead = models.BooleanField(_("lead"), default=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # One invitation at a time per address: a new one withdraws an expired one first.
            models.UniqueConstraint(
                fields=["municipality", "email"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self):
        return self.email

    @property
    def status(self):
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.withdrawn_at is not None:
            return InvitationStatus.WITHDRAWN
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.WAITING

    def get_status_display(self):
        return InvitationStatus(self.status).label
