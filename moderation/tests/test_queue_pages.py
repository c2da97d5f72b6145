"""The queue page, its live fragments and the item page, through the test client."""

from datetime import timedelta

import pytest
import time_machine
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import Membership, Role
from moderation.counts import count_created
from moderation.models import ItemStatus, OutboxMessage, QueueItem

from .support import adopt_policy, item

pytestmark = pytest.mark.django_db


def login(client, org, persona):
    assert client.login(username=persona, password=PASSWORD)


def _fill(org, count, start=100):
    now = timezone.now()
    created = QueueItem.objects.bulk_create(
        [
            QueueItem(
                channel=org.channels["central"],
                platform="facebook",
                external_id=f"bulk-{start + n}",
                kind="comment",
                author_name=f"Borger {n}",
                text=f"Spørgsmål nummer {n}",
                created_at=now,
                received_at=now,
                answer_due=now + timedelta(hours=n + 1),
                assigned_to=org.users["monitor"],
            )
            for n in range(count)
        ]
    )
    count_created(created)


def test_the_queue_lists_open_items_by_answer_deadline(client, org):
    login(client, org, "comms")
    now = timezone.now()
    late = item(org.channels["central"], "Senere", n=1, answer_due=now + timedelta(hours=5))
    soon = item(org.channels["central"], "Snart", n=2, answer_due=now + timedelta(hours=1))
    item(org.channels["central"], "Lukket", n=3, status=ItemStatus.CLOSED)
    response = client.get(reverse("moderation:queue"))
    assert response.status_code == 200
    ids = [i.pk for i in response.context["items"]]
    assert ids[:2] == [soon.pk, late.pk]
    assert all(i.status in ("new", "acknowledged", "forwarded") for i in response.context["items"])


def test_filters_narrow_the_queue(client, org):
    login(client, org, "comms")
    now = timezone.now()
    overdue = item(org.channels["central"], "For sent", n=1, answer_due=now - timedelta(hours=1))
    item(org.channels["central"], "I tide", n=2, answer_due=now + timedelta(hours=10))
    flagged = item(org.channels["b"], "Mit nummer", n=3, has_personal_data=True)
    assert [i.pk for i in client.get("/moderation/?overdue=on").context["items"]] == [overdue.pk]
    assert [i.pk for i in client.get("/moderation/?personal=on").context["items"]] == [flagged.pk]
    assert {i.platform for i in client.get("/moderation/?platform=instagram").context["items"]} == {
        "instagram"
    }
    centre_b = org.units["centre_b"].pk
    got = client.get(f"/moderation/?centre={centre_b}").context["items"]
    assert {i.channel_id for i in got} == {org.channels["b"].pk}


def test_keyset_pages_follow_each_other_without_gaps(client, org):
    login(client, org, "comms")
    _fill(org, 7)
    first = client.get("/moderation/?size=3")
    seen = [i.pk for i in first.context["items"]]
    url = first.context["next_url"]
    while url:
        page = client.get("/moderation/" + url)
        seen += [i.pk for i in page.context["items"]]
        url = page.context["next_url"]
    # Items without a deadline come last
    expected = list(
        QueueItem.objects.filter(status="new")
        .order_by(F("answer_due").asc(nulls_last=True), "id")
        .values_list("pk", flat=True)
    )
    assert seen == expected


@pytest.mark.parametrize(
    "after",
    ["2026-13-45T99:00:00+00:00~5", "not-a-date~5", "~", "none~x", "2026-11-23T09:00:00+00:00~"],
)
def test_a_malformed_cursor_shows_the_first_page(client, org, after):
    # Given the queue's first page
    login(client, org, "comms")
    _fill(org, 3)
    first = [row.pk for row in client.get("/moderation/").context["items"]]
    # When the cursor in the address is nonsense (typed by hand, cut off in a link)
    response = client.get("/moderation/", {"after": after})
    # Then the page is still there, from the start, with a link back to the first page
    assert response.status_code == 200
    assert [row.pk for row in response.context["items"]] == first
    assert response.context["first_url"] == "?"


