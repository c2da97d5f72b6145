"""The rules in force: what the SLA engine, moderation and the reading pages ask of the policy.

`version_in_force` and `answer_time_rule` are what the SLA engine calls; the rest serves the
guidelines pages (the house rules, "what changed" between two adopted versions).
"""

import difflib
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.markdown import plain_text

from .models import (
    AnswerTimeRule,
    GuidelineSettings,
    Policy,
    PolicyStatus,
    PolicyVersion,
    RemovalReason,
)

# Versions that were in force at some time: the adopted one and those it replaced.
_ONCE_IN_FORCE = Q(status=PolicyStatus.ADOPTED) | Q(
    status=PolicyStatus.SUPERSEDED, in_force_from__isnull=False
)


def version_in_force(municipality, at=None):
    """The version of the municipality's social-media policy in force at `at` (now), or None.

    That is the adopted or superseded version with the latest start at or before `at`, so asking
    about a past moment gives the version that was in force then.
    """
    at = at or timezone.now()
    return (
        PolicyVersion.objects.filter(
            _ONCE_IN_FORCE,
            policy__municipality=municipality,
            policy__governs_social_media=True,
        )
        .filter(Q(in_force_from__isnull=True) | Q(in_force_from__lte=at))
        .select_related("policy")
        .order_by(F("in_force_from").desc(nulls_last=True), "-number")
        .first()
    )


def answer_time_rule(version, platform, item_kind):
    """The most specific rule of `version` for a platform and item kind, or None."""
    if version is None:
        return None
    rules = {
        (rule.platform, rule.item_kind): rule
        for rule in AnswerTimeRule.objects.filter(version=version, platform=platform)
    }
    return rules.get((platform, item_kind)) or rules.get((platform, "any"))


def social_media_policy(municipality):
    """The municipality's policy that governs social media (the one the guidelines show)."""
    return (
        Policy.objects.filter(municipality=municipality, governs_social_media=True)
        .order_by("pk")
        .first()
    )


def removal_reasons_in_force(municipality):
    """The removal reasons of the version in force, in their order (empty without a policy)."""
    version = version_in_force(municipality)
    if version is None:
        return RemovalReason.objects.none()
    return version.removal_reasons.all()


def previous_adopted(version):
    """The version adopted before `version` (now superseded), or None."""
    if version is None:
        return None
    return (
        PolicyVersion.objects.filter(
            policy_id=version.policy_id,
            number__lt=version.number,
            status__in=[PolicyStatus.ADOPTED, PolicyStatus.SUPERSEDED],
        )
        .order_by("-number")
        .first()
    )


def guideline_settings(municipality):
    """The municipality's publishing settings; unsaved defaults when none were stored yet."""
    found = GuidelineSettings.objects.filter(municipality=municipality).first()
    return found or GuidelineSettings(municipality=municipality)


def format_minutes(minutes):
    """An answer time in words: whole days, whole hours or minutes."""
    if minutes is None:
        return ""
    if minutes and minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def describe_time(minutes, clock_label):
    if minutes is None:
        return ""
    return _("%(time)s (%(clock)s)") % {"time": format_minutes(minutes), "clock": clock_label}


# --- A version's content in one language


@dataclass
class ReasonText:
    code: str
    label: str
    explanation: str


def sections_for(version, language, fallback=None):
    """The version's sections in `language`; a section missing in it comes in `fallback`."""
    if version is None:
        return []
    chosen = {}
    for section in version.sections.all():
        current = chosen.get(section.key)
        if current is None or _better(section.language, current.language, language, fallback):
            chosen[section.key] = section
    return sorted(chosen.values(), key=lambda s: (s.order, s.pk))


def values_for(version, language, fallback=None):
    """The communication values in `language` (else in `fallback`, else all)."""
    if version is None:
        return []
    values = list(version.communication_values.all())
    for wanted in (language, fallback):
        matching = [v for v in values if v.language == wanted]
        if matching:
            return matching
    return values


