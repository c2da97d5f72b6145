"""The warnings sent to the communications team about a configured platform API version that ends
soon or has ended: one row per version and stage, so each is sent once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStage(models.TextChoices):
    ENDING = "ending", _("Ends soon")
    RETIRED = "retired", _("Retired")


class ApiVersionWarning(models.Model):
    family = models.CharField(_("API"), max_length=20)
    version = models.CharField(_("version"), max_length=20)
    stage = models.CharField(_("stage"), max_length=10, choices=VersionStage.choices)
    ends_on = models.DateField(_("end date"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set when the e-mails went out; a row still without it is sent by the next run.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("API version warning")
        verbose_name_plural = _("API version warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "version", "stage"], name="api_version_warning_once"
            )
        ]

    def __str__(self):
        return f"{self.family} {self.version}: {self.stage}"
