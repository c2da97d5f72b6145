"""The own-post figure parsers against payloads shaped as the platforms' documentation shows
them (no network, no simulator): missing figures stay None, zero counts Graph leaves out are 0.

Sources:
- Graph Page post with reactions/comments summaries and insights:
  https://developers.facebook.com/docs/graph-api/reference/post/reactions,
  https://developers.facebook.com/docs/graph-api/reference/v24.0/insights (response shape),
  https://developers.facebook.com/documentation/pages-api/platforminsights/page/deprecated-metrics
- Instagram Media Insights:
  https://developers.facebook.com/documentation/instagram-platform/reference/instagram-media/insights
- X post public_metrics: https://docs.x.com/x-api/fundamentals/metrics
- YouTube Videos: list (statistics): https://developers.google.com/youtube/v3/docs/videos/list
- LinkedIn Organization Share Statistics (totalShareStatistics fields):
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/share-statistics
"""

from datetime import UTC, datetime

import pytest

from platforms.facebook import own_post_figures as facebook_post
from platforms.instagram import own_media_figures
from platforms.x import own_post_figures as x_post
from platforms.youtube import own_video_figures


def test_facebook_post_with_summaries_and_reach():
    raw = {
        "id": "112233_445566",
        "message": "Vejarbejde på Havnevej",
        "created_time": "2026-10-01T08:15:00+0000",
        "permalink_url": "https://www.facebook.com/112233/posts/445566",
        "shares": {"count": 4},
        "reactions": {"data": [], "summary": {"total_count": 57, "viewer_reaction": "NONE"}},
        "comments": {
            "data": [],
            "summary": {"order": "ranked", "total_count": 9, "can_comment": True},
        },
        "insights": {
            "data": [
                {
                    "name": "post_total_media_view_unique",
                    "period": "lifetime",
                    "values": [{"value": 1830}],
                    "title": "Lifetime Post Total Unique Media Views",
                    "description": "",
                    "id": "112233_445566/insights/post_total_media_view_unique/lifetime",
                }
            ],
            "paging": {"previous": "…", "next": "…"},
        },
    }

    post = facebook_post(raw)

    assert post.published_at == datetime(2026, 10, 1, 8, 15, tzinfo=UTC)
    assert (post.reach, post.reactions, post.comments, post.shares) == (1830, 57, 9, 4)
    assert post.impressions is None


def test_facebook_post_nobody_touched_and_a_page_without_insights():
    # Graph leaves empty edges and `shares` out; a page under 100 likes has no insights rows.
    raw = {"id": "1_2", "created_time": "2026-10-01T08:15:00+0000", "insights": {"data": []}}

    post = facebook_post(raw)

    assert (post.reactions, post.comments, post.shares) == (0, 0, 0)
    assert post.reach is None


def test_instagram_media_with_insights_and_one_missing():
    raw = {
        "id": "17895695668004550",
        "caption": "Solopgang over fjorden",
        "timestamp": "2026-10-02T06:40:11+0000",
        "permalink": "https://www.instagram.com/p/Cabc123/",
        "like_count": 140,
        "comments_count": 12,
        "insights": {
            "data": [
                {
                    "name": "reach",
                    "period": "lifetime",
                    "values": [{"value": 2210}],
                    "title": "Accounts reached",
                    "id": "17895695668004550/insights/reach/lifetime",
                },
                {
                    "name": "views",
                    "period": "lifetime",
                    "values": [{"value": 3105}],
                    "title": "Views",
                    "id": "17895695668004550/insights/views/lifetime",
                },
            ]
        },
    }

    post = own_media_figures(raw)

    assert (post.reach, post.impressions, post.reactions, post.comments) == (2210, 3105, 140, 12)
    # "an empty data set instead of 0": shares not reported yet stays unknown
    assert post.shares is None


def test_x_post_public_metrics_in_both_namings():
    current = {
        "id": "1849123456789012345",
        "text": "Vinterberedskabet er klar",
        "created_at": "2026-11-20T05:00:00.000Z",
        "public_metrics": {
            "repost_count": 7,
            "reply_count": 3,
            "like_count": 41,
            "quote_count": 2,
            "bookmark_count": 1,
            "impression_count": 5120,
        },
    }
    older = {**current, "public_metrics": {**current["public_metrics"], "retweet_count": 7}}
    del older["public_metrics"]["repost_count"]

    for raw in (current, older):
        post = x_post(raw)
        assert (post.impressions, post.reactions, post.comments, post.shares) == (5120, 41, 3, 9)
        assert post.reach is None
        assert post.permalink == "https://x.com/i/web/status/1849123456789012345"


def test_youtube_statistics_as_strings_with_hidden_likes():
    raw = {
        "kind": "youtube#video",
        "etag": "x",
        "id": "Ks-_Mh1QhMc",
        "snippet": {"publishedAt": "2026-09-30T16:00:00Z", "title": "Byrådsmøde i korte træk"},
        # likeCount is left out when the owner hides the likes
        "statistics": {"viewCount": "8401", "favoriteCount": "0", "commentCount": "17"},
    }

    video = own_video_figures(raw)

    assert (video.impressions, video.reactions, video.comments) == (8401, None, 17)
    assert video.shares is None and video.reach is None
    assert video.permalink == "https://www.youtube.com/watch?v=Ks-_Mh1QhMc"


def test_linkedin_share_statistics_element(make_adapter_free_linkedin):
    element = {
        "totalShareStatistics": {
            "uniqueImpressionsCount": 0,
            "shareCount": 0,
            "engagement": 0.0,
            "clickCount": 0,
            "likeCount": 0,
            "impressionCount": 0,
            "commentCount": 0,
        },
        "share": "urn:li:share:7015970832908775123",
        "organizationalEntity": "urn:li:organization:89813367",
    }
    post = {
        "id": "urn:li:share:7015970832908775123",
        "commentary": "Hej \\(2026\\)",
        "publishedAt": 1767225600000,
    }

    figures = make_adapter_free_linkedin._own_post(post, element["totalShareStatistics"])

    # Real zeros from the platform stay zeros; the escaped commentary reads plainly.
    assert (figures.reach, figures.impressions, figures.reactions) == (0, 0, 0)
    assert figures.text == "Hej (2026)"
    assert (
        figures.permalink
        == "https://www.linkedin.com/feed/update/urn:li:share:7015970832908775123/"
    )
    missing = make_adapter_free_linkedin._own_post(post, None)
    assert (missing.reach, missing.shares) == (None, None)


@pytest.fixture
def make_adapter_free_linkedin():
    from platforms.base import ChannelConnection
    from platforms.linkedin import LinkedInAdapter

    adapter = LinkedInAdapter(
        ChannelConnection(
            platform="linkedin", account_id="89813367", token="t", base_url="http://127.0.0.1:9"
        )
    )
    yield adapter
    adapter.close()
