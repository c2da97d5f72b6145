"""Records: an inquiry answered as the municipality captured for the archive. The captured part
(text, author, times, permalink, platform id, the comment it answers, our replies) never
changes; the archive metadata may be completed afterwards. What the archive receives is put
together in `moderation.record_content`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyError, AppendOnlyQuerySet
from core.permissions.querysets import RestrictQuerySetMixin

# The archive metadata and the export time: completed after the capture.
METADATA_FIELDS = (
    "subject",
    "case_number",
    "classification",
    "sender",
    "recipient",
    "confidentiality",
    "extra",
    "exported_at",
)
# The captured fields: set once at capture, refused on every later save.
CAPTURED_FIELDS = (
    "item_id",
    "platform",
    "external_id",
    "channel_name",
    "author_name",
    "author_external_id",
    "text",
    "text_unmasked",
    "permalink",
    "created_at",
    "received_at",
    "thread",
    "replies",
    "captured_at",
    "captured_by_id",
)


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")


class RecordQuerySet(RestrictQuerySetMixin, AppendOnlyQuerySet):
    # The records duty is the communications team's, for every record alike.
    whole_set_actions = frozenset({"moderation.records", "moderation.read_record_as_written"})


class Record(models.Model):
    item = models.OneToOneField(
        "moderation.QueueItem", on_delete=models.PROTECT, related_name="record"
    )
    platform = models.CharField(_("platform"), max_length=20)
    external_id = models.CharField(_("platform id"), max_length=255)
    channel_name = models.CharField(_("channel"), max_length=200)
    author_name = models.CharField(_("author"), max_length=255, blank=True)
    author_external_id = models.CharField(_("author platform id"), max_length=255, blank=True)
    text = models.TextField(_("text (personal ID numbers masked)"))
    # The restricted copy: the only place the unmasked text is kept.
    text_unmasked = models.TextField(_("text as written (restricted)"))
    permalink = models.URLField(_("permalink"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created on the platform"))
    received_at = models.DateTimeField(_("received"))
    thread = models.JSONField(_("thread"), default=list, blank=True)
    replies = models.JSONField(_("our replies"), default=list, blank=True)
    captured_at = models.DateTimeField(_("captured"))
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Archive metadata, completed by the journalising unit.
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    case_number = models.CharField(_("case or diary number"), max_length=100, blank=True)
    classification = models.CharField(_("classification"), max_length=100, blank=True)
    sender = models.CharField(_("from"), max_length=255, blank=True)
    recipient = models.CharField(_("to"), max_length=255, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
    )
    extra = models.JSONField(_("further metadata"), default=dict, blank=True)
    exported_at = models.DateTimeField(_("exported"), null=True, blank=True)

    # Only the metadata may be updated; records are never deleted. The database refuses the
    # rest too (migration 0008, see core.append_only).
    APPEND_ONLY_MUTABLE = METADATA_FIELDS
    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["-captured_at", "-id"]

    def __str__(self):
        return f"{self.platform} {self.external_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values(*CAPTURED_FIELDS).first()
            if stored is not None:
                changed = [f for f in CAPTURED_FIELDS if stored[f] != getattr(self, f)]
                if changed:
                    raise AppendOnlyError(f"Captured record fields cannot change: {changed}")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Records cannot be deleted.")
