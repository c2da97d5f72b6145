"""The Instagram Graph API imitation: media, comments and replies, reply and hide rules."""

from __future__ import annotations

import json

import requests

from simulator.webhooks import build_webhook_delivery

from .helpers import TIMEOUT, account, actions, add_comment, add_fault

FIELDS = "id,text,timestamp,username,from,hidden,parent_id,like_count"


def graph(sim, path: str, token: str, **params) -> requests.Response:
    return requests.get(
        f"{sim.url}/v21.0/{path}", params={"access_token": token, **params}, timeout=TIMEOUT
    )


def post(sim, path: str, token: str, **data) -> requests.Response:
    return requests.post(
        f"{sim.url}/v21.0/{path}", data={"access_token": token, **data}, timeout=TIMEOUT
    )


def newest_media(sim, user: dict) -> str:
    return graph(sim, f"{user['id']}/media", user["token"], fields="id").json()["data"][0]["id"]


def test_media_comments_come_newest_first_across_pages(sim):
    # Given 12 comments on the newest media
    user = account(sim, "instagram")
    ids = [add_comment(sim, "instagram", f"Smukt billede {n}")["id"] for n in range(12)]
    media = newest_media(sim, user)
    # When they are read 5 at a time following next links
    body = graph(sim, f"{media}/comments", user["token"], fields=FIELDS, limit="5").json()
    seen, sizes = [], []
    while True:
        seen += [item["id"] for item in body["data"]]
        sizes.append(len(body["data"]))
        if "next" not in body.get("paging", {}):
            break
        body = requests.get(body["paging"]["next"], timeout=TIMEOUT).json()
    # Then all arrive once, newest first
    assert sizes == [5, 5, 2]
    assert seen == list(reversed(ids))


def test_comment_fields_and_replies_edge(sim):
    # Given a comment with a reply
    user = account(sim, "instagram")
    top = add_comment(sim, "instagram", "Hvor er det taget?", "strandrenseren")["id"]
    reply = add_comment(sim, "instagram", "Ved badebroen", "fjordfisker", parent_id=top)["id"]
    media = newest_media(sim, user)
    # When the comments and the replies are read
    comments = graph(sim, f"{media}/comments", user["token"], fields=FIELDS).json()["data"]
    replies = graph(sim, f"{top}/replies", user["token"], fields=FIELDS).json()["data"]
    # Then the media lists only the top-level comment, with the asked fields
    assert [item["id"] for item in comments] == [top]
    assert comments[0]["username"] == "strandrenseren"
    assert comments[0]["from"]["username"] == "strandrenseren"
    assert comments[0]["hidden"] is False
    assert comments[0]["like_count"] == 0
    assert "parent_id" not in comments[0]
    assert [(item["id"], item["parent_id"]) for item in replies] == [(reply, top)]


def test_replies_only_to_top_level_comments_that_are_not_hidden(sim):
    # Given a top-level comment with a reply, and a hidden top-level comment
    user = account(sim, "instagram")
    top = add_comment(sim, "instagram", "Spørgsmål")["id"]
    nested = add_comment(sim, "instagram", "Svar", "Nabo", parent_id=top)["id"]
    hidden = add_comment(sim, "instagram", "Reklame")["id"]
    assert post(sim, hidden, user["token"], hide="true").json() == {"success": True}
    # When the account replies to each
    to_top = post(sim, f"{top}/replies", user["token"], message="Tak for spørgsmålet")
    to_nested = post(sim, f"{nested}/replies", user["token"], message="Tak")
    to_hidden = post(sim, f"{hidden}/replies", user["token"], message="Nej tak")
    # Then only the reply to the visible top-level comment is accepted
    assert to_top.status_code == 200
    assert to_nested.status_code == 400
    assert to_nested.json()["error"]["code"] == 100
    assert to_hidden.status_code == 400
    assert [(a["kind"], a["target_id"]) for a in actions(sim)] == [
        ("hide", hidden),
        ("reply", top),
    ]


