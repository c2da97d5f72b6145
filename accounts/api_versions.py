"""The platform API versions this installation calls, their state on a day by the documented dates
in `platforms.versions`, and the warnings the communications team gets before one ends: the
banner on the dashboard, the channel list and the compliance page, and a daily e-mail sent once
per version and stage (`send_version_warnings`, run by the `accounts.warn_api_versions` task).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

import audit
from core.permissions import can
from governance.models import Membership, Role
from platforms import config as platform_defaults
from platforms.versions import (
    PATH_VERSIONS,
    ApiVersion,
    VersionState,
    usable_versions,
    version_status,
)

from .models import ApiVersionWarning, VersionStage

logger = logging.getLogger(__name__)

# Each version family the product calls: its name for people, the setting that chooses its
# version (empty: the version is part of the path) and the product's default.
FAMILIES = (
    ("graph", _("Facebook and Instagram (Graph API)"), "FACEBOOK_GRAPH_VERSION"),
    # Brand names stay as they are in every language.
    ("linkedin", "LinkedIn", "LINKEDIN_API_VERSION"),
    ("x", "X", ""),
    ("youtube", "YouTube", ""),
)
DEFAULTS = {
    "graph": platform_defaults.GRAPH_VERSION,
    "linkedin": platform_defaults.LINKEDIN_VERSION,
    **PATH_VERSIONS,
}


@dataclass(frozen=True)
class ConfiguredVersion:
    family: str
    platform: str
    version: str
    setting: str
    state: VersionState
    entry: ApiVersion | None
    on: date

    @property
    def ends(self) -> date | None:
        return self.entry.ends if self.entry else None

    @property
    def days_left(self) -> int | None:
        return (self.ends - self.on).days if self.ends else None

    @property
    def retired(self) -> bool:
        return self.state == VersionState.RETIRED

    @property
    def needs_warning(self) -> bool:
        return self.state in (VersionState.ENDING, VersionState.RETIRED)

    @property
    def suggested(self) -> str:
        return suggested_version(self.family, self.on)

    @property
    def message(self) -> str:
        """What happens and what to change, in the active language."""
        values = {
            "platform": self.platform,
            "version": self.version,
            "date": formats.date_format(self.ends, "DATE_FORMAT") if self.ends else "",
            "days": self.days_left,
            "setting": self.setting,
            "suggested": self.suggested,
        }
        if self.retired:
            return (
                gettext(
                    "%(platform)s: API version %(version)s ended on %(date)s. The platform refuses "
                    "calls made with it, or answers them as another version. Set the environment "
                    "variable %(setting)s to a current version, for example %(suggested)s, and "
                    "restart the service."
                )
                % values
            )
        return (
            ngettext(
                "%(platform)s: API version %(version)s ends on %(date)s, in %(days)s day. Set "
                "the environment variable %(setting)s to a current version, for example "
                "%(suggested)s, and restart the service before then.",
                "%(platform)s: API version %(version)s ends on %(date)s, in %(days)s days. Set "
                "the environment variable %(setting)s to a current version, for example "
                "%(suggested)s, and restart the service before then.",
                self.days_left,
            )
            % values
        )

    @property
    def subject(self) -> str:
        values = {"platform": self.platform, "version": self.version}
        if self.retired:
            return gettext("%(platform)s API version %(version)s has ended") % values
        return gettext("%(platform)s API version %(version)s ends soon") % values


def warning_days() -> int:
    return settings.API_VERSION_WARNING_DAYS


def configured_versions(on: date | None = None) -> list[ConfiguredVersion]:
    """Every version family the product calls, with the configured version's state on `on`
    (today in the installation's time zone by default)."""
    on = on or timezone.localdate()
    rows = []
    for family, platform, setting in FAMILIES:
        version = getattr(settings, setting) if setting else DEFAULTS[family]
        status = version_status(family, version, on, warning_days=warning_days())
        rows.append(
            ConfiguredVersion(
                family, str(platform), version, setting, status.state, status.entry, on
            )
        )
    return rows


def version_notices(on: date | None = None) -> list[ConfiguredVersion]:
    """The configured versions that end within the warning window or have ended."""
    return [row for row in configured_versions(on) if row.needs_warning and row.setting]


def notices_for(user, on: date | None = None) -> list[ConfiguredVersion]:
    """The notices `user` is shown: only the communications team changes the versions."""
    if not can(user, "channels.api_versions"):
        return []
    return version_notices(on)


def suggested_version(family: str, on: date) -> str:
    """The product's default when it is current on `on`, else the newest listed version that
    is neither ending nor retired."""
    default = DEFAULTS[family]
    state = version_status(family, default, on, warning_days=warning_days()).state
    if state == VersionState.CURRENT:
        return default
    current = [
        entry.version
        for entry in usable_versions(family, on)
        if version_status(family, entry.version, on, warning_days=warning_days()).state
        == VersionState.CURRENT
    ]
    return current[-1] if current else default


# --- the daily warning ------------------------------------------------------------------------


def _stage(notice: ConfiguredVersion) -> str:
    return VersionStage.RETIRED if notice.retired else VersionStage.ENDING


def send_version_warnings(*, on: date | None = None) -> int:
    """Record a warning for each configured version that entered a stage (ending, retired) and
    e-mail the communications team about every recorded warning not e-mailed yet, each person in
    their municipality's language. Idempotent: a stage is recorded once (a unique row) and
    e-mailed once (claimed by a conditional update). Returns the number of e-mails sent."""
    notices = version_notices(on)
    for notice in notices:
        with transaction.atomic():
            warning, created = ApiVersionWarning.objects.get_or_create(
                family=notice.family,
                version=notice.version,
                stage=_stage(notice),
                defaults={"ends_on": notice.ends},
            )
            if created:
                audit.record(
                    "platforms.version_warning",
                    actor=None,
                    obj=warning,
                    after=audit.snapshot(warning, "family", "version", "stage", "ends_on"),
                )
    sent = 0
    for notice in notices:
        pending = ApiVersionWarning.objects.filter(
            family=notice.family,
            version=notice.version,
            stage=_stage(notice),
            emailed_at__isnull=True,
        ).first()
        if pending is not None:
            sent += _email(pending, notice)
    return sent


def communications_recipients() -> list[tuple[object, str]]:
    """Each active member of a communications team with an e-mail address, with the language of
    the municipality their team belongs to."""
    people = {}
    memberships = (
        Membership.objects.filter(role=Role.COMMUNICATIONS, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "unit__municipality")
        .order_by("user_id", "pk")
    )
    for membership in memberships:
        municipality = membership.unit.municipality
        language = municipality.default_language if municipality else settings.LANGUAGE_CODE
        people.setdefault(membership.user_id, (membership.user, language))
    return list(people.values())


def _email(warning: ApiVersionWarning, notice: ConfiguredVersion) -> int:
    # Claim the row first, so two runs at once never both send it.
    claimed = ApiVersionWarning.objects.filter(pk=warning.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return 0
    sent = 0
    for user, language in communications_recipients():
        with translation.override(language):
            subject, body = notice.subject, f"{notice.message}\n\n{notice.entry.source}\n"
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:  # one bad address or a mail outage must not stop the others
            logger.exception("could not e-mail the API version warning %s", warning.pk)
            continue
        sent += 1
    if sent:
        ApiVersionWarning.objects.filter(pk=warning.pk).update(recipients=sent)
    else:
        # Nobody got it: leave it for the next run.
        ApiVersionWarning.objects.filter(pk=warning.pk).update(emailed_at=None)
    return sent
