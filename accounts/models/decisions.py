"""The decision a centre manager (or the communications team) takes on a request: the fields,
their choices and the steps both request models share (a page request and a closing request).

`Decided` is abstract, so each request keeps its own table and columns; only the Python code is
shared.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting for decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Decided(models.Model):
    """A request somebody other than its requester approves or rejects, once, with a comment."""

    # The name of the subclass's foreign key to the person who asked: they never decide.
    requester_field = "requester"

    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(_("comment on the decision"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self):
        return self.decision == Decision.PENDING

    def is_requested_by(self, user):
        return getattr(self, f"{self.requester_field}_id") == user.pk

    def record_decision(self, *, acting_user, approve, comment, at):
        """Store the decision (the caller has checked it may be taken; see accounts.actions)."""
        self.decision = Decision.APPROVED if approve else Decision.REJECTED
        self.decided_by = acting_user
        self.decided_at = at
        self.decision_comment = comment
        self.save(update_fields=["decision", "decided_by", "decided_at", "decision_comment"])
