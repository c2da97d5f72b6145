"""The rules in force: what the SLA engine and moderation ask of the adopted policy."""

from django.utils import timezone

from .models import AnswerTimeRule, PolicyStatus, PolicyVersion


def version_in_force(municipality, at=None):
    """The adopted version of the municipality's social-media policy, or None."""
    at = at or timezone.now()
    return (
        PolicyVersion.objects.filter(
            policy__municipality=municipality,
            policy__governs_social_media=True,
            status=PolicyStatus.ADOPTED,
        )
        .filter(_in_force_at(at))
        .select_related("policy")
        .order_by("-in_force_from", "-number")
        .first()
    )


def _in_force_at(at):
    from django.db.models import Q

    return Q(in_force_from__isnull=True) | Q(in_force_from__lte=at)


def answer_time_rule(version, platform, item_kind):
    """The most specific rule of `version` for a platform and item kind, or None."""
    if version is None:
        return None
    rules = {
        (rule.platform, rule.item_kind): rule
        for rule in AnswerTimeRule.objects.filter(version=version, platform=platform)
    }
    return rules.get((platform, item_kind)) or rules.get((platform, "any"))
