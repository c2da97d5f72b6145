"""The LinkedIn REST imitation: version and protocol headers, tokens, posts, comments (offset
paging, nested replies, create, delete), the organisation's comment notifications and follower
counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import requests
from linkedin_v2.linkedin import LinkedInApplication

from platforms.config import LINKEDIN_VERSION

from .helpers import TIMEOUT, account, actions, add_comment, add_fault, control


def headers(org: dict, version: str = LINKEDIN_VERSION) -> dict[str, str]:
    return {
        "LinkedIn-Version": version,
        "X-Restli-Protocol-Version": "2.0.0",
        "Authorization": f"Bearer {org['token']}",
    }


def enc(urn: str) -> str:
    return quote(urn, safe="")


def newest_post(sim, org: dict) -> str:
    answer = requests.get(
        f"{sim.url}/rest/posts",
        params={"q": "author", "author": org["urn"]},
        headers=headers(org),
        timeout=TIMEOUT,
    )
    return answer.json()["elements"][0]["id"]


def comments_url(sim, urn: str) -> str:
    return f"{sim.url}/rest/socialActions/{enc(urn)}/comments"


def test_missing_or_retired_version_is_426(sim):
    org = account(sim, "linkedin")
    url = f"{sim.url}/rest/networkSizes/{enc(org['urn'])}"
    params = {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}
    without = {key: value for key, value in headers(org).items() if key != "LinkedIn-Version"}
    missing = requests.get(url, params=params, headers=without, timeout=TIMEOUT)
    retired = requests.get(url, params=params, headers=headers(org, "202212"), timeout=TIMEOUT)
    current = requests.get(url, params=params, headers=headers(org), timeout=TIMEOUT)
    assert missing.status_code == 426
    assert missing.json()["code"] == "NONEXISTENT_VERSION"
    assert missing.json()["status"] == 426
    assert retired.status_code == 426
    assert current.json() == {"firstDegreeSize": 1905}


def test_accepted_versions_are_configurable(sim):
    org = account(sim, "linkedin")
    control(sim, "POST", "config", {"linkedin_versions": ["202611"]})
    url = f"{sim.url}/rest/networkSizes/{enc(org['urn'])}"
    params = {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}
    old = requests.get(url, params=params, headers=headers(org, "202410"), timeout=TIMEOUT)
    new = requests.get(url, params=params, headers=headers(org, "202611"), timeout=TIMEOUT)
    assert old.status_code == 426
    assert new.status_code == 200


def test_protocol_header_token_and_encoded_urns_are_required(sim):
    org = account(sim, "linkedin")
    url = f"{sim.url}/rest/networkSizes/{enc(org['urn'])}"
    params = {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}
    no_protocol = {k: v for k, v in headers(org).items() if k != "X-Restli-Protocol-Version"}
    no_token = {k: v for k, v in headers(org).items() if k != "Authorization"}
    bad_token = {**headers(org), "Authorization": "Bearer wrong"}
    answers = {
        "protocol": requests.get(url, params=params, headers=no_protocol, timeout=TIMEOUT),
        "missing": requests.get(url, params=params, headers=no_token, timeout=TIMEOUT),
        "invalid": requests.get(url, params=params, headers=bad_token, timeout=TIMEOUT),
        "raw_urn": requests.get(
            f"{sim.url}/rest/networkSizes/{org['urn']}",
            params=params,
            headers=headers(org),
            timeout=TIMEOUT,
        ),
    }
    assert answers["protocol"].status_code == 400
    assert answers["missing"].status_code == 401
    assert answers["invalid"].status_code == 401
    assert answers["invalid"].json()["serviceErrorCode"] == 65600
    assert answers["raw_urn"].status_code == 400


def test_a_token_in_the_url_is_not_taken(sim):
    # python-linkedin-v2's make_request sends the token as oauth2_access_token in the URL; the
    # token belongs in the Authorization header only.
    org = account(sim, "linkedin")
    application = LinkedInApplication(token=org["token"])
    answer = application.make_request(
        "GET",
        f"{sim.url}/rest/networkSizes/{enc(org['urn'])}",
        params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
        headers={"LinkedIn-Version": LINKEDIN_VERSION, "X-Restli-Protocol-Version": "2.0.0"},
        timeout=TIMEOUT,
    )
    assert f"oauth2_access_token={org['token']}" in answer.url
    assert answer.status_code == 401
    assert answer.json()["serviceErrorCode"] == 65604


def test_posts_of_the_organisation_only(sim):
    org = account(sim, "linkedin")
    own = requests.get(
        f"{sim.url}/rest/posts",
        params={"q": "author", "author": org["urn"], "count": "2"},
        headers=headers(org),
        timeout=TIMEOUT,
    )
    other = requests.get(
        f"{sim.url}/rest/posts",
        params={"q": "author", "author": "urn:li:organization:1"},
        headers=headers(org),
        timeout=TIMEOUT,
    )
    body = own.json()
    assert body["paging"] == {"start": 0, "count": 2, "links": [], "total": 3}
    assert len(body["elements"]) == 2
    assert body["elements"][0]["author"] == org["urn"]
    assert other.status_code == 403


def test_comments_page_by_start_and_count_newest_first(sim):
    # Given 23 top-level comments and one nested reply
    org = account(sim, "linkedin")
    ids = [add_comment(sim, "linkedin", f"Kommentar {n}")["id"] for n in range(23)]
    add_comment(sim, "linkedin", "Svar", "Nabo", parent_id=ids[0])
    url = comments_url(sim, newest_post(sim, org))
    # When read with count 10 until a page is shorter than count
    seen, sizes, totals = [], [], []
    start = 0
    while True:
        body = requests.get(
            url, params={"start": start, "count": 10}, headers=headers(org), timeout=TIMEOUT
        ).json()
        seen += [element["$URN"] for element in body["elements"]]
        sizes.append(len(body["elements"]))
        totals.append(body["paging"]["total"])
        if len(body["elements"]) < 10:
            break
        start += 10
    # Then top-level comments come newest first; total also counts the nested reply
    assert sizes == [10, 10, 3]
    assert seen == list(reversed(ids))
    assert totals == [24, 24, 24]
    first = requests.get(url, params={"count": 1}, headers=headers(org), timeout=TIMEOUT).json()
    element = first["elements"][0]
    assert element["$URN"] == f"urn:li:comment:({element['object']},{element['id']})"
    assert element["actor"].startswith("urn:li:person:")
    assert element["message"]["text"] == "Kommentar 22"
    assert isinstance(element["created"]["time"], int)


def test_replies_are_listed_under_the_comment_urn(sim):
    org = account(sim, "linkedin")
    top = add_comment(sim, "linkedin", "Er stillingen på fuld tid?")
    reply = add_comment(sim, "linkedin", "Det vil jeg også gerne vide", "Nabo", parent_id=top["id"])
    body = requests.get(comments_url(sim, top["id"]), headers=headers(org), timeout=TIMEOUT)
    elements = body.json()["elements"]
    assert [element["$URN"] for element in elements] == [reply["id"]]
    assert elements[0]["parentComment"] == top["id"]


def test_create_a_nested_reply_as_the_organisation(sim):
    # Comments API, "Create a Comment": a nested comment is created under the parent comment's
    # URN and names it as parentComment; object is the post (share or activity URN).
    # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api
    org = account(sim, "linkedin")
    post_urn = newest_post(sim, org)
    comment = add_comment(sim, "linkedin", "Hvornår er ansøgningsfristen?")
    url = comments_url(sim, comment["id"])
    payload = {
        "actor": org["urn"],
        "object": post_urn,
        "message": {"text": "Fristen er 1. december."},
        "parentComment": comment["id"],
    }
    # When the organisation replies, and when someone else or the wrong post is named
    created = requests.post(url, json=payload, headers=headers(org), timeout=TIMEOUT)
    as_person = requests.post(
        url, json={**payload, "actor": "urn:li:person:abc"}, headers=headers(org), timeout=TIMEOUT
    )
    wrong_object = requests.post(
        url, json={**payload, "object": "urn:li:share:1"}, headers=headers(org), timeout=TIMEOUT
    )
    no_text = requests.post(
        url, json={**payload, "message": {}}, headers=headers(org), timeout=TIMEOUT
    )
    no_parent = requests.post(
        url, json={**payload, "parentComment": None}, headers=headers(org), timeout=TIMEOUT
    )
    # ...or the reply is sent to the post's own comments with parentComment
    on_the_post = requests.post(
        comments_url(sim, post_urn), json=payload, headers=headers(org), timeout=TIMEOUT
    )
    # Then only the proper request creates a reply
    assert created.status_code == 201
    assert created.headers["x-restli-id"] == created.json()["id"]
    assert created.json()["parentComment"] == comment["id"]
    assert created.json()["actor"] == org["urn"]
    assert as_person.status_code == 403
    assert wrong_object.status_code == 400
    assert no_text.status_code == 400
    assert no_parent.status_code == 400
    assert on_the_post.status_code == 400
    assert [(a["kind"], a["target_id"], a["text"]) for a in actions(sim)] == [
        ("reply", comment["id"], "Fristen er 1. december.")
    ]
    listed = requests.get(url, headers=headers(org), timeout=TIMEOUT).json()["elements"]
    assert [element["$URN"] for element in listed] == [created.json()["$URN"]]


def test_comments_summary_can_be_left_out(sim):
    org = account(sim, "linkedin")
    post_urn = newest_post(sim, org)
    top = add_comment(sim, "linkedin", "Åbner biblioteket i påsken?")
    add_comment(sim, "linkedin", "Godt spørgsmål", "Nabo", parent_id=top["id"])
    url = comments_url(sim, post_urn)
    counted = requests.get(url, headers=headers(org), timeout=TIMEOUT).json()["elements"][0]
    control(sim, "POST", "config", {"linkedin_comments_summary": False})
    bare = requests.get(url, headers=headers(org), timeout=TIMEOUT).json()["elements"][0]
    assert counted["commentsSummary"]["totalFirstLevelComments"] == 1
    assert "commentsSummary" not in bare


def test_delete_needs_the_organisation_as_actor(sim):
    org = account(sim, "linkedin")
    post_urn = newest_post(sim, org)
    comment = add_comment(sim, "linkedin", "Spam spam spam")
    url = f"{comments_url(sim, post_urn)}/{comment['comment_id']}"
    no_actor = requests.delete(url, headers=headers(org), timeout=TIMEOUT)
    deleted = requests.delete(
        url, params={"actor": org["urn"]}, headers=headers(org), timeout=TIMEOUT
    )
    again = requests.delete(
        url, params={"actor": org["urn"]}, headers=headers(org), timeout=TIMEOUT
    )
    assert no_actor.status_code == 400
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert again.status_code == 404
    assert [(a["kind"], a["target_id"]) for a in actions(sim)] == [("delete", comment["id"])]


def test_throttling_and_retired_version_faults(sim):
    org = account(sim, "linkedin")
    add_fault(sim, "linkedin", "throttle")
    add_fault(sim, "linkedin", "version_retired")
    url = f"{sim.url}/rest/networkSizes/{enc(org['urn'])}"
    params = {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}
    throttled = requests.get(url, params=params, headers=headers(org), timeout=TIMEOUT)
    retired = requests.get(url, params=params, headers=headers(org), timeout=TIMEOUT)
    fine = requests.get(url, params=params, headers=headers(org), timeout=TIMEOUT)
    assert throttled.status_code == 429
    assert throttled.json()["status"] == 429
    assert retired.status_code == 426
    assert retired.json()["code"] == "NONEXISTENT_VERSION"
    assert fine.status_code == 200


def test_social_metadata_counts_comments_of_several_posts_at_once(sim):
    # Given two posts, one with a comment and a reply
    org = account(sim, "linkedin")
    posts = requests.get(
        f"{sim.url}/rest/posts",
        params={"q": "author", "author": org["urn"]},
        headers=headers(org),
        timeout=TIMEOUT,
    ).json()["elements"]
    newest, older = posts[0]["id"], posts[1]["id"]
    top = add_comment(sim, "linkedin", "Hej")["id"]
    add_comment(sim, "linkedin", "Svar", "Nabo", parent_id=top)
    # When their metadata is asked for in one batch (URNs encoded inside List(…)), and raw
    listed = f"List({enc(newest)},{enc(older)},{enc('urn:li:share:1')})"
    batch = requests.get(
        f"{sim.url}/rest/socialMetadata?ids={listed}", headers=headers(org), timeout=TIMEOUT
    ).json()
    raw = requests.get(
        f"{sim.url}/rest/socialMetadata?ids=List({newest})", headers=headers(org), timeout=TIMEOUT
    )
    single = requests.get(
        f"{sim.url}/rest/socialMetadata/{enc(newest)}", headers=headers(org), timeout=TIMEOUT
    ).json()
    # Then each post has its counts, the unknown one an error
    assert batch["results"][newest]["commentSummary"] == {"count": 2, "topLevelCount": 1}
    assert batch["results"][older]["commentSummary"] == {"count": 0, "topLevelCount": 0}
    assert batch["statuses"] == {newest: 200, older: 200, "urn:li:share:1": 404}
    assert list(batch["errors"]) == ["urn:li:share:1"]
    assert raw.status_code == 400
    assert single["entity"] == newest
    assert single["commentSummary"]["count"] == 2


def notifications(sim, org: dict, query: str = "", **params) -> requests.Response:
    """GET organizationalEntityNotifications with the criteria finder; `query` is appended
    as written (Rest.li structure must not be encoded by requests)."""
    base = f"q=criteria&organizationalEntity={enc(org['urn'])}"
    return requests.get(
        f"{sim.url}/rest/organizationalEntityNotifications?{base}{query}",
        params=params,
        headers=headers(org),
        timeout=TIMEOUT,
    )


def test_notifications_name_the_post_and_the_comment_newest_first(sim):
    # Given a citizen's comment, a reply to it and the organisation's own answer
    org = account(sim, "linkedin")
    post_urn = newest_post(sim, org)
    top = add_comment(sim, "linkedin", "Hvornår åbner svømmehallen?")
    reply = add_comment(sim, "linkedin", "Det vil jeg også vide", "Nabo", parent_id=top["id"])
    own = requests.post(
        comments_url(sim, post_urn),
        json={"actor": org["urn"], "object": post_urn, "message": {"text": "Den 1. marts."}},
        headers=headers(org),
        timeout=TIMEOUT,
    ).json()
    # When the notifications are read
    body = notifications(sim, org, "&actions=List(COMMENT,ADMIN_COMMENT)").json()
    elements = body["elements"]
    # Then every comment has one, newest first, naming the post by activity and share URN
    assert [element["action"] for element in elements] == ["ADMIN_COMMENT", "COMMENT", "COMMENT"]
    assert body["paging"]["total"] == 3
    activity = elements[0]["sourcePost"]
    assert activity.startswith("urn:li:activity:")
    assert {element["sourcePost"] for element in elements} == {activity}
    assert {element["decoratedSourcePost"]["entity"] for element in elements} == {post_urn}
    numbers = [element["generatedActivity"].rsplit(",", 1)[1].rstrip(")") for element in elements]
    assert numbers == [own["id"], reply["comment_id"], top["comment_id"]]
    assert elements[2]["generatedActivity"] == f"urn:li:comment:({activity},{top['comment_id']})"
    comment = elements[2]["decoratedGeneratedActivity"]["comment"]
    assert comment["text"] == "Hvornår åbner svømmehallen?"
    assert comment["owner"] == top["author_id"]
    assert elements[0]["decoratedGeneratedActivity"]["comment"]["owner"] == org["urn"]
    assert all(element["organizationalEntity"] == org["urn"] for element in elements)
    assert elements[0]["lastModifiedAt"] >= elements[2]["lastModifiedAt"]
    # And socialActions takes the activity URN as well as the share URN
    listed = requests.get(comments_url(sim, activity), headers=headers(org), timeout=TIMEOUT)
    assert [element["id"] for element in listed.json()["elements"]] == [
        own["id"],
        top["comment_id"],
    ]


def test_notifications_filter_by_action_time_range_and_post(sim):
    org = account(sim, "linkedin")
    newest, older = (
        requests.get(
            f"{sim.url}/rest/posts",
            params={"q": "author", "author": org["urn"]},
            headers=headers(org),
            timeout=TIMEOUT,
        ).json()["elements"][n]["id"]
        for n in (0, 1)
    )
    yesterday = add_comment(
        sim,
        "linkedin",
        "I går",
        post_id=older,
        created_time=(datetime.now(UTC) - timedelta(days=1)).isoformat(),
    )
    today = add_comment(sim, "linkedin", "I dag", post_id=newest)
    old = add_comment(
        sim,
        "linkedin",
        "For længe siden",
        post_id=older,
        created_time=(datetime.now(UTC) - timedelta(days=61)).isoformat(),
    )
    start = int((datetime.now(UTC) - timedelta(hours=2)).timestamp() * 1000)
    end = int((datetime.now(UTC) + timedelta(minutes=5)).timestamp() * 1000)

    def numbers(response):
        assert response.status_code == 200, response.text
        return [e["generatedActivity"].rsplit(",", 1)[1][:-1] for e in response.json()["elements"]]

    everything = numbers(notifications(sim, org))
    recent = numbers(notifications(sim, org, f"&timeRange=(start:{start},end:{end})"))
    on_older = numbers(notifications(sim, org, f"&sourcePost={enc(older)}"))
    own_only = numbers(notifications(sim, org, "&actions=List(ADMIN_COMMENT)"))
    # Notifications are kept for 60 days
    assert everything == [today["comment_id"], yesterday["comment_id"]]
    assert old["comment_id"] not in everything
    assert recent == [today["comment_id"]]
    assert on_older == [yesterday["comment_id"]]
    assert own_only == []


def test_notifications_page_by_start_and_count(sim):
    org = account(sim, "linkedin")
    ids = [add_comment(sim, "linkedin", f"Kommentar {n}")["comment_id"] for n in range(7)]
    pages = [notifications(sim, org, start=str(start), count="3").json() for start in (0, 3, 6)]
    seen = [e["generatedActivity"].rsplit(",", 1)[1][:-1] for p in pages for e in p["elements"]]
    assert [len(page["elements"]) for page in pages] == [3, 3, 1]
    assert [page["paging"]["total"] for page in pages] == [7, 7, 7]
    assert seen == list(reversed(ids))


def test_notifications_are_strict_about_the_query(sim):
    org = account(sim, "linkedin")
    url = f"{sim.url}/rest/organizationalEntityNotifications"
    raw_urn = requests.get(
        f"{url}?q=criteria&organizationalEntity={org['urn']}", headers=headers(org), timeout=TIMEOUT
    )
    answers = {
        "no_finder": requests.get(
            f"{url}?organizationalEntity={enc(org['urn'])}", headers=headers(org), timeout=TIMEOUT
        ),
        "no_entity": requests.get(f"{url}?q=criteria", headers=headers(org), timeout=TIMEOUT),
        "other_org": notifications(sim, {**org, "urn": "urn:li:organization:1"}),
        "unknown_action": notifications(sim, org, "&actions=List(COMMENTED)"),
        "not_a_list": notifications(sim, org, "&actions=COMMENT"),
        "bad_range": notifications(sim, org, "&timeRange=(start:5)"),
        "backwards": notifications(sim, org, "&timeRange=(start:5,end:4)"),
        "raw_source": notifications(sim, org, "&sourcePost=urn:li:share:1"),
        "no_version": requests.get(
            f"{url}?q=criteria&organizationalEntity={enc(org['urn'])}",
            headers={k: v for k, v in headers(org).items() if k != "LinkedIn-Version"},
            timeout=TIMEOUT,
        ),
    }
    assert raw_urn.status_code == 400
    assert {name: answer.status_code for name, answer in answers.items()} == {
        "no_finder": 400,
        "no_entity": 400,
        "other_org": 403,
        "unknown_action": 400,
        "not_a_list": 400,
        "bad_range": 400,
        "backwards": 400,
        "raw_source": 400,
        "no_version": 426,
    }


def test_notifications_under_faults(sim):
    # A lagging comment is notified at once; a no_notification comment never; a throttle
    # answers 429.
    org = account(sim, "linkedin")
    add_fault(sim, "linkedin", "read_lag", seconds=30)
    late = add_comment(sim, "linkedin", "Forsinket")
    add_fault(sim, "linkedin", "no_notification")
    silent = add_comment(sim, "linkedin", "Uden besked")
    add_fault(sim, "linkedin", "throttle")
    throttled = notifications(sim, org)
    notified = notifications(sim, org).json()["elements"]
    listed = requests.get(
        comments_url(sim, newest_post(sim, org)), headers=headers(org), timeout=TIMEOUT
    ).json()["elements"]
    assert throttled.status_code == 429
    assert [e["generatedActivity"].rsplit(",", 1)[1][:-1] for e in notified] == [late["comment_id"]]
    assert {element["id"] for element in listed} == {silent["comment_id"]}
