"""The Instagram Graph API imitation: media, comments and replies, reply and hide rules."""

from __future__ import annotations

import json

import requests

from platforms.config import GRAPH_VERSION
from simulator.webhooks import build_webhook_delivery

from .helpers import TIMEOUT, account, actions, add_comment, add_fault

FIELDS = "id,text,timestamp,username,from,hidden,parent_id,like_count"


def graph(sim, path: str, token: str, **params) -> requests.Response:
    return requests.get(
        f"{sim.url}/{GRAPH_VERSION}/{path}",
        params={"access_token": token, **params},
        timeout=TIMEOUT,
    )


def post(sim, path: str, token: str, **data) -> requests.Response:
    return requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{path}", data={"access_token": token, **data}, timeout=TIMEOUT
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
        f"{sim.url}/{GRAPH_VERSION}/{comment}",
        params={"access_token": user["token"]},
        timeout=TIMEOUT,
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


# --- direct messages (through the linked Facebook Page) ------------------------------------

DM_FIELDS = "id,updated_time,messages{id,created_time,from,to,message}"


def add_dm(sim, message: str, author: str = "Borger 1", **extra) -> dict:
    return add_comment(sim, "instagram", message, author, kind="message", **extra)


def test_direct_messages_are_conversations_of_the_linked_page(sim):
    # Given two citizens writing to the Instagram account
    user = account(sim, "instagram")
    first = add_dm(sim, "Hej! Må man grille ved badebroen?", "fjordfisker")
    add_dm(sim, "Hvornår åbner skøjtebanen?", "strandrenseren")
    add_dm(sim, "Og må hunde komme med?", "fjordfisker")
    # When the Page's Instagram conversations are read, via `me` and via the Page id
    by_me = graph(sim, "me/conversations", user["token"], platform="instagram", fields=DM_FIELDS)
    by_id = graph(
        sim, f"{user['page_id']}/conversations", user["token"], platform="instagram", fields="id"
    )
    # Then the newest-updated conversation comes first, its messages newest first, people by
    # username and Instagram-scoped id
    assert by_me.status_code == 200, by_me.text
    data = by_me.json()["data"]
    assert [c["id"] for c in by_id.json()["data"]] == [c["id"] for c in data]
    assert data[0]["id"] == first["conversation_id"]
    messages = data[0]["messages"]["data"]
    assert [m["message"] for m in messages] == [
        "Og må hunde komme med?",
        "Hej! Må man grille ved badebroen?",
    ]
    assert messages[0]["from"] == {"username": "fjordfisker", "id": first["author_id"]}
    assert messages[0]["to"] == {"data": [{"username": user["username"], "id": user["id"]}]}
    assert "link" not in data[0]


def test_the_messenger_inbox_and_the_ig_user_node_hold_no_instagram_messages(sim):
    # Given an Instagram direct message
    user = account(sim, "instagram")
    add_dm(sim, "Hej", "fjordfisker")
    # When conversations are asked for without platform=instagram, or on the IG user node
    messenger = graph(sim, "me/conversations", user["token"], fields="id")
    on_user = graph(sim, f"{user['id']}/conversations", user["token"], platform="instagram")
    wrong = graph(sim, "me/conversations", user["token"], platform="whatsapp")
    # Then the Page's Messenger inbox is empty, the IG user has no such edge, and an unknown
    # platform is a parameter error
    assert messenger.json()["data"] == []
    assert on_user.status_code == 400
    assert "nonexisting field (conversations)" in on_user.json()["error"]["message"]
    assert wrong.status_code == 400


def test_conversations_and_messages_page_with_next_links(sim):
    # Given 7 conversations, one of them with 6 messages
    user = account(sim, "instagram")
    for number in range(7):
        add_dm(sim, f"Spørgsmål {number}", f"borger_{number}")
    for number in range(5):
        add_dm(sim, f"Mere {number}", "borger_0")
    # When the conversations are read 3 at a time and borger_0's messages 4 at a time
    body = graph(
        sim, "me/conversations", user["token"], platform="instagram", fields="id", limit="3"
    ).json()
    seen = []
    while True:
        seen += [c["id"] for c in body["data"]]
        if "next" not in body.get("paging", {}):
            break
        assert "platform=instagram" in body["paging"]["next"]
        body = requests.get(body["paging"]["next"], timeout=TIMEOUT).json()
    messages = graph(sim, f"{seen[0]}/messages", user["token"], fields="message", limit="4").json()
    rest = requests.get(messages["paging"]["next"], timeout=TIMEOUT).json()
    # Then every conversation comes once, and the messages continue on the next page
    assert len(seen) == len(set(seen)) == 7
    assert len(messages["data"]) == 4
    assert [m["message"] for m in rest["data"]] == ["Mere 0", "Spørgsmål 0"]


