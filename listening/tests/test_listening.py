"""Listening end to end against the simulator: reading streams (idempotent, masked text, own
posts left out), the budgets (X's monthly cap, YouTube's search calls and units, Instagram's
30 hashtags), throttling and dead tokens, the actions, the page and the API with their query
counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from listening import actions, reader
from listening.models import HashtagSearch, ListeningHit, ListeningSpend, ListeningStream
from moderation.models import ApiQuotaDay, QueueItem
from moderation.polling import quota
from moderation.tests.polling_support import TIMEOUT, connect, make_channel

pytestmark = pytest.mark.django_db


def public(sim, platform, message, **body):
    body.setdefault("author_name", "Borger 5")
    response = requests.post(
        f"{sim.url}/_sim/{platform}/public_posts",
        json={"message": message, **body},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return response.json()


def fault(sim, platform, kind, **body):
    response = requests.post(
        f"{sim.url}/_sim/faults", json={"platform": platform, "kind": kind, **body}, timeout=TIMEOUT
    )
    assert response.status_code == 200, response.text


def stream_on(org, platform, query="#havnebad", **fields):
    channel = make_channel(org, platform)
    connect(channel)
    return actions.create_stream(
        name=f"Strøm {platform}",
        channel=channel,
        kind=fields.pop("kind", "search"),
        query=query,
        acting_user=org.users["comms"],
        **fields,
    )


def test_reading_twice_stores_each_post_once_masked_and_updates_engagement(org, sim):
    stream = stream_on(org, "x")
    public(sim, "x", "Dejligt i #havnebad, mit cpr er 010203-1234", likes=3)
    public(sim, "x", "#havnebad er lukket?", likes=9)

    first = reader.read_stream(stream.pk)
    second = reader.read_stream(stream.pk, now=timezone.now() + timedelta(hours=1))

    assert (first.status, first.created) == (reader.STORED, 2)
    assert (second.status, second.created) == (reader.STORED, 0)
    texts = sorted(ListeningHit.objects.values_list("text", flat=True))
    assert texts[0].startswith("#havnebad er lukket")
    assert "010203-1234" not in texts[1] and "cpr er" in texts[1]
    stream.refresh_from_db()
    assert stream.state == "" and stream.cursor["since_id"]


def test_store_hits_is_idempotent_and_refreshes_numbers(org):
    from platforms.listening import PublicPost

    channel = make_channel(org, "x")
    stream = ListeningStream.objects.create(name="s", channel=channel, query="#a")
    now = timezone.now()
    post = PublicPost("1", "#a", "9", "@a", None, now, likes=1)
    assert reader.store_hits(stream, [post, post], now) == 1
    assert (
        reader.store_hits(stream, [PublicPost("1", "#a", "9", "@a", None, now, likes=7)], now) == 0
    )
    hit = ListeningHit.objects.get()
    assert (hit.likes, hit.engagement) == (7, 7)


def test_x_reads_are_charged_and_stop_at_the_monthly_cap(org, sim, settings):
    settings.LISTENING_X_COST_PER_POST = 0.01
    settings.LISTENING_X_MONTHLY_CAP = 0.3
    stream = stream_on(org, "x")
    for n in range(25):
        public(sim, "x", f"#havnebad {n}")

    outcome = reader.read_stream(stream.pk)

    assert outcome.status == reader.STORED
    spend = ListeningSpend.objects.get(platform="x")
    # The cap pays for 30 posts: one page of 30 was asked, 25 came back and were billed.
    assert (spend.posts_read, spend.cost_usd) == (25, Decimal("0.2500"))

    later = timezone.now() + timedelta(hours=1)
    stopped = reader.read_stream(stream.pk, now=later)
    assert stopped.status == reader.BUDGET
    stream.refresh_from_db()
    assert stream.state == "budget" and "0.25" in stream.last_error


def test_x_throttle_pauses_the_stream_until_the_reset(org, sim):
    stream = stream_on(org, "x")
    fault(sim, "x", "throttle", reset_after_seconds=300)

    outcome = reader.read_stream(stream.pk)

    assert outcome.status == reader.THROTTLED
    stream.refresh_from_db()
    assert stream.state == "throttled"
    assert stream.paused_until >= timezone.now() + timedelta(seconds=250)
    assert reader.read_stream(stream.pk).status == reader.SKIPPED


def test_a_dead_token_marks_the_channel_and_the_stream(org, sim):
    stream = stream_on(org, "x")
    fault(sim, "x", "token_expired")

    outcome = reader.read_stream(stream.pk)

    assert outcome.status == reader.RECONNECT
    stream.refresh_from_db()
    assert stream.state == "reconnect"
    assert stream.channel.connection.token_status == "needs_reconnect"


def test_youtube_search_is_charged_to_the_project_day_and_respects_the_reserve(org, sim, settings):
    stream = stream_on(org, "youtube", query="havnebad")
    public(sim, "youtube", "Havnebad åbner for sæsonen", views=40, likes=4)

    outcome = reader.read_stream(stream.pk)

    assert (outcome.status, outcome.created) == (reader.STORED, 1)
    day = ApiQuotaDay.objects.get(platform="youtube")
    assert (day.search_calls, day.units_listening, day.units_read) == (1, 1, 0)
    budget = quota.youtube_budget()
    assert budget.read_units_left == budget.quota - budget.reserve - 1

    # Only the reserve for replies and moderation is left: listening makes no call.
    ApiQuotaDay.objects.filter(pk=day.pk).update(units_read=budget.quota - budget.reserve - 1)
    later = timezone.now() + timedelta(hours=2)
    assert reader.read_stream(stream.pk, now=later).status == reader.BUDGET
    stream.refresh_from_db()
    assert stream.state == "budget"
    assert ApiQuotaDay.objects.get(pk=day.pk).search_calls == 1


def test_youtube_listening_stops_at_its_share_of_the_search_calls(org, sim, settings):
    settings.LISTENING_YOUTUBE_SEARCH_CALLS = 1
    stream = stream_on(org, "youtube", query="havnebad")
    assert reader.read_stream(stream.pk).status == reader.STORED
    later = timezone.now() + timedelta(hours=1)
    assert reader.read_stream(stream.pk, now=later).status == reader.BUDGET


def test_instagram_hashtags_are_counted_and_the_31st_is_refused(org, sim):
    channel = make_channel(org, "instagram")
    connect(channel)
    public(sim, "instagram", "Morgendukkert #havnebad")
    stream = actions.create_stream(
        name="Bad",
        channel=channel,
        kind="search",
        query="#havnebad",
        acting_user=org.users["comms"],
    )
    outcome = reader.read_stream(stream.pk)
    assert (outcome.status, outcome.created) == (reader.STORED, 1)
    assert list(HashtagSearch.objects.values_list("hashtag", flat=True)) == ["havnebad"]

    now = timezone.now()
    HashtagSearch.objects.bulk_create(
        HashtagSearch(channel=channel, hashtag=f"tag{n}", searched_at=now) for n in range(29)
    )
    with pytest.raises(actions.ListeningError) as refused:
        actions.create_stream(
            name="For mange",
            channel=channel,
            kind="search",
            query="#havnebad #endnu",
            acting_user=org.users["comms"],
        )
    assert "30" in str(refused.value) and "#endnu" in str(refused.value)
    # A hashtag already in the 7 days fits.
    actions.create_stream(
        name="Igen", channel=channel, kind="search", query="#tag3", acting_user=org.users["comms"]
    )
    # Once the oldest ran out of the 7 days, a new one fits again.
    HashtagSearch.objects.filter(hashtag="tag0").update(searched_at=now - timedelta(days=8))
    actions.create_stream(
        name="Nu", channel=channel, kind="search", query="#endnu", acting_user=org.users["comms"]
    )


def test_instagram_mentions_stream_reads_the_accounts_tags(org, sim):
    channel = make_channel(org, "instagram")
    connection = connect(channel)
    public(sim, "instagram", "Tak for en god dag!", tagged_account_ids=[connection.account_id])
    stream = actions.create_stream(
        name="Tags", channel=channel, kind="mentions", query="", acting_user=org.users["comms"]
    )

    outcome = reader.read_stream(stream.pk)

    assert outcome.created == 1
    assert ListeningHit.objects.get().text == "Tak for en god dag!"


def test_streams_are_refused_where_the_platform_cannot_listen(org):
    channel = make_channel(org, "facebook")
    connect(channel)
    with pytest.raises(actions.ListeningError) as refused:
        actions.create_stream(
            name="FB", channel=channel, kind="search", query="x", acting_user=org.users["comms"]
        )
    assert refused.value.field == "channel"
    assert not ListeningStream.objects.exists()


def test_change_stream_is_audited_and_reads_again_from_the_start(org, sim):
    stream = stream_on(org, "x")
    ListeningStream.objects.filter(pk=stream.pk).update(cursor={"since_id": "5"})

    actions.change_stream(stream, acting_user=org.users["comms"], query="#badevand")

    stream.refresh_from_db()
    assert stream.cursor == {} and stream.query == "#badevand"
    entry = AuditEntry.objects.filter(action="listening.stream_changed").get()
    assert entry.before == {"query": "#havnebad"} and entry.after == {"query": "#badevand"}


def test_promote_creates_one_queue_item_with_deadlines_and_an_audit_row(org, sim):
    stream = stream_on(org, "x")
    public(sim, "x", "Hvornår åbner #havnebad?", likes=2)
    reader.read_stream(stream.pk)
    hit = ListeningHit.objects.get()

    item = actions.promote(hit, acting_user=org.users["comms"])

    assert item.kind == "mention" and item.channel_id == stream.channel_id
    assert item.external_id == hit.external_id and item.status == "new"
    assert QueueItem.objects.for_user(org.users["comms"]).filter(pk=item.pk).exists()
    hit.refresh_from_db()
    assert hit.promoted_item_id == item.pk
    assert (
        AuditEntry.objects.filter(action="listening.promoted", actor=org.users["comms"]).count()
        == 1
    )
    with pytest.raises(actions.ListeningError) as again:
        actions.promote(hit, acting_user=org.users["comms"])
    assert again.value.conflict
    assert QueueItem.objects.filter(external_id=hit.external_id).count() == 1


def test_a_promoted_post_reads_as_a_post_of_its_own_on_the_item_page(org, sim, client):
    from django.conf import settings

    from core.testing import PASSWORD

    stream = stream_on(org, "x")
    public(sim, "x", "Hvornår åbner #havnebad?", likes=2)
    reader.read_stream(stream.pk)
    item = actions.promote(ListeningHit.objects.get(), acting_user=org.users["comms"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username="comms", password=PASSWORD)
    page = client.get(reverse("moderation:item-detail", args=[item.pk])).content.decode()
    assert "data-own-post" in page
    assert "not a comment under one of our posts" in page
    assert "The post has not been read from the platform yet." not in page


def test_beat_claims_due_streams_once(org, sim):
    stream = stream_on(org, "x")
    assert reader.claim_due_streams() == [stream.pk]
    assert reader.claim_due_streams() == []


def _many_hits(org, streams=3, hits=12):
    from accounts.models import Channel

    now = timezone.now()
    channel = Channel.objects.filter(platform="x").first() or make_channel(org, "x")
    first = ListeningStream.objects.count()
    for s in range(first, first + streams):
        stream = ListeningStream.objects.create(name=f"S{s}", channel=channel, query=f"#s{s}")
        ListeningHit.objects.bulk_create(
            ListeningHit(
                stream=stream,
                platform="x",
                external_id=f"{s}-{n}",
                text=f"post {n}",
                published_at=now - timedelta(days=n),
                found_at=now,
                likes=n,
                engagement=n,
            )
            for n in range(hits)
        )


def test_listening_page_shows_streams_in_a_fixed_number_of_queries(
    org, client, django_assert_max_num_queries
):
    _many_hits(org, streams=1)
    client.force_login(org.users["comms"])
    response = client.get(reverse("listening:overview"))
    assert response.status_code == 200
    # In the municipality's language.
    assert "Send til køen" in response.content.decode()

    _many_hits(org, streams=4, hits=30)
    with django_assert_max_num_queries(response_queries(client)):
        client.get(reverse("listening:overview"))


def response_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("listening:overview"))
    return len(captured)


def test_listening_page_query_count_is_pinned(org, client, django_assert_num_queries):
    _many_hits(org, streams=2)
    client.force_login(org.users["comms"])
    client.get(reverse("listening:overview"))
    # Session and user, the access, the menu, streams, daily counts, top posts, X's month and
    # YouTube's day.
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(reverse("listening:overview"))
    _many_hits(org, streams=5, hits=40)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(reverse("listening:overview"))


PAGE_QUERIES = 8


def test_hits_api_filters_orders_and_keeps_its_query_count(org, client, django_assert_num_queries):
    _many_hits(org, streams=2, hits=12)
    client.force_login(org.users["comms"])
    stream = ListeningStream.objects.get(name="S1")
    url = reverse("listening-hit-list")

    response = client.get(url, {"stream": stream.pk, "order": "engagement", "min_engagement": 5})
    body = response.json()
    assert [hit["engagement"] for hit in body["results"]] == list(range(11, 4, -1))

    with django_assert_num_queries(API_QUERIES):
        client.get(url)
    _many_hits(org, streams=3, hits=40)
    with django_assert_num_queries(API_QUERIES):
        client.get(url)

    bad = client.get(url, {"published_after": "yesterday"})
    assert bad.status_code == 400 and "published_after" in bad.json()["errors"]


API_QUERIES = 4


def test_streams_api_creates_through_the_action(org, sim, client):
    channel = make_channel(org, "x")
    connect(channel)
    client.force_login(org.users["comms"])
    response = client.post(
        reverse("listening-stream-list"),
        {"name": "API", "channel": channel.pk, "kind": "search", "query": "#api"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["platform"] == "x"
    assert AuditEntry.objects.filter(action="listening.stream_created").count() == 1