def test_hide_needs_true_or_false_and_delete_removes(sim):
    user = account(sim, "instagram")
    comment = add_comment(sim, "instagram", "Køb følgere her")["id"]
    python_bool = post(sim, comment, user["token"], hide=True)
    hidden = post(sim, comment, user["token"], hide="true")
    state = graph(sim, comment, user["token"], fields="hidden").json()
    deleted = requests.delete(
        f"{sim.url}/v21.0/{comment}", params={"access_token": user["token"]}, timeout=TIMEOUT
    )
    after = graph(sim, comment, user["token"])
    assert python_bool.status_code == 400
    assert hidden.json() == {"success": True}
    assert state == {"hidden": True, "id": comment}
    assert deleted.json() == {"success": True}
    assert after.status_code == 400
    assert [a["kind"] for a in actions(sim)] == ["hide", "delete"]


def test_account_figures(sim):
    user = account(sim, "instagram")
    data = graph(sim, user["id"], user["token"], fields="followers_count,media_count").json()
    assert data == {"followers_count": 3120, "media_count": 3, "id": user["id"]}


def test_throttling_is_error_80002_with_instagram_usage(sim):
    user = account(sim, "instagram")
    add_fault(sim, "instagram", "throttle", reset_after_seconds=300)
    answer = graph(sim, user["id"], user["token"])
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 80002
    usage = json.loads(answer.headers["X-Business-Use-Case-Usage"])[user["id"]][0]
    assert usage["type"] == "instagram"
    assert usage["call_count"] == 100
    assert usage["estimated_time_to_regain_access"] == 5


def test_webhook_delivery_uses_the_comments_field(sim):
    created = add_comment(sim, "instagram", "Flot!", "morgenløber")
    comment = sim.state.find_comment("instagram", created["id"])
    body, headers = build_webhook_delivery(comment, "secret", world=sim.state)
    payload = json.loads(body)
    change = payload["entry"][0]["changes"][0]
    assert payload["object"] == "instagram"
    assert change["field"] == "comments"
    assert change["value"]["id"] == created["id"]
    assert change["value"]["text"] == "Flot!"
    assert change["value"]["from"]["username"] == "morgenloeber"
    assert headers["X-Hub-Signature-256"].startswith("sha256=")


def test_media_listing_nests_comments_and_replies_with_their_own_paging(sim):
    # Given three comments on the newest media, the oldest with two replies
    user = account(sim, "instagram")
    first = add_comment(sim, "instagram", "Første")["id"]
    replies = [
        add_comment(sim, "instagram", f"Svar {n}", "Nabo", parent_id=first)["id"] for n in range(2)
    ]
    later = [add_comment(sim, "instagram", f"Senere {n}")["id"] for n in range(2)]
    nested = "comments.limit(2){id,text,replies.limit(1){id,parent_id}}"
    # When the media are listed with their comments expanded, two at a time
    media = graph(
        sim, f"{user['id']}/media", user["token"], fields=f"id,comments_count,{nested}"
    ).json()["data"]
    newest, *others = media
    page = newest["comments"]
    rest = requests.get(page["paging"]["next"], timeout=TIMEOUT).json()
    thread = next(comment for comment in rest["data"] if comment["id"] == first)
    more_replies = requests.get(thread["replies"]["paging"]["next"], timeout=TIMEOUT).json()
    # Then each nested edge pages on its own, newest comments first, replies oldest first; the
    # next links carry the nested fields; media without comments have no edge at all
    assert newest["comments_count"] == 5
    assert [comment["id"] for comment in page["data"]] == list(reversed(later))
    assert [comment["id"] for comment in rest["data"]] == [first]
    assert "next" not in rest.get("paging", {})
    assert thread["replies"]["data"] == [{"id": replies[0], "parent_id": first}]
    assert more_replies["data"] == [{"id": replies[1], "parent_id": first}]
    # A full page links onwards even at the end, to an empty page without a next link.
    end = requests.get(more_replies["paging"]["next"], timeout=TIMEOUT).json()
    assert end["data"] == []
    assert "next" not in end.get("paging", {})
    assert "fields=id%2Ctext%2Creplies.limit%281%29" in page["paging"]["next"]
    assert all("comments" not in item for item in others)
