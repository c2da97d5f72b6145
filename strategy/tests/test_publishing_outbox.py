"""Publishing through the outbox against the simulator: the beat task starts due posts, each
channel is published once whatever the platform's faults, a post is "published" only when the
platform confirmed it with an id, and a failure is shown, told and can be sent again."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
import time_machine
from django.utils import translation

from audit.models import AuditEntry
from moderation.models import Notification, OutboxMessage, OutboxStatus
from moderation.tests.polling_support import add_fault, connect, make_channel
from strategy import publishing
from strategy.models import OwnPost, Post, PostSource, PostStatus, TargetStatus
from strategy.tasks import publish_due_posts

from .post_support import draft
from .test_posts import picture

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://kommune.example"


@pytest.fixture
def send_now(monkeypatch):
    """The outbox's send task runs at once in this process (as a worker would)."""
    from moderation.polling import tasks

    monkeypatch.setattr(tasks.send_outbox_message, "delay", tasks.send_outbox_message)


def sim_posts(sim, platform=None):
    params = {"platform": platform} if platform else {}
    answer = requests.get(f"{sim.url}/_sim/posts", params=params, timeout=5)
    assert answer.status_code == 200
    return answer.json()["posts"]


def scheduled(org, channels, *, author="comms", approver="comms_lead", **extra):
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        post = draft(org, author=author, channels=channels, **extra)
        publishing.submit(post, acting_user=org.users[author])
        publishing.approve(post, acting_user=org.users[approver], scheduled_at=NOW)
    return Post.objects.get(pk=post.pk)


def run_beat(django_capture_on_commit_callbacks, at=NOW):
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        return publish_due_posts()


def test_a_scheduled_post_is_published_on_two_platforms_at_its_minute(
    org, sim, send_now, django_capture_on_commit_callbacks
):
    facebook = make_channel(org, "facebook")
    x = make_channel(org, "x")
    connect(facebook), connect(x)
    post = scheduled(org, [facebook, x], link="https://testby.dk/svoem")

    # A minute early nothing happens
    assert run_beat(django_capture_on_commit_callbacks, NOW - timedelta(minutes=1)) == 0
    assert sim_posts(sim) == []

    assert run_beat(django_capture_on_commit_callbacks) == 1

    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    published = {p["platform"]: p for p in sim_posts(sim)}
    assert set(published) == {"facebook", "x"}
    # Facebook takes the link as its parameter; X finds it at the end of the text
    assert (published["facebook"]["message"], published["facebook"]["link"]) == (
        "Svømmehallen åbner igen mandag.",
        "https://testby.dk/svoem",
    )
    assert published["x"]["message"] == "Svømmehallen åbner igen mandag.\n\nhttps://testby.dk/svoem"
    targets = {t.channel.platform: t for t in post.targets.select_related("channel")}
    for platform, target in targets.items():
        assert target.status == TargetStatus.PUBLISHED
        assert target.external_id == published[platform]["id"]
        assert target.published_at is not None
    assert (
        targets["facebook"].permalink == f"https://www.facebook.com/{published['facebook']['id']}"
    )
    assert targets["x"].permalink == f"https://x.com/i/web/status/{published['x']['id']}"
    hooks = AuditEntry.objects.filter(action="posts.published_on_channel")
    assert sorted(e.data["external_id"] for e in hooks) == sorted(
        p["id"] for p in published.values()
    )
    assert Notification.objects.filter(kind="post_published", user=org.users["comms"]).count() == 1
    # Each confirmed channel's post joins its own posts, whose figures the collector reads
    own = {o.channel.platform: o for o in OwnPost.objects.select_related("channel")}
    assert set(own) == {"facebook", "x"}
    for platform, target in targets.items():
        assert (own[platform].external_id, own[platform].post_target_id) == (
            target.external_id,
            target.pk,
        )
        assert own[platform].source == PostSource.PUBLISHED_HERE
    # Running the beat again publishes nothing more
    assert run_beat(django_capture_on_commit_callbacks, NOW + timedelta(minutes=1)) == 0
    assert len(sim_posts(sim)) == 2