@pytest.mark.parametrize(
    "query",
    [
        {"channel": "central"},
        {"channel": "central", "status": "all", "platform": "instagram"},
        {"channel": "central", "status": "no-such-status", "personal": "on"},
        {"channel": "999999", "centre": "999999", "overdue": "on"},
        {"channel": "b", "mine": "on"},
    ],
)
def test_the_page_and_its_live_refresh_list_the_same_rows(client, org, query):
    # Given a centre manager, whose channel list holds only their centre's channel
    login(client, org, "manager_b")
    flagged = item(org.channels["b"], "Mit nummer", n=5, has_personal_data=True)
    params = {
        name: str(org.channels[value].pk) if name == "channel" and value in org.channels else value
        for name, value in query.items()
    }
    # When the page and its live refresh are asked with the same filters, some of which name
    # a channel outside their list or a value that does not exist
    page = client.get(reverse("moderation:queue"), params)
    live = client.get(reverse("moderation:queue"), params, HTTP_HX_REQUEST="true")
    # Then both list the same rows: a value that does not validate is left out of both
    page_rows = [row.pk for row in page.context["items"]]
    assert page_rows == [row.pk for row in live.context["items"]]
    assert set(page_rows) <= {org.items["b"].pk, flagged.pk}
    assert page.context["filters"] == live.context["filters"]


def test_a_channel_outside_the_users_list_is_left_out_of_the_filters(org):
    from moderation.forms import QueueFilterForm

    # Given a centre manager asking for the central channel, which is not theirs
    data = {"channel": str(org.channels["central"].pk), "platform": "instagram"}
    # When the filter form reads the request
    filters = QueueFilterForm(data, user=org.users["manager_b"]).filters()
    # Then the channel is left out and the other filters stay
    assert "channel" not in filters
    assert filters["platform"] == "instagram"
    # And their own channel is taken
    own = {"channel": str(org.channels["b"].pk)}
    mine = QueueFilterForm(own, user=org.users["manager_b"]).filters()
    assert mine["channel"] == org.channels["b"].pk


