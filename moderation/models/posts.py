"""The posts (or videos) citizens' comments hang under, kept so an item's page can show what
the thread is about without asking the platform."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Channel, Platform


class ThreadPost(models.Model):
    """A thread's post as the poll that stored its comments last saw it. Items find theirs by
    (platform, `thread_external_id`)."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="thread_posts", verbose_name=_("channel")
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    external_id = models.CharField(_("platform id"), max_length=255)
    text = models.TextField(_("text"), blank=True)
    picture_url = models.URLField(_("picture"), max_length=2000, blank=True)
    permalink = models.URLField(_("permalink"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created on the platform"), null=True, blank=True)
    seen_at = models.DateTimeField(_("last read"))

    class Meta:
        verbose_name = _("thread post")
        verbose_name_plural = _("thread posts")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="thread_post_unique_platform_id"
            )
        ]

    def __str__(self):
        return f"{self.get_platform_display()} {self.external_id}"
