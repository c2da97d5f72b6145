"""The listening readers (platforms/listening.py) against the simulator, and on the
documentation's example payloads: X recent search with paging and since_id, the rate limit's
reset, Instagram's hashtag search and media, the account's tags, YouTube search with
statistics and the quota it spends."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest

from platforms import listening
from platforms.errors import ThrottledError


def public(sim, platform, message, **body):
    body.setdefault("author_name", "Borger 3")
    return sim.post(f"{platform}/public_posts", {"message": message, **body})


def test_x_search_pages_through_the_first_reading_and_then_reads_since_the_newest(
    sim, clock, make_adapter
):
    ids = [public(sim, "x", f"Cykelsti #vejarbejde nr. {n}", likes=n)["id"] for n in range(25)]
    public(sim, "x", "Noget helt andet")
    adapter = make_adapter("x")

    first = listening.search_x(adapter, "#vejarbejde", None, max_posts=1000)

    # A new stream reads one page only (newest first, up to 100).
    assert [post.external_id for post in first.posts] == ids[::-1]
    assert first.calls == 1 and first.posts_read == 25
    assert first.cursor == {"since_id": ids[-1]}
    top = first.posts[0]
    assert top.likes == 24 and top.author_name == "@borger_3"
    assert top.url == f"https://x.com/borger_3/status/{ids[-1]}"

    newer = [public(sim, "x", f"#vejarbejde igen {n}")["id"] for n in range(120)]
    second = listening.search_x(adapter, "#vejarbejde", first.cursor, max_posts=1000)
    # Since the stored id, every page: 100 + 20.
    assert [post.external_id for post in second.posts] == newer[::-1]
    assert second.calls == 2 and second.posts_read == 120
    assert second.cursor == {"since_id": newer[-1]}


def test_x_search_stops_paging_at_what_the_budget_still_pays_for(sim, make_adapter):
    first = public(sim, "x", "#havn start")["id"]
    for n in range(40):
        public(sim, "x", f"#havn {n}")
    adapter = make_adapter("x")

    result = listening.search_x(adapter, "#havn", {"since_id": first}, max_posts=25)

    # Pages are sized to what the cap pays for, and no further page is asked past it.
    assert result.posts_read == 25 and result.calls == 1


def test_x_search_uses_the_older_field_names_when_the_channel_does(sim, make_adapter):
    public(sim, "x", "#skole åbner")
    adapter = make_adapter("x", fields_naming="tweet")
    sim.post("config", {"request_log": True, "x_fields_naming": "tweet"})

    result = listening.search_x(adapter, "#skole", None, max_posts=100)

    assert len(result.posts) == 1 and result.posts[0].published_at is not None
    request = sim.get("requests")[-1]
    assert request["path"] == "/2/tweets/search/recent"
    assert "tweet.fields=created_at%2Cpublic_metrics%2Cauthor_id" in request["query"]


def test_x_search_429_raises_throttled_until_the_reset(sim, clock, make_adapter):
    sim.fault("x", "throttle", reset_after_seconds=120)
    adapter = make_adapter("x")

    with pytest.raises(ThrottledError) as caught:
        listening.search_x(adapter, "#havn", None, max_posts=100)

    assert caught.value.resume_at >= clock.now + timedelta(seconds=100)


def test_x_search_reads_the_documented_example_response():
    """The recent search quickstart's example answer
    (https://docs.x.com/x-api/posts/search/quickstart/recent-search)."""
    page = {
        "data": [
            {
                "id": "1234567890123456789",
                "text": "Just started learning Python and loving it!",
                "created_at": "2024-01-15T10:30:00.000Z",
                "author_id": "9876543210",
                "public_metrics": {
                    "retweet_count": 5,
                    "reply_count": 2,
                    "like_count": 42,
                    "quote_count": 1,
                },
                "edit_history_tweet_ids": ["1234567890123456789"],
            }
        ],
        "includes": {"users": [{"id": "9876543210", "name": "Dev", "username": "dev"}]},
        "meta": {
            "newest_id": "1234567890123456789",
            "oldest_id": "1234567890123456789",
            "result_count": 1,
        },
    }
    from platforms.x import XAdapter

    adapter = mock.Mock(calls_made=0, fields_param="post.fields")
    adapter._request.return_value = page
    adapter._users.side_effect = lambda body: XAdapter._users(body)

    result = listening.search_x(adapter, "python", None, max_posts=100)

    (post,) = result.posts
    assert (post.likes, post.comments, post.shares) == (42, 2, 6)
    assert post.author_name == "@dev"
    assert post.published_at.isoformat() == "2024-01-15T10:30:00+00:00"
    assert result.cursor == {"since_id": "1234567890123456789"}


def test_instagram_hashtag_search_then_recent_and_top_media(sim, make_adapter):
    for n in range(3):
        public(sim, "instagram", f"Solnedgang ved stranden #derforhavby nr {n}", likes=10 * n)
    public(sim, "instagram", "Uden mærke")
    adapter = make_adapter("instagram")
    searched = []

    result = listening.search_instagram(
        adapter, ["derforhavby"], None, may_search={"derforhavby"}, searched=searched
    )

    assert len(result.posts) == 3
    assert searched == [("derforhavby", result.cursor["hashtag_ids"]["derforhavby"])]
    assert result.calls == 3  # ig_hashtag_search, recent_media, top_media
    assert max(post.likes for post in result.posts) == 20
    assert all(post.url.startswith("https://www.instagram.com/p/") for post in result.posts)

    again = listening.search_instagram(adapter, ["derforhavby"], result.cursor, may_search=set())
    # The hashtag's id is static: no second search.
    assert again.calls == 2 and again.hashtags_searched == []


def test_instagram_refuses_the_31st_unique_hashtag_in_7_days(sim, make_adapter):
    adapter = make_adapter("instagram")
    for n in range(30):
        adapter.client.get(
            "ig_hashtag_search", {"user_id": adapter.connection.account_id, "q": f"t{n}"}
        )

    from platforms.errors import PlatformError

    with pytest.raises(PlatformError):
        adapter.client.get(
            "ig_hashtag_search", {"user_id": adapter.connection.account_id, "q": "t30"}
        )
    # A hashtag searched before still answers.
    again = adapter.client.get(
        "ig_hashtag_search", {"user_id": adapter.connection.account_id, "q": "t3"}
    )
    assert again["data"][0]["id"]


def test_instagram_tags_lists_media_the_account_is_tagged_in(sim, clock, make_adapter):
    account = sim.account("instagram")
    public(sim, "instagram", "Tak til kommunen!", tagged_account_ids=[account["id"]])
    public(sim, "instagram", "Ikke tagget")
    adapter = make_adapter("instagram")

    result = listening.instagram_tags(adapter, None, since=clock.now - timedelta(days=7))

    assert [post.text for post in result.posts] == ["Tak til kommunen!"]
    assert result.posts[0].author_name == "@borger_3"
    assert "newest" in result.cursor


def test_hashtags_in_reads_hashtags_and_refuses_plain_words():
    assert listening.hashtags_in("#DerforHavby, #havby #derforhavby") == ["derforhavby", "havby"]
    # A word without '#' is taken as a hashtag's name; what no hashtag can hold is refused.
    assert listening.hashtags_in("vejarbejde") == ["vejarbejde"]
    with pytest.raises(ValueError):
        listening.hashtags_in("#havby #hav-by")


def test_youtube_search_reads_videos_and_their_statistics(sim, clock, make_adapter):
    public(sim, "youtube", "Byrådsmøde om skolerne", views=900, likes=12, comments=3)
    public(sim, "youtube", "Koncert i parken")
    adapter = make_adapter("youtube")

    result = listening.search_youtube(
        adapter, "byrådsmøde", None, since=clock.now - timedelta(days=7)
    )

    # Our own channel's video about the meeting is found too (the reader leaves it out).
    own = sim.account("youtube")["id"]
    assert [p.author_id == own for p in result.posts] == [False, True]
    post = result.posts[0]
    assert (post.views, post.likes, post.comments) == (900, 12, 3)
    assert post.url.startswith("https://www.youtube.com/watch?v=")
    # One search.list call (its own bucket) and one videos.list unit.
    assert result.search_calls == 1 and result.quota_units == 1
    assert result.cursor["published_after"] == post.published_at.isoformat()
    stats = sim.get("stats")["youtube"]
    project = sim.account("youtube")["project"]
    assert stats["quota_used"][project] == 1 and stats["search_calls_used"][project] == 1