def reasons_for(version, language):
    """The removal reasons with label and explanation in `language` where translated."""
    if version is None:
        return []
    texts = []
    for reason in version.removal_reasons.all():
        translated = next((t for t in reason.translations.all() if t.language == language), None)
        source = translated or reason
        texts.append(ReasonText(reason.code, source.label, source.explanation))
    return texts


def _better(candidate, current, language, fallback):
    rank = {language: 0, fallback: 1}
    return rank.get(candidate, 2) < rank.get(current, 2)


# --- What changed between two versions


@dataclass
class SectionChange:
    heading: str
    status: str  # "added", "removed", "changed", "unchanged"
    lines: list = field(default_factory=list)  # (kind, text): kind in "+", "-", " "


@dataclass
class RuleChange:
    rule: str
    before: str
    after: str


def section_changes(old, new, language, fallback=None):
    """Section by section: what `new` added, removed and reworded compared with `old`."""
    old_sections = {s.key: s for s in sections_for(old, language, fallback)}
    changes = []
    for section in sections_for(new, language, fallback):
        before = old_sections.pop(section.key, None)
        if before is None:
            lines = [("+", line) for line in plain_text(section.body).splitlines() if line]
            changes.append(SectionChange(section.heading, "added", lines))
            continue
        old_lines = [before.heading, *plain_text(before.body).splitlines()]
        new_lines = [section.heading, *plain_text(section.body).splitlines()]
        if old_lines == new_lines and before.audience == section.audience:
            changes.append(SectionChange(section.heading, "unchanged"))
            continue
        lines = [
            (line[0], line[2:])
            for line in difflib.ndiff(old_lines, new_lines)
            if line[:1] in "+- " and line[2:].strip()
        ]
        if lines and lines[0] == (" ", section.heading):
            # An unchanged heading is already the title of the change; do not repeat it.
            lines = lines[1:]
        changes.append(SectionChange(section.heading, "changed", lines))
    for section in old_sections.values():
        lines = [("-", line) for line in plain_text(section.body).splitlines() if line]
        changes.append(SectionChange(section.heading, "removed", lines))
    return changes


def rule_numbers(version):
    """The numbers a version sets, by a stable label: answer times, inactivity limit, reasons."""
    if version is None:
        return {}
    numbers = {}  # label -> value
    for rule in version.answer_time_rules.all():
        name = f"{rule_platform_label(rule.platform)} · {rule.get_item_kind_display()}"
        if rule.first_response_minutes is not None:
            numbers[str(_("%(rule)s: first response") % {"rule": name})] = describe_time(
                rule.first_response_minutes, rule.get_first_response_clock_display()
            )
        numbers[str(_("%(rule)s: answer") % {"rule": name})] = describe_time(
            rule.answer_minutes, rule.get_answer_clock_display()
        )
    numbers[str(_("Inactivity limit for pages"))] = ngettext(
        "%(count)d day", "%(count)d days", version.inactivity_limit_days
    ) % {"count": version.inactivity_limit_days}
    for reason in version.removal_reasons.all():
        explanation = reason.explanation
        if reason.automatic_allowed:
            explanation = _("%(explanation)s (inbox rules may hide for this reason)") % {
                "explanation": explanation
            }
        numbers[str(_("Removal reason: %(label)s") % {"label": reason.label})] = explanation
    return numbers


def rule_changes(old, new):
    """The numbers that differ between two versions, in a table's rows."""
    before, after = rule_numbers(old), rule_numbers(new)
    rows = []
    for name in list(after) + [name for name in before if name not in after]:
        if before.get(name) != after.get(name):
            rows.append(RuleChange(name, before.get(name, ""), after.get(name, "")))
    return rows


def rule_platform_label(platform):
    from accounts.models import Platform

    try:
        return Platform(platform).label
    except ValueError:
        return platform