def test_htmx_gets_only_the_rows(client, org):
    login(client, org, "comms")
    response = client.get("/moderation/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table" in body and "<html" not in body


def test_counts_fragment(client, org):
    login(client, org, "monitor")
    _fill(org, 3)
    response = client.get(reverse("moderation:queue-counts"))
    assert response.context["counts"] == {
        "open": 4,
        "mine": 3,
        "at_risk": 0,
        "overdue": 0,
        "personal": 0,
    }
    assert "aria-live" not in response.content.decode()  # the page's announcer speaks, once


@pytest.mark.parametrize("count, size", [(5, 3), (5, 50), (60, 3), (60, 50)])
def test_queue_page_queries_do_not_grow(client, org, count, size, django_assert_num_queries):
    login(client, org, "comms")
    _fill(org, count)
    client.get("/moderation/")  # warm the session
    # 1 session, 2 user, 3 the user's roles with their centres, 4 the filter form's channel
    # choices, 5 its centre choices, 6 its label choices, 7 the page of rows (with channel and
    # assignee joined), 8 the people the bulk bar offers to assign the rows to (one query for
    # all the rows' channels: the bar is outside the live refresh, which does not ask it)
    with django_assert_num_queries(8):
        response = client.get(f"/moderation/?size={size}")
    assert len(response.context["items"]) == min(size, count + 3)
    # The live refresh validates its filters with the same form and replaces the rows only,
    # so it asks the first seven
    with django_assert_num_queries(7):
        client.get(f"/moderation/?size={size}", HTTP_HX_REQUEST="true")


@pytest.mark.parametrize("count", [5, 60])
def test_deep_queue_pages_cost_the_first_page_s_queries(
    client, org, count, django_assert_num_queries
):
    # Given items with and without an answer deadline, walked two at a time
    login(client, org, "comms")
    _fill(org, count)
    expected = list(
        QueueItem.objects.open()
        .order_by(F("answer_due").asc(nulls_last=True), "id")
        .values_list("pk", flat=True)
    )
    seen, url = [], "/moderation/?size=2"
    while url:
        # Then every page, however deep, reads its rows in one query (one UNION of the
        # items with a deadline and those without, each from the cursor on), and the bulk
        # bar's assignable people in one more (and the filter form's label choices)
        with django_assert_num_queries(8):
            page = client.get(url if url.startswith("/") else f"/moderation/{url}")
        seen += [row.pk for row in page.context["items"]]
        url = page.context["next_url"]
    assert seen == expected


@pytest.mark.parametrize("count, size", [(5, 3), (5, 50), (60, 3), (60, 50)])
def test_items_api_queries_do_not_grow(client, org, count, size, django_assert_num_queries):
    login(client, org, "comms")
    _fill(org, count)
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/items/?page_size={size}")
    assert response.json()["count"] == count + 3
    assert len(response.json()["results"]) == min(size, count + 3)


def test_item_page_shows_html_and_script_as_text(client, org):
    login(client, org, "comms")
    hostile = item(org.channels["central"], '<script>alert("x")</script><b>fed</b>', n=9)
    response = client.get(hostile.get_absolute_url())
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;fed&lt;/b&gt;" in body
    queue = client.get("/moderation/").content.decode()
    assert "<script>alert" not in queue


def test_personal_ids_are_masked_on_every_page_and_in_the_api(client, org):
    login(client, org, "comms")
    flagged = item(org.channels["central"], "Mit CPR er 070761-4285", n=4, has_personal_data=True)
    for url in ("/moderation/", flagged.get_absolute_url(), "/api/v1/items/"):
        body = client.get(url).content.decode()
        assert "070761-4285" not in body, url
        assert "██████-████" in body, url


def test_item_page_shows_thread_earlier_items_and_history(client, org):
    login(client, org, "comms")
    now = timezone.now()
    earlier = item(
        org.channels["central"],
        "Første",
        n=1,
        received=now - timedelta(days=3),
        author_external_id="citizen-1",
        thread_external_id="post-1",
    )
    later = item(
        org.channels["central"],
        "Anden",
        n=2,
        received=now,
        author_external_id="citizen-1",
        thread_external_id="post-1",
    )
    client.post(reverse("moderation:item-action", args=[later.pk, "acknowledge"]))
    response = client.get(later.get_absolute_url())
    # Both are top-level comments on the post: the other one is folded away with its count.
    conversation = response.context["conversation"]
    assert conversation.root.item.pk == later.pk
    assert [i.pk for i in conversation.other_top_level] == [earlier.pk]
    assert conversation.other_top_level_count == 1
    assert [i.pk for i in response.context["earlier"]] == [earlier.pk]
    assert [e.action for e in response.context["history"]] == ["acknowledge"]


def test_reply_from_the_page_goes_through_the_outbox(client, org):
    adopt_policy(org.municipality)
    login(client, org, "comms")
    question = org.items["central"]
    response = client.post(
        reverse("moderation:item-action", args=[question.pk, "reply"]),
        {"text": "Vi svarer i morgen.", "idempotency_key": "page-1"},
    )
    assert response.status_code == 302
    assert list(OutboxMessage.objects.values_list("kind", "text")) == [
        ("reply", "Vi svarer i morgen.")
    ]
    # Posting the same form twice (a double click) sends one reply
    client.post(
        reverse("moderation:item-action", args=[question.pk, "reply"]),
        {"text": "Vi svarer i morgen.", "idempotency_key": "page-1"},
    )
    assert OutboxMessage.objects.count() == 1


def test_a_refused_step_shows_why_and_loses_nothing(client, org):
    login(client, org, "comms")
    question = org.items["central"]
    response = client.post(
        reverse("moderation:item-action", args=[question.pk, "close"]), {"close-reason": ""}
    )
    assert response.status_code == 400
    assert "Give a reason for closing." in response.content.decode()
    question.refresh_from_db()
    assert question.status == "new"
    assert AuditEntry.objects.count() == 0


def test_an_expert_sees_only_what_was_forwarded(client, org):
    from moderation import actions

    login(client, org, "expert")
    assert client.get(org.items["a"].get_absolute_url()).status_code == 404
    actions.forward(
        org.items["a"],
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        acting_user=org.users["comms"],
    )
    assert client.get(org.items["a"].get_absolute_url()).status_code == 200
    listed = client.get("/moderation/").context["items"]
    assert [i.pk for i in listed] == [org.items["a"].pk]
    page = client.get(reverse("moderation:forwarded"))
    assert [f.item_id for f in page.context["open"]] == [org.items["a"].pk]
    api = client.get("/api/v1/items/").json()
    assert [r["id"] for r in api["results"]] == [org.items["a"].pk]


def test_a_centre_manager_sees_only_their_centre(client, org):
    login(client, org, "manager_b")
    listed = client.get("/moderation/").context["items"]
    assert [i.pk for i in listed] == [org.items["b"].pk]
    api = client.get("/api/v1/items/").json()
    assert [r["id"] for r in api["results"]] == [org.items["b"].pk]


def test_audit_log_filters_and_csv(client, org):
    from moderation import actions

    actions.acknowledge(org.items["a"], acting_user=org.users["comms"], note="=SUM(A1)")
    actions.close(org.items["b"], "Ros", acting_user=org.users["comms_lead"])
    login(client, org, "comms_lead")
    page = client.get("/moderation/audit/?action=close")
    assert [e.action for e in page.context["entries"]] == ["close"]
    csv_body = client.get("/moderation/audit/?format=csv&action=acknowledge").content.decode()
    lines = csv_body.strip().splitlines()
    assert lines[0] == (
        "at,actor,action,item,channel,reason,note,policy_version,data,"
        "object_type,object_id,before,after"
    )
    assert len(lines) == 2
    assert ",comms,acknowledge," in lines[1]
    assert "'=SUM(A1)" in lines[1]
    item_id = org.items["a"].pk
    assert (
        f'moderation.queueitem,{item_id},"{{""first_responded_at"": null, ""status"": ""new""}}"'
        in (lines[1])
    )


def test_assigning_to_someone_outside_the_organisation_is_refused(client, org):
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user(username="fremmed")
    login(client, org, "comms")
    response = client.post(
        reverse("moderation:item-action", args=[org.items["central"].pk, "assign"]),
        {"assign-to_user": stranger.pk},
    )
    assert response.status_code == 400
    assert QueueItem.objects.get(pk=org.items["central"].pk).assigned_to_id is None
    ok = client.post(
        reverse("moderation:item-action", args=[org.items["central"].pk, "assign"]),
        {"assign-to_user": org.users["monitor"].pk},
    )
    assert ok.status_code == 302
    assert QueueItem.objects.get(pk=org.items["central"].pk).assigned_to == org.users["monitor"]


def _grow_item_page(org, subject, size):
    """`size` more of everything the item page lists: thread, the author's earlier items,
    history, forwardings and notes."""
    from audit import record
    from moderation.models import Forwarding, OutboxMessage, ThreadPost

    ThreadPost.objects.get_or_create(
        platform=subject.platform,
        external_id=subject.thread_external_id,
        defaults={"channel": subject.channel, "text": "Opslaget", "seen_at": subject.received_at},
    )
    start = subject.pk * 100000 + QueueItem.objects.count() * 10
    for n in range(size):
        other = item(
            org.channels["central"],
            f"Svar i tråden {n}",
            n=start + n,
            thread_external_id=subject.thread_external_id,
        )
        # Replies under the item (its branch, open) and under another comment (folded away)
        item(
            org.channels["central"],
            f"Svar på spørgsmålet {n}",
            n=start + 3 * size + n,
            thread_external_id=subject.thread_external_id,
            parent=subject,
            parent_external_id=subject.external_id,
            kind="reply",
        )
        item(
            org.channels["central"],
            f"Svar på en anden {n}",
            n=start + 4 * size + n,
            thread_external_id=subject.thread_external_id,
            parent=other,
            parent_external_id=other.external_id,
            kind="reply",
        )
        OutboxMessage.objects.create(
            kind="reply",
            idempotency_key=f"grow-{start}-{n}",
            channel=subject.channel,
            item=subject,
            text=f"Vores svar {n}",
            requested_by=org.users["comms"],
        )
        # History naming people by id, and a removal reason
        record(
            "assign",
            actor=org.users["comms"],
            item=subject,
            before={"assigned_to": None},
            after={"assigned_to": org.users["monitor"].pk},
        )
        record("hide", actor=org.users["comms"], item=subject, reason="offensive")
        item(
            org.channels["central"],
            f"Tidligere spørgsmål {n}",
            n=start + size + n,
            author_external_id=subject.author_external_id,
            received=subject.received_at - timedelta(days=n + 1),
        )
        record("note", actor=org.users["comms"], item=subject, note=f"Note {n}")
        Forwarding.objects.create(
            item=subject,
            to_unit=org.units["dept_a"],
            to_user=org.users["expert"],
            due_at=subject.received_at + timedelta(hours=2),
            forwarded_by=org.users["comms"],
        )


@pytest.mark.parametrize("persona", ["comms", "expert"])
def test_item_page_queries_do_not_grow(client, org, persona, django_assert_num_queries):
    # Given an item in a thread, with an author who wrote before, history and forwardings
    subject = item(
        org.channels["central"], "Hvornår tømmes skraldet?", n=1, thread_external_id="post-1"
    )
    _grow_item_page(org, subject, 2)
    login(client, org, persona)
    url = reverse("moderation:item-detail", args=[subject.pk])
    assert client.get(url).status_code == 200  # warm the session
    counts = []
    for _round in range(2):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
        # When every list on the page grows tenfold
        _grow_item_page(org, subject, 20)
    # Then the page asks the database the same number of times
    assert counts[0] == counts[1]
    with django_assert_num_queries(ITEM_PAGE_QUERIES[persona]):
        client.get(url)


# Session, user, the user's roles; the item (with channel, unit, parent, policy); the
# municipality and its canned answers; the forwardings; the item's outbox, read once for both the
# conversation's replies and the latest writes to the platform; the conversation: the thread's
# shape (ids and parents), the rows shown, the post; the author's earlier items; the similar
# earlier questions with our answers (one full-text search, the answer read in the same query);
# the history, the people its changes name, the removal reasons it names; the record; the policy
# in force; the answered forwarding; for the team also the forward form's departments and
# experts, the assign form's team, and the departments' topics the forward dialog's suggestion is
# ranked from (one query, whatever the number of departments;
# `moderation.routing.suggest_departments`); the item's labels and what the inbox rules did to
# it (with rules' hits, the hits' labels, departments and reasons are read in three more,
# whatever the number of hits).
ITEM_PAGE_QUERIES = {"comms": 25, "expert": 21}


def test_a_role_taken_away_hides_its_items_on_the_next_refresh(client, org):
    # Given the channel editor of department A, whose queue shows that department's item
    login(client, org, "editor")
    live = {"HTTP_HX_REQUEST": "true"}
    first = client.get(reverse("moderation:queue"), **live)
    assert org.items["a"].pk in [row.pk for row in first.context["items"]]
    # When their role is taken away between two live refreshes
    Membership.objects.filter(user=org.users["editor"]).delete()
    second = client.get(reverse("moderation:queue"), **live)
    # Then the next refresh no longer lets them in
    assert second.status_code == 403


def test_a_role_given_shows_its_items_on_the_next_refresh(client, org):
    # Given the department expert, who sees nothing that was not forwarded to them
    login(client, org, "expert")
    live = {"HTTP_HX_REQUEST": "true"}
    assert list(client.get(reverse("moderation:queue"), **live).context["items"]) == []
    # When they are made channel editor of department B between two refreshes
    Membership.objects.create(
        user=org.users["expert"], unit=org.units["dept_b"], role=Role.CHANNEL_EDITOR
    )
    response = client.get(reverse("moderation:queue"), **live)
    # Then department B's item is in the rows at once
    assert [row.pk for row in response.context["items"]] == [org.items["b"].pk]


def test_the_overdue_filter_counts_time_between_two_refreshes(client, org):
    # Given an item due in one minute and a queue filtered to overdue items
    login(client, org, "comms")
    start = timezone.now()
    due = item(
        org.channels["central"], "Snart for sent", n=1, answer_due=start + timedelta(minutes=1)
    )
    url = reverse("moderation:queue") + "?overdue=on"
    with time_machine.travel(start, tick=False):
        before = client.get(url, HTTP_HX_REQUEST="true")
    assert due.pk not in [row.pk for row in before.context["items"]]
    # When the same refresh is asked two minutes later
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        after = client.get(url, HTTP_HX_REQUEST="true")
    # Then the item has become overdue and is listed
    assert due.pk in [row.pk for row in after.context["items"]]


def test_the_team_sees_what_it_forwarded_and_the_queue_links_only_to_pages_one_may_open(
    client, org
):
    from moderation import actions

    actions.forward(
        org.items["a"],
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        acting_user=org.users["comms"],
    )
    login(client, org, "comms_lead")
    page = client.get(reverse("moderation:forwarded"))
    assert [f.item_id for f in page.context["team_open"]] == [org.items["a"].pk]
    assert 'id="team-forwarded"' in page.content.decode()
    assert reverse("moderation:forwarded") in client.get("/moderation/").content.decode()

    # The monitor may open the queue but not the forwarded questions: no link to a 403.
    login(client, org, "monitor")
    queue = client.get("/moderation/").content.decode()
    assert reverse("moderation:forwarded") not in queue
    assert client.get(reverse("moderation:forwarded")).status_code == 403

    # The expert's own page has no team section.
    login(client, org, "expert")
    page = client.get(reverse("moderation:forwarded"))
    assert [f.item_id for f in page.context["open"]] == [org.items["a"].pk]
    assert 'id="team-forwarded"' not in page.content.decode()


@pytest.mark.parametrize("language", ["da", "sv", "nb", "en"])
def test_a_refused_page_is_translated_and_in_the_products_layout(client, org, language):
    login(client, org, "monitor")
    client.cookies["django_language"] = language
    response = client.get(reverse("moderation:forwarded"))
    body = response.content.decode()
    assert response.status_code == 403
    assert 'class="app-brand"' in body
    expected = {
        "da": "Du har ikke adgang til denne side",
        "sv": "Du har inte behörighet till den här sidan",
        "nb": "Du har ikke tilgang til denne siden",
        "en": "You may not open this page",
    }[language]
    assert expected in body
    missing = client.get("/moderation/no-such-page/")
    assert missing.status_code == 404
    assert 'class="app-brand"' in missing.content.decode()


def test_the_dashboard_and_menu_show_crisis_mode_to_those_it_concerns(client, org):
    from moderation import actions

    login(client, org, "comms")
    dashboard = client.get("/").content.decode()
    assert "app-dashboard-alert" not in dashboard
    assert reverse("moderation:crisis") in dashboard  # the menu links crisis mode for the team
    assert reverse("moderation:audit-log") in dashboard

    actions.start_crisis(
        org.municipality, acting_user=org.users["comms_lead"], reason="Storm over the harbour"
    )
    client.cookies["django_language"] = "en"
    dashboard = client.get("/").content.decode()
    assert "app-dashboard-alert" in dashboard
    assert "Crisis mode is on" in dashboard and "Storm over the harbour" in dashboard
    assert "25 % of normal" in dashboard

    # The monitor is told too, but the menu does not offer pages they may not open.
    login(client, org, "monitor")
    client.cookies["django_language"] = "en"
    dashboard = client.get("/").content.decode()
    assert "Crisis mode is on" in dashboard
    assert reverse("moderation:audit-log") not in dashboard
    assert 'href="/moderation/crisis/"' not in dashboard

    actions.end_crisis(org.municipality, acting_user=org.users["comms_lead"])
    assert "app-dashboard-alert" not in client.get("/").content.decode()