def test_instagram_gets_the_picture_by_its_public_address_in_two_steps(
    org, sim, send_now, django_capture_on_commit_callbacks
):
    instagram = make_channel(org, "instagram")
    facebook = make_channel(org, "facebook")
    connect(instagram), connect(facebook)
    post = scheduled(org, [instagram, facebook], picture=picture(), text="Nyt tag #testby")

    run_beat(django_capture_on_commit_callbacks)

    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    address = f"https://kommune.example/strategy/posts/pictures/{post.picture_key}/"
    published = {p["platform"]: p for p in sim_posts(sim)}
    assert published["instagram"]["image_url"] == address
    assert published["instagram"]["message"] == "Nyt tag #testby"
    assert published["facebook"]["image_url"] == address
    target = post.targets.get(channel=instagram)
    assert target.external_id == published["instagram"]["id"]
    # Instagram's own permalink (read after media_publish)
    assert target.permalink.startswith("https://www.instagram.com/p/")


def test_the_public_picture_is_served_once_approved_but_not_for_a_draft(org, client):
    post = draft(org, author="comms", channels=[org.channels["central"]], picture=picture())
    address = f"/strategy/posts/pictures/{post.picture_key}/"
    assert client.get(address).status_code == 404
    Post.objects.filter(pk=post.pk).update(status=PostStatus.SCHEDULED)
    answer = client.get(address)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("fault", ["throttle", "server_error", "timeout"])
def test_a_passing_fault_is_retried_and_the_post_is_published_once(
    org, sim, send_now, django_capture_on_commit_callbacks, fault
):
    facebook = make_channel(org, "facebook")
    connect(facebook)
    post = scheduled(org, [facebook])
    add_fault(sim, "facebook", fault, count=1)

    run_beat(django_capture_on_commit_callbacks)

    post.refresh_from_db()
    [target] = post.targets.all()
    assert (post.status, target.status) == (PostStatus.PUBLISHING, TargetStatus.SENDING)
    message = target.outbox_message
    assert message.status == OutboxStatus.PENDING
    # The retry (the outbox sweep, at the retry time)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
    from moderation import outbox

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.deliver(message.pk) == OutboxStatus.SENT
    assert len(sim_posts(sim, "facebook")) == 1
    post.refresh_from_db()
    target.refresh_from_db()
    assert (post.status, target.status) == (PostStatus.PUBLISHED, TargetStatus.PUBLISHED)
    assert target.external_id == sim_posts(sim, "facebook")[0]["id"]


def test_an_expired_token_fails_the_post_shows_why_and_it_can_be_sent_again(
    org, sim, send_now, django_capture_on_commit_callbacks
):
    facebook = make_channel(org, "facebook")
    x = make_channel(org, "x")
    connect(facebook), connect(x)
    post = scheduled(org, [facebook, x])
    add_fault(sim, "facebook", "token_expired", count=1)

    run_beat(django_capture_on_commit_callbacks)

    post.refresh_from_db()
    targets = {t.channel.platform: t for t in post.targets.select_related("channel")}
    assert post.status == PostStatus.FAILED
    assert targets["x"].status == TargetStatus.PUBLISHED
    assert targets["facebook"].status == TargetStatus.FAILED
    assert targets["facebook"].failure == "reconnect"
    with translation.override("en"):
        assert "connected again" in str(targets["facebook"].failure_text())
    assert [p["platform"] for p in sim_posts(sim)] == ["x"]
    assert Notification.objects.filter(kind="not_sent", user=org.users["comms"]).count() == 1
    assert AuditEntry.objects.filter(action="posts.failed").count() == 1

    # The channel is reconnected; sending again publishes Facebook only, and X not twice
    connect_again = facebook.connection
    connect_again.token_status = "valid"
    connect_again.save(update_fields=["token_status"])
    with django_capture_on_commit_callbacks(execute=True):
        publishing.retry(post, acting_user=org.users["comms"])

    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert sorted(p["platform"] for p in sim_posts(sim)) == ["facebook", "x"]
    assert AuditEntry.objects.filter(action="posts.retried").count() == 1


