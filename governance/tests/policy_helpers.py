"""Build policies for tests: a social-media policy with a version in force and its rules."""

from datetime import date

from governance import actions
from governance.models import (
    AnswerTimeRule,
    CommunicationValue,
    Policy,
    PolicySection,
    PolicyStatus,
    RemovalReason,
    RemovalReasonTranslation,
)


def fill_draft(version, *, facebook_answer=2880, tone="Skriv venligt til hinanden."):
    PolicySection.objects.create(
        version=version,
        key="formaal",
        heading="Formål",
        audience="everyone",
        body="Vi er på sociale medier for at **svare** borgerne.",
        order=1,
    )
    PolicySection.objects.create(
        version=version,
        key="tone",
        heading="God tone",
        audience="citizens",
        house_rule_part="tone",
        body=tone,
        order=2,
    )
    PolicySection.objects.create(
        version=version,
        key="tone",
        heading="Good tone",
        audience="citizens",
        house_rule_part="tone",
        body="Write kindly to each other.",
        language="en",
        order=2,
    )
    PolicySection.objects.create(
        version=version,
        key="personsager",
        heading="Personsager",
        audience="citizens",
        house_rule_part="not_handled",
        body="Personlige sager behandler vi ikke her.",
        order=3,
    )
    PolicySection.objects.create(
        version=version,
        key="politikere",
        heading="Politikere",
        audience="politicians",
        body="Brug dine egne profiler.",
        order=4,
    )
    PolicySection.objects.create(
        version=version,
        key="medarbejdere",
        heading="Medarbejdere",
        audience="employees",
        body="Tavshedspligten gælder også på nettet.",
        order=5,
    )
    AnswerTimeRule.objects.create(
        version=version,
        platform="facebook",
        item_kind="any",
        answer_minutes=facebook_answer,
        answer_clock="calendar",
    )
    AnswerTimeRule.objects.create(
        version=version,
        platform="x",
        item_kind="any",
        answer_minutes=240,
        answer_clock="opening_hours",
    )
    reason = RemovalReason.objects.create(
        version=version,
        code="spam",
        label="Reklame",
        explanation="Reklame fjerner vi, så tråden kan læses.",
    )
    RemovalReasonTranslation.objects.create(
        reason=reason,
        language="en",
        label="Advertising",
        explanation="We remove advertising so the thread stays readable.",
    )
    CommunicationValue.objects.create(version=version, name="Tydelig", description="Kort og klart.")
    return version


def adopted_policy(org, *, facebook_answer=2880, user=None):
    """A social-media policy whose version 1 (filled with rules) is in force."""
    user = user or org.users["comms_lead"]
    policy = actions.create_policy(
        acting_user=user,
        municipality=org.municipality,
        title="Politik for sociale medier",
        governs_social_media=True,
    )
    draft = fill_draft(policy.versions.get(), facebook_answer=facebook_answer)
    actions.adopt_version(
        draft,
        acting_user=user,
        adopted_by="Byrådet",
        adopted_on=date(2026, 1, 15),
        reference="BR § 12/2026",
    )
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.ADOPTED
    return policy, draft


def new_draft(org, policy=None):
    if policy is None:
        policy, _version = adopted_policy(org)
    return actions.start_draft(policy, acting_user=org.users["comms_lead"])


def policy_of(org):
    return Policy.objects.get(municipality=org.municipality, governs_social_media=True)
