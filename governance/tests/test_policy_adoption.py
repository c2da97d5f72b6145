"""Adopting a policy version: the new numbers apply to new items at once, queued items keep the
version and deadlines they were judged by, and the reading page shows the numbers in force."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from governance import actions
from governance.models import AnswerTimeRule, PolicyStatus, PolicyVersion
from governance.policy import answer_time_rule, version_in_force
from governance.tests.policy_helpers import adopted_policy, fill_draft
from moderation.deadlines import assign_deadlines
from moderation.models import QueueItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    # The test municipality speaks Danish; these tests read the English source texts.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _new_item(org, external_id, received_at):
    item = QueueItem(
        channel=org.channels["central"],
        platform="facebook",
        external_id=external_id,
        kind="comment",
        author_name="Borger 17",
        text="Hvornår tømmes skraldespandene?",
        created_at=received_at,
        received_at=received_at,
    )
    assign_deadlines(item)
    item.save()
    return item


def test_adopting_a_new_facebook_answer_time_applies_to_new_items_only(client, org):
    # Given version 1 in force with a 48-hour Facebook answer time, and an item queued under it
    policy, first = adopted_policy(org, facebook_answer=2880)
    received = timezone.now().replace(microsecond=0)
    queued = _new_item(org, "fb-queued", received)
    assert queued.policy_version_id == first.pk
    assert queued.answer_due == received + timedelta(hours=48)

    # When the team drafts version 2 with 24 hours and adopts it
    draft = actions.start_draft(policy, acting_user=org.users["comms_lead"])
    AnswerTimeRule.objects.filter(version=draft, platform="facebook").update(answer_minutes=1440)
    actions.adopt_version(
        draft,
        acting_user=org.users["comms_lead"],
        adopted_by="Byrådet",
        adopted_on=date(2026, 11, 20),
        reference="BR § 99/2026",
    )

    # Then a new item gets the new deadline and version
    fresh = _new_item(org, "fb-fresh", received)
    assert fresh.policy_version_id == draft.pk
    assert fresh.answer_due == received + timedelta(hours=24)
    # ...while the queued item keeps its version and deadline
    queued.refresh_from_db()
    assert queued.policy_version_id == first.pk
    assert queued.answer_due == received + timedelta(hours=48)
    # ...and the reading page states the number the system now enforces
    client.force_login(org.users["staff"])
    page = client.get(reverse("governance:guidelines")).content.decode()
    assert "1 day (Calendar time)" in page
    assert "2 days (Calendar time)" not in page


def test_adoption_supersedes_the_previous_version_and_is_audited(org):
    policy, first = adopted_policy(org)
    draft = actions.start_draft(policy, acting_user=org.users["comms"])

    actions.adopt_version(
        draft, acting_user=org.users["comms"], adopted_by="Byrådet", adopted_on=date(2026, 11, 1)
    )

    statuses = dict(PolicyVersion.objects.values_list("number", "status"))
    assert statuses == {1: PolicyStatus.SUPERSEDED, 2: PolicyStatus.ADOPTED}
    assert version_in_force(org.municipality).pk == draft.pk
    entry = AuditEntry.objects.get(action="policy.adopt", policy_version=draft)
    assert entry.actor == org.users["comms"]
    assert entry.data == {"reference": "", "supersedes": first.pk}


def test_version_in_force_at_a_past_moment_is_the_one_in_force_then(org):
    policy, first = adopted_policy(org)
    first_start = first.in_force_from
    draft = actions.start_draft(policy, acting_user=org.users["comms"])
    actions.adopt_version(
        draft, acting_user=org.users["comms"], adopted_by="Byrådet", adopted_on=date(2026, 11, 1)
    )
    draft.refresh_from_db()

    assert version_in_force(org.municipality, at=first_start + timedelta(microseconds=1)) == first
    assert version_in_force(org.municipality) == draft
    assert version_in_force(org.municipality, at=datetime(2000, 1, 1, tzinfo=UTC)) is None


def test_a_new_draft_copies_every_rule_of_the_version_in_force(org):
    policy, first = adopted_policy(org)

    draft = actions.start_draft(policy, acting_user=org.users["comms"])

    assert draft.number == 2
    assert draft.status == PolicyStatus.DRAFT

    def rules(version):
        return {
            "sections": list(
                version.sections.values_list("key", "language", "heading", "audience", "body")
            ),
            "answers": list(
                version.answer_time_rules.values_list(
                    "platform", "item_kind", "answer_minutes", "answer_clock"
                )
            ),
            "reasons": list(version.removal_reasons.values_list("code", "label", "explanation")),
            "translations": list(
                version.removal_reasons.values_list("translations__language", "translations__label")
            ),
            "values": list(version.communication_values.values_list("name", "language")),
        }

    assert rules(draft) == rules(first)
    # Starting again gives the same open draft instead of a second one.
    assert actions.start_draft(policy, acting_user=org.users["comms"]) == draft


def test_an_adopted_version_is_frozen(org):
    _policy, first = adopted_policy(org)

    with pytest.raises(ValidationError, match="only drafts can be changed"):
        actions.edit_draft(first, acting_user=org.users["comms"], part="all", save=lambda: None)
    with pytest.raises(ValidationError, match="only drafts can be changed"):
        actions.adopt_version(
            first, acting_user=org.users["comms"], adopted_by="x", adopted_on=date(2026, 1, 1)
        )
    assert PolicyVersion.objects.get(pk=first.pk).adopted_by == "Byrådet"


def test_a_social_media_draft_without_answer_times_cannot_be_adopted(org):
    policy = actions.create_policy(
        acting_user=org.users["comms"],
        municipality=org.municipality,
        title="Ny politik",
        governs_social_media=True,
    )
    draft = policy.versions.get()

    with pytest.raises(ValidationError, match="at least one answer time"):
        actions.adopt_version(
            draft, acting_user=org.users["comms"], adopted_by="x", adopted_on=date(2026, 1, 1)
        )
    assert PolicyVersion.objects.get(pk=draft.pk).status == PolicyStatus.DRAFT


def test_answer_time_rule_prefers_the_item_kind_over_any(org):
    _policy, version = adopted_policy(org)
    AnswerTimeRule.objects.create(
        version=version, platform="facebook", item_kind="message", answer_minutes=60
    )

    assert answer_time_rule(version, "facebook", "message").answer_minutes == 60
    assert answer_time_rule(version, "facebook", "comment").answer_minutes == 2880
    assert answer_time_rule(version, "youtube", "comment") is None


def test_only_one_policy_can_govern_social_media(org):
    adopted_policy(org)

    with pytest.raises(ValidationError, match="already has a policy"):
        actions.create_policy(
            acting_user=org.users["comms"],
            municipality=org.municipality,
            title="En til",
            governs_social_media=True,
        )


def test_fill_draft_helper_builds_a_complete_version(org):
    policy = actions.create_policy(
        acting_user=org.users["comms"], municipality=org.municipality, title="Under"
    )
    version = fill_draft(policy.versions.get())
    assert sorted(set(version.sections.values_list("audience", flat=True))) == [
        "citizens",
        "employees",
        "everyone",
        "politicians",
    ]