def test_an_answer_inside_the_24_hour_window_is_sent(sim):
    # Given a citizen's message from an hour ago
    user = account(sim, "instagram")
    sent = add_dm(sim, "Hvor kan jeg hente sække til haveaffald?", "fjordfisker")
    # When the Page answers through the Send API
    answer = requests.post(
        f"{sim.url}/{GRAPH_VERSION}/me/messages",
        data={
            "recipient": json.dumps({"id": sent["author_id"]}),
            "message": json.dumps({"text": "På genbrugspladsen."}),
            "access_token": user["token"],
        },
        timeout=TIMEOUT,
    )
    # Then it is accepted and recorded in the conversation
    assert answer.status_code == 200, answer.text
    assert answer.json()["recipient_id"] == sent["author_id"]
    [action] = actions(sim, platform="instagram", kind="reply")
    assert (action["target_id"], action["detail"]) == (sent["conversation_id"], "message")
    assert action["result_id"] == answer.json()["message_id"]


def test_an_answer_after_24_hours_is_refused(sim):
    # Given a citizen whose last message is 25 hours old
    from datetime import UTC, datetime, timedelta

    user = account(sim, "instagram")
    old = (datetime.now(UTC) - timedelta(hours=25)).isoformat()
    sent = add_dm(sim, "Er der åbent i påsken?", "fjordfisker", created_time=old)
    # When the Page answers
    answer = requests.post(
        f"{sim.url}/{GRAPH_VERSION}/{user['page_id']}/messages",
        data={
            "recipient": json.dumps({"id": sent["author_id"]}),
            "message": json.dumps({"text": "Ja, fra 10 til 14."}),
            "access_token": user["token"],
        },
        timeout=TIMEOUT,
    )
    # Then Instagram refuses it as outside the window, and nothing was sent
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert (error["code"], error["error_subcode"], error["type"]) == (
        10,
        2534022,
        "IGApiException",
    )
    assert actions(sim, platform="instagram", kind="reply") == []


def test_faults_apply_to_the_conversations_listing(sim):
    # Given a message and a throttle fault
    user = account(sim, "instagram")
    add_dm(sim, "Hej", "fjordfisker")
    add_fault(sim, "instagram", "throttle", count=1)
    # When the conversations are read twice
    throttled = graph(sim, "me/conversations", user["token"], platform="instagram")
    after = graph(sim, "me/conversations", user["token"], platform="instagram")
    # Then the first call is Instagram's throttling error, the next one goes through
    assert throttled.json()["error"]["code"] == 80002
    assert len(after.json()["data"]) == 1


def test_the_accounts_own_comments_carry_an_instagram_scoped_id_and_its_username(sim):
    # https://developers.facebook.com/docs/graph-api/changelog/ooc-changes/oct-20-2021: `from`
    # holds "the IGSID (id) and username (username) of the comment creator".
    user = account(sim, "instagram")
    top = add_comment(sim, "instagram", "Hvornår åbner isbanen?", "skøjtefar")["id"]
    answered = post(sim, f"{top}/replies", user["token"], message="Den 1. december.")
    assert answered.status_code == 200
    replies = graph(sim, f"{top}/replies", user["token"], fields=FIELDS).json()["data"]
    (own,) = replies
    assert own["from"]["username"] == own["username"] == user["username"]
    assert own["from"]["id"] not in (user["id"], user["page_id"])
    assert own["from"]["id"].isdigit()


def test_the_comments_webhook_marks_the_accounts_own_comment_with_self_ig_scoped_id(sim):
    # https://developers.facebook.com/docs/instagram-platform/self-messaging: the comments
    # webhook of the account's own comment carries `from.self_ig_scoped_id`.
    user = account(sim, "instagram")
    top = add_comment(sim, "instagram", "Flot udsigt", "morgenløber")["id"]
    own_id = post(sim, f"{top}/replies", user["token"], message="Tak!").json()["id"]
    theirs = sim.state.find_comment("instagram", top)
    ours = sim.state.find_comment("instagram", own_id)

    def sender(comment):
        body, _ = build_webhook_delivery(comment, "secret", world=sim.state)
        return json.loads(body)["entry"][0]["changes"][0]["value"]["from"]

    assert "self_ig_scoped_id" not in sender(theirs)
    own = sender(ours)
    assert own["username"] == user["username"]
    replies = graph(sim, f"{top}/replies", user["token"], fields=FIELDS).json()["data"]
    assert own["self_ig_scoped_id"] == replies[0]["from"]["id"]


def test_direct_messages_are_refused_without_the_messaging_permission(sim):
    # https://developers.facebook.com/docs/messenger-platform/error-codes: 230 "Requires ...
    # permission to manage the object".
    user = account(sim, "instagram")
    sim.state.account("instagram", user["id"]).messaging_permission = False
    refused = graph(sim, "me/conversations", user["token"], platform="instagram")
    comments = graph(sim, f"{user['id']}/media", user["token"], fields="id,comments_count")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == 230
    assert "instagram_manage_messages" in refused.json()["error"]["message"]
    assert comments.status_code == 200
