"""Business actions on policies and guidelines: drafting, adopting, confirming, reminding.

Each runs in one transaction and writes its audit row there; e-mail waits for the commit.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import record, snapshot

from .models import (
    AnswerTimeRule,
    CommunicationValue,
    GuidelineSettings,
    Policy,
    PolicySection,
    PolicyStatus,
    PolicyVersion,
    ReadConfirmation,
    RemovalReason,
    RemovalReasonTranslation,
    answer_time_errors,
)
from .policy import rule_platform_label


def _require_draft(version):
    version.require_draft()


@transaction.atomic
def create_policy(*, acting_user, municipality, title, parent=None, governs_social_media=False):
    """A new policy with an empty first draft."""
    if (
        governs_social_media
        and Policy.objects.filter(municipality=municipality, governs_social_media=True).exists()
    ):
        raise ValidationError(_("The municipality already has a policy that governs social media."))
    policy = Policy.objects.create(
        municipality=municipality,
        title=title,
        parent=parent,
        governs_social_media=governs_social_media,
    )
    version = PolicyVersion.objects.create(policy=policy, number=1)
    record(
        "policy.create",
        actor=acting_user,
        obj=policy,
        policy_version=version,
        after=snapshot(policy, "title", "parent", "governs_social_media"),
        policy=policy.pk,
    )
    return policy


@transaction.atomic
def start_draft(policy, *, acting_user):
    """The policy's open draft, or a new one copied from the version in force (or the latest)."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    existing = policy.versions.filter(status=PolicyStatus.DRAFT).first()
    if existing is not None:
        return existing
    source = (
        policy.versions.filter(status=PolicyStatus.ADOPTED).first()
        or policy.versions.order_by("-number").first()
    )
    latest = policy.versions.order_by("-number").values_list("number", flat=True).first()
    number = (latest or 0) + 1
    draft = PolicyVersion.objects.create(
        policy=policy,
        number=number,
        inactivity_limit_days=source.inactivity_limit_days if source else 90,
    )
    if source is not None:
        _copy_rules(source, draft)
    record(
        "policy.draft",
        actor=acting_user,
        obj=draft,
        policy_version=draft,
        after=snapshot(draft, "number", "status"),
        copied_from=source.pk if source else None,
    )
    return draft


def _copy_rules(source, draft):
    PolicySection.objects.bulk_create(
        PolicySection(
            version=draft,
            key=s.key,
            heading=s.heading,
            audience=s.audience,
            house_rule_part=s.house_rule_part,
            body=s.body,
            language=s.language,
            order=s.order,
        )
        for s in source.sections.all()
    )
    AnswerTimeRule.objects.bulk_create(
        AnswerTimeRule(
            version=draft,
            platform=r.platform,
            item_kind=r.item_kind,
            first_response_minutes=r.first_response_minutes,
            first_response_clock=r.first_response_clock,
            answer_minutes=r.answer_minutes,
            answer_clock=r.answer_clock,
        )
        for r in source.answer_time_rules.all()
    )
    for reason in source.removal_reasons.prefetch_related("translations"):
        copy = RemovalReason.objects.create(
            version=draft,
            code=reason.code,
            label=reason.label,
            explanation=reason.explanation,
            order=reason.order,
            automatic_allowed=reason.automatic_allowed,
        )
        RemovalReasonTranslation.objects.bulk_create(
            RemovalReasonTranslation(
                reason=copy, language=t.language, label=t.label, explanation=t.explanation
            )
            for t in reason.translations.all()
        )
    CommunicationValue.objects.bulk_create(
        CommunicationValue(
            version=draft,
            name=v.name,
            description=v.description,
            language=v.language,
            order=v.order,
        )
        for v in source.communication_values.all()
    )


