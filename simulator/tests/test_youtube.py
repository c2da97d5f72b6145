"""The YouTube Data API imitation: comment threads, replies, moderation, deletion, quota."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from .helpers import TIMEOUT, account, actions, add_comment, add_fault, control

API = "youtube/v3"


def auth(channel: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {channel['token']}"}


def threads(sim, channel: dict, *, key: bool = False, **params) -> requests.Response:
    query = {
        "part": "snippet,replies",
        "allThreadsRelatedToChannelId": channel["id"],
        "order": "time",
        **params,
    }
    if key:
        query["key"] = channel["api_key"]
        return requests.get(f"{sim.url}/{API}/commentThreads", params=query, timeout=TIMEOUT)
    return requests.get(
        f"{sim.url}/{API}/commentThreads", params=query, headers=auth(channel), timeout=TIMEOUT
    )


def test_threads_come_newest_first_with_page_tokens(sim):
    # Given 7 comment threads
    channel = account(sim, "youtube")
    ids = [add_comment(sim, "youtube", f"Kommentar {n}")["id"] for n in range(7)]
    # When read 3 at a time with an API key
    seen, sizes = [], []
    token = None
    while True:
        extra = {"pageToken": token} if token else {}
        body = threads(sim, channel, key=True, maxResults="3", **extra).json()
        seen += [item["id"] for item in body["items"]]
        sizes.append(len(body["items"]))
        token = body.get("nextPageToken")
        if not token:
            break
    # Then they arrive newest first and the last page has no token
    assert sizes == [3, 3, 1]
    assert seen == list(reversed(ids))


def test_thread_shape_and_text_original_only_for_the_author(sim):
    channel = account(sim, "youtube")
    add_comment(sim, "youtube", "Godt <b>lavet</b>", "Nabo på Østervej")
    item = threads(sim, channel).json()["items"][0]
    top = item["snippet"]["topLevelComment"]
    assert item["kind"] == "youtube#commentThread"
    assert item["snippet"]["channelId"] == channel["id"]
    assert item["snippet"]["totalReplyCount"] == 0
    assert "replies" not in item
    assert top["snippet"]["textDisplay"] == "Godt &lt;b&gt;lavet&lt;/b&gt;"
    assert "textOriginal" not in top["snippet"]
    assert top["snippet"]["authorDisplayName"] == "@nabo_paa_oestervej"
    assert top["snippet"]["authorChannelId"]["value"].startswith("UC")
    assert top["snippet"]["publishedAt"].endswith("Z")


def test_a_thread_carries_five_replies_and_comments_list_has_all(sim):
    # Given a thread with 7 replies
    channel = account(sim, "youtube")
    top = add_comment(sim, "youtube", "Spørgsmål")["id"]
    replies = [
        add_comment(sim, "youtube", f"Svar {n}", f"Borger {n}", parent_id=top)["id"]
        for n in range(7)
    ]
    # When the thread and then the replies are read
    item = threads(sim, channel).json()["items"][0]
    listed = requests.get(
        f"{sim.url}/{API}/comments",
        params={"part": "snippet", "parentId": top, "maxResults": "4"},
        headers=auth(channel),
        timeout=TIMEOUT,
    ).json()
    rest = requests.get(
        f"{sim.url}/{API}/comments",
        params={
            "part": "snippet",
            "parentId": top,
            "maxResults": "4",
            "pageToken": listed["nextPageToken"],
        },
        headers=auth(channel),
        timeout=TIMEOUT,
    ).json()
    # Then the thread holds the newest five; comments.list pages through all seven
    assert item["snippet"]["totalReplyCount"] == 7
    assert [c["id"] for c in item["replies"]["comments"]] == list(reversed(replies))[:5]
    assert [c["id"] for c in listed["items"] + rest["items"]] == replies
    assert "nextPageToken" not in rest
    assert listed["items"][0]["snippet"]["parentId"] == top


def test_authentication_rules(sim):
    channel = account(sim, "youtube")
    url = f"{sim.url}/{API}/commentThreads"
    params = {"part": "snippet", "allThreadsRelatedToChannelId": channel["id"]}
    nothing = requests.get(url, params=params, timeout=TIMEOUT)
    bad_key = requests.get(url, params={**params, "key": "nope"}, timeout=TIMEOUT)
    bad_token = requests.get(
        url, params=params, headers={"Authorization": "Bearer nope"}, timeout=TIMEOUT
    )
    write_with_key = requests.post(
        f"{sim.url}/{API}/comments",
        params={"part": "snippet", "key": channel["api_key"]},
        json={"snippet": {"parentId": "x", "textOriginal": "Hej"}},
        timeout=TIMEOUT,
    )
    assert nothing.status_code == 403
    assert bad_key.status_code == 400
    assert bad_token.status_code == 401
    assert bad_token.json()["error"]["errors"][0]["reason"] == "authError"
    assert write_with_key.status_code == 401


def test_parameters_are_checked(sim):
    channel = account(sim, "youtube")
    no_part = requests.get(
        f"{sim.url}/{API}/commentThreads",
        params={"allThreadsRelatedToChannelId": channel["id"]},
        headers=auth(channel),
        timeout=TIMEOUT,
    )
    no_filter = requests.get(
        f"{sim.url}/{API}/commentThreads",
        params={"part": "snippet"},
        headers=auth(channel),
        timeout=TIMEOUT,
    )
    too_many = threads(sim, channel, maxResults="101")
    bad_part = threads(sim, channel, part="snippet,colour")
    reasons = [
        answer.json()["error"]["errors"][0]["reason"]
        for answer in (no_part, no_filter, too_many, bad_part)
    ]
    assert [a.status_code for a in (no_part, no_filter, too_many, bad_part)] == [400] * 4
    assert reasons == ["required", "missingRequiredParameter", "invalidParameter", "unknownPart"]


def test_reply_goes_to_top_level_comments_only(sim):
    channel = account(sim, "youtube")
    top = add_comment(sim, "youtube", "Hvornår er næste møde?")["id"]
    nested = add_comment(sim, "youtube", "Godt spørgsmål", "Nabo", parent_id=top)["id"]

    def reply(parent: str) -> requests.Response:
        return requests.post(
            f"{sim.url}/{API}/comments",
            params={"part": "snippet"},
            json={"snippet": {"parentId": parent, "textOriginal": "Torsdag kl. 19."}},
            headers=auth(channel),
            timeout=TIMEOUT,
        )

    created = reply(top)
    to_nested = reply(nested)
    assert created.status_code == 200
    assert created.json()["snippet"]["parentId"] == top
    assert created.json()["snippet"]["textOriginal"] == "Torsdag kl. 19."
    assert to_nested.status_code == 400
    assert to_nested.json()["error"]["errors"][0]["reason"] == "operationNotSupported"
    assert [(a["kind"], a["target_id"]) for a in actions(sim)] == [("reply", top)]


def test_moderation_hides_and_restores_a_thread(sim):
    # Given a spam comment
    channel = account(sim, "youtube")
    spam = add_comment(sim, "youtube", "Gratis iPhone!!!")["id"]

    def moderate(status: str, **extra) -> requests.Response:
        return requests.post(
            f"{sim.url}/{API}/comments/setModerationStatus",
            params={"id": spam, "moderationStatus": status, **extra},
            headers=auth(channel),
            timeout=TIMEOUT,
        )

    # When it is held for review, looked for, and published again
    held = moderate("heldForReview")
    public = threads(sim, channel).json()["items"]
    review = threads(sim, channel, moderationStatus="heldForReview").json()["items"]
    review_by_key = threads(sim, channel, key=True, moderationStatus="heldForReview")
    ban_without_reject = moderate("heldForReview", banAuthor="true")
    restored = moderate("published")
    # Then it leaves the public list and comes back
    assert held.status_code == 204
    assert held.content == b""
    assert public == []
    assert [item["id"] for item in review] == [spam]
    assert review[0]["snippet"]["topLevelComment"]["snippet"]["moderationStatus"] == "heldForReview"
    assert review_by_key.status_code == 403
    assert ban_without_reject.status_code == 400
    assert restored.status_code == 204
    assert [item["id"] for item in threads(sim, channel).json()["items"]] == [spam]
    assert [(a["kind"], a["detail"]) for a in actions(sim)] == [
        ("hide", "heldForReview"),
        ("unhide", "published"),
    ]


def test_only_the_author_may_delete(sim):
    channel = account(sim, "youtube")
    theirs = add_comment(sim, "youtube", "Dårlig video")["id"]
    ours = sim.state.add_comment(
        "youtube", channel["id"], "Tak", author_name=None, parent_id=theirs
    )

    def delete(comment_id: str) -> requests.Response:
        return requests.delete(
            f"{sim.url}/{API}/comments",
            params={"id": comment_id},
            headers=auth(channel),
            timeout=TIMEOUT,
        )

    refused = delete(theirs)
    deleted = delete(ours.id)
    assert refused.status_code == 403
    assert deleted.status_code == 204
    assert [(a["kind"], a["target_id"]) for a in actions(sim)] == [("delete", ours.id)]


def test_quota_is_spent_per_call_and_exhausted_with_quota_exceeded(sim):
    # Given a daily quota of 101 units
    channel = account(sim, "youtube")
    control(sim, "POST", "config", {"youtube_daily_quota": 101})
    top = add_comment(sim, "youtube", "Spørgsmål")["id"]

    def reply(text: str) -> requests.Response:
        return requests.post(
            f"{sim.url}/{API}/comments",
            params={"part": "snippet"},
            json={"snippet": {"parentId": top, "textOriginal": text}},
            headers=auth(channel),
            timeout=TIMEOUT,
        )

    # When a list (1), two inserts (50 each) and one more list are made
    listed = threads(sim, channel)
    first, second = reply("Svar 1"), reply("Svar 2")
    last = threads(sim, channel)
    # Then the second insert fits exactly and the next call is refused
    assert [a.status_code for a in (listed, first, second)] == [200, 200, 200]
    assert last.status_code == 403
    error = last.json()["error"]
    assert error["code"] == 403
    assert error["errors"][0]["reason"] == "quotaExceeded"
    assert error["errors"][0]["domain"] == "youtube.quota"
    stats = requests.get(f"{sim.url}/_sim/stats", timeout=TIMEOUT).json()
    assert stats["youtube"]["quota_used"] == {channel["project"]: 101}


def test_the_quota_is_the_projects_shared_by_its_channels(sim):
    # https://developers.google.com/youtube/v3/determine_quota_cost: "Projects that enable the
    # YouTube Data API have a default quota allocation of ... 10,000 units per day".
    first = account(sim, "youtube")
    second = control(sim, "POST", "accounts", {"platform": "youtube", "name": "Fjordby Bibliotek"})
    second = second.json()
    elsewhere = control(
        sim,
        "POST",
        "accounts",
        {"platform": "youtube", "name": "Nabokommune", "project": "another-project"},
    ).json()
    control(sim, "POST", "config", {"youtube_daily_quota": 3})
    assert first["project"] == second["project"] != elsewhere["project"]

    spent = [threads(sim, first), threads(sim, second), threads(sim, first)]
    refused = threads(sim, second)
    other = threads(sim, elsewhere)

    assert [r.status_code for r in spent] == [200, 200, 200]
    assert refused.status_code == 403
    assert refused.json()["error"]["errors"][0]["reason"] == "quotaExceeded"
    assert other.status_code == 200
    stats = requests.get(f"{sim.url}/_sim/stats", timeout=TIMEOUT).json()
    assert stats["youtube"]["quota_used"] == {first["project"]: 3, "another-project": 1}


def test_the_projects_day_starts_again_at_midnight_pacific(sim):
    # The same page: "Daily quotas reset at midnight Pacific Time (PT)."
    channel = account(sim, "youtube")
    world = sim.state
    control(sim, "POST", "config", {"youtube_daily_quota": 1})
    pacific = ZoneInfo("America/Los_Angeles")
    local = world.now().astimezone(pacific)
    before_midnight = datetime.combine(
        local.date() + timedelta(days=1), datetime.min.time(), pacific
    ) - timedelta(minutes=1)
    world.advance_clock((before_midnight - world.now()).total_seconds())
    assert threads(sim, channel).status_code == 200
    assert threads(sim, channel).status_code == 403
    world.advance_clock(120)
    assert threads(sim, channel).status_code == 200


def test_search_draws_on_its_own_bucket_of_calls(sim):
    # The same page: search.list has "its own quota bucket", 100 calls a day, 1 per call.
    channel = account(sim, "youtube")
    control(sim, "POST", "config", {"youtube_daily_quota": 1, "youtube_daily_search_calls": 2})

    def search():
        return requests.get(
            f"{sim.url}/{API}/search",
            params={"part": "id", "channelId": channel["id"], "type": "video"},
            headers=auth(channel),
            timeout=TIMEOUT,
        )

    assert [search().status_code, search().status_code] == [200, 200]
    assert search().json()["error"]["errors"][0]["reason"] == "quotaExceeded"
    assert threads(sim, channel).status_code == 200
    stats = requests.get(f"{sim.url}/_sim/stats", timeout=TIMEOUT).json()
    assert stats["youtube"]["search_calls_used"] == {channel["project"]: 2}


def test_quota_exceeded_fault(sim):
    channel = account(sim, "youtube")
    add_fault(sim, "youtube", "quota_exceeded")
    refused = threads(sim, channel)
    fine = threads(sim, channel)
    assert refused.json()["error"]["errors"][0]["reason"] == "quotaExceeded"
    assert fine.status_code == 200


def test_channel_statistics_and_video_search(sim):
    channel = account(sim, "youtube")
    stats = requests.get(
        f"{sim.url}/{API}/channels",
        params={"part": "statistics", "id": channel["id"]},
        headers=auth(channel),
        timeout=TIMEOUT,
    ).json()
    unknown = requests.get(
        f"{sim.url}/{API}/channels",
        params={"part": "statistics", "id": "UCnobody"},
        headers=auth(channel),
        timeout=TIMEOUT,
    ).json()
    after = (datetime.now(UTC) - timedelta(hours=48)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = requests.get(
        f"{sim.url}/{API}/search",
        params={
            "part": "id",
            "channelId": channel["id"],
            "type": "video",
            "order": "date",
            "publishedAfter": after,
        },
        headers=auth(channel),
        timeout=TIMEOUT,
    ).json()
    assert stats["items"][0]["statistics"]["subscriberCount"] == "538"
    assert stats["items"][0]["statistics"]["videoCount"] == "3"
    assert "items" not in unknown
    assert unknown["pageInfo"]["totalResults"] == 0
    assert recent["pageInfo"]["totalResults"] == 2
    assert all(item["id"]["kind"] == "youtube#video" for item in recent["items"])
