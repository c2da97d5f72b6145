"""The posts pages and /api/v1/posts/: compose (with the server's checks), the post's page with
its steps, the week and month calendar, the API's steps with the same rules, and the pinned
number of queries of the list, the calendar and the list endpoint."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from core.testing import PASSWORD
from strategy import publishing
from strategy.models import Post, PostStatus

from .models_for_cases import plan_item
from .post_support import draft, x_channel_a

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # a Wednesday


def login(client, persona):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username=persona, password=PASSWORD)


def test_composing_a_post_for_two_channels_saves_a_draft_with_a_variant(client, org):
    login(client, "editor")
    x = x_channel_a(org)
    item = plan_item()
    page = client.get(reverse("strategy:post-create"))
    assert page.status_code == 200
    assert b"YouTube is not offered" in page.content

    answer = client.post(
        reverse("strategy:post-create"),
        {
            "title": "Svømmehal",
            "text": "Svømmehallen åbner igen mandag.",
            "link": "https://testby.dk/svoem",
            "channels": [org.channels["a"].pk, x.pk],
            f"text_{x.pk}": "Svømmehallen åbner mandag",
            "plan_item": item.pk,
        },
    )

    post = Post.objects.get()
    assert answer.status_code == 302 and answer["Location"] == post.get_absolute_url()
    assert (post.status, post.author, post.plan_item, post.theme) == (
        PostStatus.DRAFT,
        org.users["editor"],
        item,
        item.theme,
    )
    assert {t.channel_id: t.text for t in post.targets.all()} == {
        org.channels["a"].pk: "",
        x.pk: "Svømmehallen åbner mandag",
    }
    detail = client.get(post.get_absolute_url())
    # The preview per platform: X with the link at the end, counted as 23
    assert "Svømmehallen åbner mandag<br><br>https://testby.dk/svoem".encode() in detail.content
    assert b"50 of 280 characters" in detail.content


def test_the_compose_page_refuses_what_does_not_fit_and_keeps_the_input(client, org):
    login(client, "editor")
    x = x_channel_a(org)
    answer = client.post(
        reverse("strategy:post-create"),
        {"title": "t", "text": "a" * 300 + " CPR 070761-4285", "channels": [x.pk]},
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "personal identification number" in text
    assert "a" * 300 in text
    assert not Post.objects.exists()


def test_the_approver_approves_and_schedules_on_the_posts_page(client, org):
    post = draft(org)
    publishing.submit(post, acting_user=org.users["editor"])
    login(client, "manager_a")
    page = client.get(post.get_absolute_url())
    assert b"Approve" in page.content
    with time_machine.travel(NOW, tick=False):
        answer = client.post(
            reverse("strategy:post-approve", args=[post.pk]),
            {"scheduled_at": "2026-11-20T10:15"},
        )
    assert answer.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED
    # 10:15 in Copenhagen is 09:15 UTC
    assert post.scheduled_at == datetime(2026, 11, 20, 9, 15, tzinfo=UTC)


def test_the_author_sees_the_reason_of_a_rejection(client, org):
    post = draft(org)
    publishing.submit(post, acting_user=org.users["editor"])
    login(client, "manager_a")
    client.post(reverse("strategy:post-reject", args=[post.pk]), {"reason": "Forkert dato."})
    client.logout()
    login(client, "editor")
    page = client.get(post.get_absolute_url())
    assert b"Forkert dato." in page.content
    assert b"Send for approval" in page.content
    # who decided is named for what they decided
    assert b'<dt>Sent back by</dt><dd data-decided="rejected">' in page.content
    assert b"Approved by" not in page.content

    publishing.submit(post, acting_user=org.users["editor"])
    client.logout()
    login(client, "manager_a")
    client.post(reverse("strategy:post-approve", args=[post.pk]))
    page = client.get(post.get_absolute_url())
    assert b'<dt>Approved by</dt><dd data-decided="approved">' in page.content
    assert b"Sent back by" not in page.content


def _fill(org, count):
    x = x_channel_a(org)
    for index in range(count):
        post = draft(org, author="comms", channels=[org.channels["a"], x], title=f"Opslag {index}")
        status = PostStatus.PUBLISHED if index % 2 else PostStatus.SCHEDULED
        moment = NOW + timedelta(hours=index)
        Post.objects.filter(pk=post.pk).update(
            status=status,
            scheduled_at=moment,
            published_at=moment if status == PostStatus.PUBLISHED else None,
        )


# session, user, memberships with their centres (3), then the page's own queries
PAGES = {
    # posts, their channels
    "strategy:posts": 3 + 2,
    # posts of the period, their channels
    "strategy:post-calendar": 3 + 2,
    # count, posts, their channels
    "post-list": 3 + 3,
}


@pytest.mark.parametrize("route", list(PAGES))
@pytest.mark.parametrize("persona", ["comms", "editor"])
def test_the_lists_and_the_calendar_do_not_grow(
    client, org, django_assert_num_queries, route, persona
):
    login(client, persona)
    url = reverse(route) + ("?date=2026-11-18" if route == "strategy:post-calendar" else "")
    counts = []
    for size in (2, 10):
        _fill(org, size - Post.objects.count())
        with time_machine.travel(NOW, tick=False), django_assert_num_queries(PAGES[route]):
            answer = client.get(url)
        assert answer.status_code == 200
        counts.append(size)
    with time_machine.travel(NOW, tick=False):
        week = client.get(reverse("strategy:post-calendar") + "?date=2026-11-18")
    assert week.content.count(b"post-calendar-entry") == 10


def test_the_month_shows_the_posts_on_their_days(client, org):
    _fill(org, 3)
    login(client, "comms")
    with time_machine.travel(NOW, tick=False):
        month = client.get(reverse("strategy:post-calendar") + "?view=month&date=2026-11-18")
        assert month.content.count(b"post-calendar-entry") == 3
        december = client.get(reverse("strategy:post-calendar") + "?view=month&date=2026-12-01")
        assert december.content.count(b"post-calendar-entry") == 0


# --- the API ---------------------------------------------------------------------------


def test_the_api_composes_submits_and_approves_with_the_same_rules(client, org):
    login(client, "editor")
    x = x_channel_a(org)
    created = client.post(
        reverse("post-list"),
        {
            "text": "Svømmehallen åbner igen mandag.",
            "channels": [org.channels["a"].pk, x.pk],
            "variants": {str(x.pk): "Kort til X"},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["title"]) == ("draft", "Svømmehallen åbner igen mandag.")
    assert sorted(t["platform"] for t in body["targets"]) == ["facebook", "x"]
    pk = body["id"]

    assert client.post(reverse("post-submit", args=[pk])).status_code == 200
    # The author cannot approve their own post
    assert client.post(reverse("post-approve", args=[pk])).status_code == 403
    client.logout()
    login(client, "manager_a")
    approved = client.post(
        reverse("post-approve", args=[pk]),
        {"scheduled_at": "2030-05-01T08:00:00Z"},
        content_type="application/json",
    )
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["scheduled_at"]) == (
        "scheduled",
        "2030-05-01T10:00:00+02:00",
    )


def test_the_api_refuses_an_id_number_on_its_field_and_too_long_text(client, org):
    login(client, "editor")
    x = x_channel_a(org)
    refused = client.post(
        reverse("post-list"),
        {"text": "CPR 070761-4285", "channels": [x.pk]},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "text" in refused.json()["errors"]
    too_long = client.post(
        reverse("post-list"),
        {"text": "a" * 281, "channels": [x.pk]},
        content_type="application/json",
    )
    assert too_long.status_code == 400
    assert not Post.objects.exists()


def test_the_api_answers_409_for_a_step_the_state_does_not_allow(client, org):
    post = draft(org)
    login(client, "editor")
    client.post(reverse("post-submit", args=[post.pk]))
    # a submitted post is no longer changed
    answer = client.patch(
        reverse("post-detail", args=[post.pk]), {"text": "Nyt"}, content_type="application/json"
    )
    assert answer.status_code == 403
    assert Post.objects.get(pk=post.pk).text == "Svømmehallen åbner igen mandag."


def test_the_openapi_schema_describes_the_posts_endpoints(client, org):
    login(client, "comms")
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/posts/",
        "/api/v1/posts/{id}/",
        "/api/v1/posts/{id}/submit/",
        "/api/v1/posts/{id}/approve/",
        "/api/v1/posts/{id}/reject/",
        "/api/v1/posts/{id}/comment/",
        "/api/v1/posts/{id}/schedule/",
        "/api/v1/posts/{id}/publish-now/",
        "/api/v1/posts/{id}/retry/",
    ):
        assert path in paths, path
    assert "put" not in paths["/api/v1/posts/{id}/"]