@transaction.atomic
def edit_draft(version, *, acting_user, part, save):
    """Save one part of a draft (`save()` writes it) after checking it is still a draft."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    result = save()
    record("policy.edit", actor=acting_user, obj=version, policy_version=version, part=part)
    return result


@transaction.atomic
def adopt_version(version, *, acting_user, adopted_by, adopted_on, reference=""):
    """Adopt a draft: it is in force from now on and the version it replaces is superseded.

    Items already in the queue keep the version (and deadlines) they were judged by; only items
    arriving from now on get the new rules.
    """
    # Lock the policy so two adoptions of the same policy cannot interleave.
    Policy.objects.select_for_update().get(pk=version.policy_id)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if not version.answer_time_rules.exists() and version.policy.governs_social_media:
        raise ValidationError(_("Add at least one answer time before adopting the version."))
    problems = answer_time_problems(version)
    if problems:
        raise ValidationError(problems)
    previous = PolicyVersion.objects.filter(
        policy_id=version.policy_id, status=PolicyStatus.ADOPTED
    ).first()
    if previous is not None:
        previous.status = PolicyStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    adopted_fields = ("status", "adopted_by", "adopted_on", "reference", "in_force_from")
    before = snapshot(version, *adopted_fields)
    version.status = PolicyStatus.ADOPTED
    version.adopted_by = adopted_by
    version.adopted_on = adopted_on
    version.reference = reference
    version.in_force_from = timezone.now()
    version.save(update_fields=list(adopted_fields))
    record(
        "policy.adopt",
        actor=acting_user,
        obj=version,
        policy_version=version,
        before=before,
        after=snapshot(version, *adopted_fields),
        reference=reference,
        supersedes=previous.pk if previous else None,
    )
    return version


def answer_time_problems(version) -> list[str]:
    """What is wrong with the answer-time rules of `version`, one message per problem naming
    its rule. Adoption refuses a version with any, so rules written without the form (an
    import, the shell) are held to the same rule as the form and the admin
    (`governance.models.answer_time_errors`)."""
    problems = []
    for rule in version.answer_time_rules.order_by("platform", "item_kind"):
        errors = answer_time_errors(
            rule.first_response_minutes,
            rule.first_response_clock,
            rule.answer_minutes,
            rule.answer_clock,
        )
        for message in errors.values():
            problems.append(
                _("%(platform)s, %(kind)s: %(problem)s")
                % {
                    "platform": rule_platform_label(rule.platform),
                    "kind": rule.get_item_kind_display().lower(),
                    "problem": message,
                }
            )
    return problems


@transaction.atomic
def confirm_reading(version, *, acting_user):
    """Record that the user has read this adopted version (again: nothing changes)."""
    if version.status != PolicyStatus.ADOPTED:
        raise ValidationError(_("Only the version in force can be confirmed."), code="conflict")
    confirmation, created = ReadConfirmation.objects.get_or_create(
        version=version, user=acting_user
    )
    if created:
        record("guidelines.confirm", actor=acting_user, obj=confirmation, policy_version=version)
    return confirmation


def readers_without_confirmation(unit, version):
    """The unit's people (any role) who have not confirmed `version`."""
    User = get_user_model()
    return (
        User.objects.filter(memberships__unit=unit, is_active=True)
        .exclude(read_confirmations__version=version)
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def remind_readers(unit, version, *, acting_user, base_url=""):
    """E-mail the unit's people who have not confirmed the version; returns how many."""
    recipients = [user.email for user in readers_without_confirmation(unit, version) if user.email]
    if not recipients:
        return 0
    subject = _("Please read the social-media guidelines, version %(number)s") % {
        "number": version.number
    }
    body = _(
        "The guidelines for social media have a new version in force: %(policy)s, version "
        "%(number)s.\n\nPlease read them and confirm that you have: %(url)s"
    ) % {
        "policy": version.policy.title,
        "number": version.number,
        "url": base_url + reverse("governance:guidelines"),
    }
    record(
        "guidelines.remind",
        actor=acting_user,
        obj=version,
        policy_version=version,
        unit=unit.pk,
        recipients=len(recipients),
    )
    from_email = getattr(settings, "DEFAULT_FROM_EMAIL", None)

    def send():
        # One message per person: colleagues do not see each other's addresses.
        for address in recipients:
            send_mail(subject, body, from_email, [address], fail_silently=False)

    transaction.on_commit(send)
    return len(recipients)


@transaction.atomic
def update_guideline_settings(municipality, *, acting_user, guidelines_public, frame_origins):
    existing = GuidelineSettings.objects.filter(municipality=municipality).first()
    before = snapshot(existing, "guidelines_public", "frame_origins") if existing else {}
    found, _created = GuidelineSettings.objects.update_or_create(
        municipality=municipality,
        defaults={"guidelines_public": guidelines_public, "frame_origins": frame_origins},
    )
    record(
        "guidelines.settings",
        actor=acting_user,
        obj=found,
        before=before,
        after=snapshot(found, "guidelines_public", "frame_origins"),
        guidelines_public=guidelines_public,
        frame_origins=found.origins,
    )
    return found


@transaction.atomic
def set_notification_delivery(user, delivery, *, acting_user, weekday=None):
    """How `user` hears of their notices besides the product itself: not by e-mail, by e-mail
    at once, in one e-mail a day, or in one e-mail a week on `weekday` (Monday = 0; None keeps
    the chosen day). Audited."""
    from .models import NotificationDelivery, PersonPreference, Weekday

    if delivery not in NotificationDelivery.values:
        raise ValidationError(_("Choose how your notifications reach you."))
    if weekday is not None and int(weekday) not in Weekday.values:
        raise ValidationError(_("Choose a day of the week."))
    preference, _created = PersonPreference.objects.select_for_update().get_or_create(user=user)
    before = snapshot(preference, "notifications", "digest_weekday")
    changed = []
    if preference.notifications != delivery:
        preference.notifications = delivery
        changed.append("notifications")
    if weekday is not None and preference.digest_weekday != int(weekday):
        preference.digest_weekday = int(weekday)
        changed.append("digest_weekday")
    if not changed:
        return preference
    preference.save(update_fields=changed)
    record(
        "notification_preference_set",
        actor=acting_user,
        obj=preference,
        before=before,
        after=snapshot(preference, "notifications", "digest_weekday"),
    )
    return preference
    preference.notifications = delivery
    preference.save(update_fields=["notifications"])
    record(
        "notification_preference_set",
        actor=acting_user,
        obj=preference,
        before=before,
        after=snapshot(preference, "notifications"),
    )
    return preference
