"""Composing, approving and scheduling posts: the states, the approval tiers, the platforms'
limits, personal ID numbers, crisis mode and the notices."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from audit.models import AuditEntry
from moderation import actions as moderation_actions
from moderation.models import Notification
from platforms import post_rules
from strategy import publishing
from strategy.models import Post, PostStatus

from .post_support import draft, submitted, x_channel_a

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def _png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (31, 119, 180)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def picture():
    return SimpleUploadedFile("billede.png", PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- the platforms' limits --------------------------------------------------------------


def test_x_counts_every_link_as_23_characters():
    # https://docs.x.com/fundamentals/counting-characters: a URL counts 23 whatever its length
    link = "https://www.testby.dk/" + "a" * 100
    text = "b" * 257 + " " + link
    assert post_rules.length("x", text) == 257 + 1 + 23 == 281
    assert [p.code for p in post_rules.problems("x", text)] == ["too_long"]
    assert post_rules.problems("x", "b" * 256 + " " + link) == []


def test_the_link_is_added_to_the_text_where_the_platform_takes_it_there():
    assert post_rules.full_text("x", "Læs mere", "https://testby.dk") == (
        "Læs mere\n\nhttps://testby.dk"
    )
    # Facebook takes the link as its own parameter (a link preview)
    assert post_rules.full_text("facebook", "Læs mere", "https://testby.dk") == "Læs mere"
    # and on X the added link counts 23 too
    assert post_rules.length("x", post_rules.full_text("x", "a", "https://x.dk/" + "z" * 50)) == 26


@pytest.mark.parametrize(
    ("platform", "limit"), [("linkedin", 3000), ("facebook", 63206), ("instagram", 2200)]
)
def test_each_platform_has_its_length_limit(platform, limit):
    fits = "a" * limit
    picture = platform == "instagram"  # Instagram needs one
    assert [p.code for p in post_rules.problems(platform, fits, picture=picture)] == []
    problems = post_rules.problems(platform, fits + "a", picture=picture)
    assert [(p.code, p.limit, p.value) for p in problems] == [("too_long", limit, limit + 1)]
    # with a picture (taken everywhere here) the limit is the same
    problems = post_rules.problems(platform, fits + "a", picture=True)
    assert [(p.code, p.limit, p.value) for p in problems] == [("too_long", limit, limit + 1)]


def test_instagram_takes_30_hashtags_and_needs_a_picture():
    thirty = " ".join(f"#tag{n}" for n in range(30))
    assert post_rules.problems("instagram", thirty, picture=True) == []
    codes = [p.code for p in post_rules.problems("instagram", thirty + " #en_til")]
    assert codes == ["too_many_hashtags", "picture_required"]


def test_linkedin_takes_a_picture_through_the_images_api_and_x_does_not():
    assert post_rules.problems("linkedin", "Hej", picture=True) == []
    assert post_rules.problems("linkedin", "Hej") == []
    assert post_rules.RULES["linkedin"].picture == post_rules.ALLOWED
    codes = [p.code for p in post_rules.problems("x", "Hej", picture=True)]
    assert codes == ["picture_not_offered"]


def test_youtube_is_not_offered():
    assert [p.code for p in post_rules.problems("youtube", "Hej")] == ["not_publishable"]


def test_a_draft_too_long_for_x_is_refused_on_the_server_and_nothing_is_saved(org):
    x = x_channel_a(org)
    with pytest.raises(publishing.PostError) as caught:
        draft(org, channels=[x], text="a" * 281)
    assert caught.value.field == "text"
    assert "280" in str(caught.value)
    assert not Post.objects.exists()


def test_a_variant_is_checked_against_its_own_platform(org):
    x = x_channel_a(org)
    post = draft(
        org,
        channels=[org.channels["a"], x],
        text="a" * 400,
        variants={x.pk: "Kort udgave til X"},
    )
    assert {t.channel_id: t.final_text for t in post.targets.all()} == {
        org.channels["a"].pk: "a" * 400,
        x.pk: "Kort udgave til X",
    }
    with pytest.raises(publishing.PostError) as caught:
        publishing.save_draft(
            post,
            acting_user=org.users["editor"],
            title="t",
            text="kort",
            channels=[x],
            variants={x.pk: "b" * 300},
        )
    assert caught.value.field == f"text_{x.pk}"


def test_personal_id_numbers_are_refused_in_the_text_and_the_variants(org):
    with pytest.raises(publishing.PostError) as caught:
        draft(org, text="Vinderen har CPR 070761-4285")
    assert caught.value.field == "text"
    x = x_channel_a(org)
    with pytest.raises(publishing.PostError) as caught:
        draft(org, variants={x.pk: "Mit CPR er 070761-4285"})
    assert caught.value.field == f"text_{x.pk}"
    assert not Post.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="posts.").exists()


def test_instagram_without_a_picture_is_refused_and_with_one_accepted(org):
    instagram = org.channels["b"]
    with translation.override("en"), pytest.raises(publishing.PostError) as caught:
        draft(org, author="comms", channels=[instagram])
    assert str(caught.value) == "Instagram publishes only posts with a picture: add one."
    post = draft(org, author="comms", channels=[instagram], picture=picture())
    assert post.picture.name.startswith(f"posts/{post.picture_key}/")


def test_an_editor_cannot_write_for_another_departments_channel(org):
    with pytest.raises(publishing.PostError):
        draft(org, channels=[org.channels["b"]])
    assert not Post.objects.exists()


# --- the states and the approval tiers ------------------------------------------------


def test_a_post_walks_from_draft_to_scheduled_with_an_audit_row_for_each_step(org):
    with time_machine.travel(NOW, tick=False):
        post = draft(org)
        assert post.status == PostStatus.DRAFT
        publishing.submit(post, acting_user=org.users["editor"])
        post.refresh_from_db()
        assert post.status == PostStatus.SUBMITTED
        publishing.approve(
            post, acting_user=org.users["manager_a"], scheduled_at=NOW + timedelta(days=1)
        )
    post.refresh_from_db()
    assert (post.status, post.scheduled_at, post.decided_by) == (
        PostStatus.SCHEDULED,
        NOW + timedelta(days=1),
        org.users["manager_a"],
    )
    rows = list(
        AuditEntry.objects.filter(action__startswith="posts.")
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert rows == [
        ("posts.created", "editor"),
        ("posts.submitted", "editor"),
        ("posts.approved", "manager_a"),
        ("posts.scheduled", "manager_a"),
    ]
    approved = AuditEntry.objects.get(action="posts.approved")
    assert (approved.before["status"], approved.after["status"]) == ("submitted", "approved")


def test_submitting_tells_the_approvers_of_the_departments_page(org):
    post = submitted(org)
    # Department A's page: its deputy (and centre manager) manager_a; never the author.
    assert [p.username for p in publishing.approvers(post)] == ["manager_a"]
    assert list(
        Notification.objects.filter(kind="post_review").values_list("user__username", flat=True)
    ) == ["manager_a"]


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("editor", False),  # the author approves nothing of their own
        ("manager_a", True),  # the centre's manager
        ("manager_b", False),
        ("comms", False),  # a department's page is the department's call
        ("staff", False),
        ("superuser", True),
    ],
)
def test_a_departments_post_is_approved_by_its_page_owner_or_centre_manager(org, persona, allowed):
    post = submitted(org)
    if allowed:
        publishing.approve(post, acting_user=org.users[persona])
        post.refresh_from_db()
        assert post.status == PostStatus.APPROVED
    else:
        with pytest.raises(publishing.PostError):
            publishing.approve(post, acting_user=org.users[persona])
        post.refresh_from_db()
        assert post.status == PostStatus.SUBMITTED
        assert not AuditEntry.objects.filter(action="posts.approved").exists()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("comms_lead", True), ("comms", False), ("manager_a", False), ("editor", False)],
)
def test_a_central_post_is_approved_by_the_communications_team(org, persona, allowed):
    # comms writes it; another member of the team approves
    post = submitted(org, author="comms", channels=[org.channels["central"]])
    assert [p.username for p in publishing.approvers(post)] == ["comms_lead"]
    if allowed:
        publishing.approve(post, acting_user=org.users[persona])
        assert Post.objects.get(pk=post.pk).status == PostStatus.APPROVED
    else:
        with pytest.raises(publishing.PostError):
            publishing.approve(post, acting_user=org.users[persona])
        assert Post.objects.get(pk=post.pk).status == PostStatus.SUBMITTED


def test_a_rejected_post_goes_back_to_draft_with_the_reason_for_the_author(org):
    post = submitted(org)
    publishing.reject(post, acting_user=org.users["manager_a"], reason="Tjek åbningstiden.")
    post.refresh_from_db()
    assert (post.status, post.rejection_reason) == (PostStatus.DRAFT, "Tjek åbningstiden.")
    [note] = Notification.objects.filter(kind="post_decided", user=org.users["editor"])
    assert "Tjek åbningstiden." in note.message
    entry = AuditEntry.objects.get(action="posts.rejected")
    assert (entry.note, entry.after["status"]) == ("Tjek åbningstiden.", "draft")


def test_rejecting_needs_a_reason(org):
    post = submitted(org)
    with pytest.raises(publishing.PostError):
        publishing.reject(post, acting_user=org.users["manager_a"], reason=" ")
    assert Post.objects.get(pk=post.pk).status == PostStatus.SUBMITTED


def test_only_a_draft_can_be_changed_and_only_a_submitted_post_approved(org):
    post = submitted(org)
    with pytest.raises(publishing.PostConflict):
        publishing.save_draft(
            post, acting_user=org.users["editor"], title="x", text="y", channels=[org.channels["a"]]
        )
    with pytest.raises(publishing.PostConflict):
        publishing.submit(post, acting_user=org.users["editor"])
    publishing.approve(post, acting_user=org.users["manager_a"])
    with pytest.raises(publishing.PostConflict):
        publishing.approve(post, acting_user=org.users["manager_a"])


def test_scheduling_needs_a_time_in_the_future(org):
    post = submitted(org)
    publishing.approve(post, acting_user=org.users["manager_a"])
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(publishing.PostError):
            publishing.schedule(post, NOW - timedelta(minutes=1), acting_user=org.users["editor"])
        publishing.schedule(
            post, NOW + timedelta(hours=2, seconds=31), acting_user=org.users["editor"]
        )
    post.refresh_from_db()
    # Whole minutes: the beat task publishes at the start of the minute
    assert (post.status, post.scheduled_at) == (PostStatus.SCHEDULED, NOW + timedelta(hours=2))


def test_comments_on_a_draft_are_kept_and_told_to_the_author(org):
    post = draft(org)
    publishing.add_comment(post, "Skal vi nævne parkering?", acting_user=org.users["manager_a"])
    assert list(post.comments.values_list("author__username", "text")) == [
        ("manager_a", "Skal vi nævne parkering?")
    ]
    assert Notification.objects.filter(user=org.users["editor"], kind="post_review").count() == 1
    assert (
        AuditEntry.objects.filter(action="posts.commented", actor=org.users["manager_a"]).count()
        == 1
    )


# --- crisis mode ------------------------------------------------------------------------


def test_in_crisis_mode_the_communications_lead_publishes_at_once_audited(org):
    post = draft(org, author="comms", channels=[org.channels["central"]])
    lead = org.users["comms_lead"]
    with pytest.raises(publishing.PostConflict):
        publishing.publish_now(post, acting_user=lead)  # no crisis yet
    moderation_actions.start_crisis(org.municipality, acting_user=lead, reason="Storm")
    with pytest.raises(publishing.PostError):
        publishing.publish_now(post, acting_user=org.users["comms"])  # not the lead
    assert Post.objects.get(pk=post.pk).status == PostStatus.DRAFT

    publishing.publish_now(post, acting_user=lead)

    post.refresh_from_db()
    assert (post.status, post.crisis_publish, post.decided_by) == (
        PostStatus.PUBLISHING,
        True,
        lead,
    )
    entry = AuditEntry.objects.get(action="posts.published_in_crisis")
    assert (entry.actor, entry.before, entry.after) == (
        lead,
        {"status": "draft"},
        {"status": "publishing"},
    )
    [target] = post.targets.all()
    assert target.outbox_message.idempotency_key == f"post-target:{target.pk}"