def test_retry_after_a_lost_answer_looks_first_and_never_posts_twice(
    org, sim, send_now, django_capture_on_commit_callbacks
):
    x = make_channel(org, "x")
    connect(x)
    post = scheduled(org, [x])
    # The platform publishes, but the answer never comes back, six times over
    add_fault(sim, "x", "timeout", count=1)
    run_beat(django_capture_on_commit_callbacks)
    [target] = post.targets.all()
    message = target.outbox_message
    message.refresh_from_db()
    assert message.outcome_unknown is True
    # The outbox gives up (its attempts are spent) and the post fails
    from moderation import outbox

    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=outbox.MAX_ATTEMPTS, next_attempt_at=None
    )
    add_fault(sim, "x", "server_error", count=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.deliver(message.pk) == OutboxStatus.FAILED
    post.refresh_from_db()
    assert post.status == PostStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        publishing.retry(post, acting_user=org.users["comms"])

    # The retry found the post the first attempt published: one post on X, and it is ours
    post.refresh_from_db()
    target.refresh_from_db()
    [only] = sim_posts(sim, "x")
    assert (post.status, target.external_id) == (PostStatus.PUBLISHED, only["id"])


def sim_actions(sim, kind):
    answer = requests.get(
        f"{sim.url}/_sim/actions", params={"platform": "linkedin", "kind": kind}, timeout=5
    )
    assert answer.status_code == 200
    return answer.json()


def test_linkedin_gets_the_picture_uploaded_from_storage_and_named_by_the_post(
    org, sim, send_now, django_capture_on_commit_callbacks
):
    linkedin = make_channel(org, "linkedin")
    connect(linkedin)
    post = scheduled(org, [linkedin], picture=picture(), text="Ny cykelsti", picture_alt="Stien")

    run_beat(django_capture_on_commit_callbacks)

    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    [upload] = sim_actions(sim, "upload")
    with post.picture.open("rb") as stored:
        size = len(stored.read())
    assert upload["detail"] == f"{size} bytes, image/png"
    [published] = sim_posts(sim, "linkedin")
    assert published["image"] == {
        "id": upload["target_id"],
        "alt": "Stien",
        "size": size,
        "content_type": "image/png",
    }
    assert post.targets.get().external_id == published["id"]


def test_linkedin_retry_after_a_lost_answer_neither_uploads_nor_posts_twice(
    org, sim, send_now, django_capture_on_commit_callbacks
):
    linkedin = make_channel(org, "linkedin")
    connect(linkedin)
    post = scheduled(org, [linkedin], picture=picture(), text="Ny cykelsti")
    # initializeUpload and the upload pass; the post is made but its answer never comes
    add_fault(sim, "linkedin", "timeout", count=1, skip=2)

    run_beat(django_capture_on_commit_callbacks)

    [target] = post.targets.all()
    message = target.outbox_message
    message.refresh_from_db()
    assert (message.status, message.outcome_unknown) == (OutboxStatus.PENDING, True)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
    from moderation import outbox

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.deliver(message.pk) == OutboxStatus.SENT

    # The retry found the post: one upload, one post, carrying the uploaded image
    [upload] = sim_actions(sim, "upload")
    [published] = sim_posts(sim, "linkedin")
    assert published["image"]["id"] == upload["target_id"]
    post.refresh_from_db()
    target.refresh_from_db()
    assert (post.status, target.external_id) == (PostStatus.PUBLISHED, published["id"])


def test_a_refused_linkedin_upload_fails_the_post_and_says_why(
    org, sim, send_now, django_capture_on_commit_callbacks
):
    linkedin = make_channel(org, "linkedin")
    connect(linkedin)
    post = scheduled(org, [linkedin], picture=picture(), text="Ny cykelsti")
    # initializeUpload passes; the upload is refused for an expired token
    add_fault(sim, "linkedin", "token_expired", count=1, skip=1)

    run_beat(django_capture_on_commit_callbacks)

    post.refresh_from_db()
    [target] = post.targets.all()
    assert (post.status, target.status, target.failure) == (
        PostStatus.FAILED,
        TargetStatus.FAILED,
        "reconnect",
    )
    with translation.override("en"):
        assert "connected again" in str(target.failure_text())
    assert sim_posts(sim, "linkedin") == []
    assert sim_actions(sim, "upload") == []
