"""A channel's connection to its platform: encrypted token, polling state, daily figures."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..crypto import decrypt_token, encrypt_token
from .channel import Channel


class TokenStatus(models.TextChoices):
    MISSING = "missing", _("Not connected")
    UNTESTED = "untested", _("Not tested yet")
    VALID = "valid", _("Valid")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnect")


class ConnectedVia(models.TextChoices):
    OAUTH = "oauth", _("Platform sign-in")
    PASTED = "pasted", _("Pasted token")


class ChannelConnection(models.Model):
    """How the product reaches one channel on its platform, and where polling stands."""

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, related_name="connection", verbose_name=_("channel")
    )
    account_id = models.CharField(_("platform account id"), max_length=200)
    token_encrypted = models.TextField(_("encrypted API token"), blank=True, editable=False)
    token_status = models.CharField(
        _("token status"), max_length=20, choices=TokenStatus.choices, default=TokenStatus.MISSING
    )
    token_checked_at = models.DateTimeField(_("token checked"), null=True, blank=True)
    token_expires_at = models.DateTimeField(_("token expires"), null=True, blank=True)
    refresh_token_encrypted = models.TextField(
        _("encrypted refresh token"), blank=True, editable=False
    )
    refresh_token_expires_at = models.DateTimeField(
        _("refresh token expires"), null=True, blank=True
    )
    granted_scopes = models.JSONField(_("granted permissions"), default=list, blank=True)
    connected_via = models.CharField(
        _("connected through"), max_length=10, choices=ConnectedVia.choices, blank=True
    )
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("connected by"),
    )
    connected_at = models.DateTimeField(_("connected"), null=True, blank=True)
    polling_enabled = models.BooleanField(_("polling enabled"), default=False)
    # Where the last stored batch ended (time watermark, seen ids, since_id…): adapter-defined.
    cursor = models.JSONField(_("poll cursor"), default=dict, blank=True)
    next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True, db_index=True)
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    last_polled_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_own_post_at = models.DateTimeField(_("last own post"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    extra = models.JSONField(_("platform settings"), default=dict, blank=True)
    # Set while the token lacks the messaging permission: comments are still polled, private
    # messages are not, until `messaging_retry_at` or a reconnect.
    messaging_unavailable_since = models.DateTimeField(
        _("messages unavailable since"), null=True, blank=True
    )
    messaging_retry_at = models.DateTimeField(_("messages tried again"), null=True, blank=True)
    messaging_error = models.TextField(_("why messages are unavailable"), blank=True)

    class Meta:
        verbose_name = _("channel connection")
        verbose_name_plural = _("channel connections")

    def __str__(self):
        return f"{self.channel} → {self.account_id}"

    def token_expired(self, now=None) -> bool:
        """Whether the access token's own lifetime has run out (a token the platform still
        accepted is judged by that answer, see `accounts.health`)."""
        if self.token_expires_at is None or self.token_status not in (
            TokenStatus.VALID,
            TokenStatus.UNTESTED,
        ):
            return False
        return self.token_expires_at <= (now or timezone.now())

    def get_token_state_display(self):
        """The token's state as the pages show it: an expired token is not called valid."""
        return _("Expired") if self.token_expired() else self.get_token_status_display()

    def set_token(self, plaintext: str) -> None:
        self.token_encrypted = encrypt_token(plaintext)
        self.token_status = TokenStatus.UNTESTED if plaintext else TokenStatus.MISSING

    def get_token(self) -> str:
        return decrypt_token(self.token_encrypted)

    def set_refresh_token(self, plaintext: str) -> None:
        self.refresh_token_encrypted = encrypt_token(plaintext)

    def get_refresh_token(self) -> str:
        return decrypt_token(self.refresh_token_encrypted)


class AccountSnapshot(models.Model):
    """A channel's figures on one day (followers, own posts), fetched daily."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("channel")
    )
    date = models.DateField(_("date"))
    followers = models.PositiveIntegerField(_("followers"), null=True, blank=True)
    own_posts = models.PositiveIntegerField(_("own posts that day"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), auto_now=True)

    class Meta:
        verbose_name = _("account snapshot")
        verbose_name_plural = _("account snapshots")
        ordering = ["channel", "date"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "date"], name="account_snapshot_unique_day")
        ]

    def __str__(self):
        return f"{self.channel} {self.date}"
