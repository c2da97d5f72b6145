"""Bulk steps on the queue's selected items, through both doors: the queue page's bulk bar
(`POST /moderation/bulk/`) and the API (`POST /api/v1/items/bulk/`). Each item goes through its
own action: its own permission check, its own audit row; what cannot take the step is skipped
with the reason, and a request that cannot run changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import Membership, RemovalReason, Role
from moderation import bulk
from moderation.models import ItemStatus, QueueItem

from .support import adopt_policy, item

pytestmark = pytest.mark.django_db

BULK_PAGE = "/moderation/bulk/"
BULK_API = "/api/v1/items/bulk/"
FIRST = object()  # stands for the first selected item's id in a request


def login(client, persona):
    assert client.login(username=persona, password=PASSWORD)
    return client


def state(*items):
    """What a bulk step may change on the items, and the audit trail's length."""
    rows = QueueItem.objects.filter(pk__in=[i.pk for i in items]).order_by("pk")
    return (
        list(rows.values_list("pk", "status", "closed_reason", "assigned_to_id")),
        AuditEntry.objects.count(),
    )


def audit_rows(action):
    return list(
        AuditEntry.objects.filter(action=action)
        .order_by("item_id")
        .values_list("item_id", "actor__username", "reason", "note")
    )


def spam_policy(org):
    version = adopt_policy(org.municipality)
    RemovalReason.objects.create(
        version=version,
        code="spam",
        label="Reklame og spam",
        explanation="Salg og reklame fjerner vi.",
    )
    return version


@pytest.fixture
def two(org):
    """Two open items on the central channel, besides the organisation's own."""
    channel = org.channels["central"]
    return [item(channel, "Første", n=11), item(channel, "Anden", n=12)]


# The page


def test_the_page_closes_the_selected_items_with_the_reason_each_audited(client, org, two):
    # Given the communications team with two items selected on a filtered queue
    login(client, "comms")
    ids = [str(i.pk) for i in two]
    # When they close them with a reason from the bulk bar
    response = client.post(
        BULK_PAGE,
        {"action": "close", "ids": ids, "reason": "Ros", "query": "platform=facebook&size=20"},
    )
    # Then they are back on the queue with its filters, told what happened
    assert response.status_code == 302
    assert response["Location"] == "/moderation/?platform=facebook&size=20"
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == ["2 items closed."]
    # And each item was closed by its own action, with its own audit row
    assert state(*two)[0] == [(i.pk, ItemStatus.CLOSED, "Ros", None) for i in two]
    assert audit_rows("close") == [(i.pk, "comms", "closed", "Ros") for i in two]


def test_the_page_acknowledges_the_selected_items(client, org, two):
    login(client, "monitor")
    response = client.post(BULK_PAGE, {"action": "acknowledge", "ids": [i.pk for i in two]})
    assert response.status_code == 302
    assert response["Location"] == "/moderation/"
    assert [s for _pk, s, _r, _a in state(*two)[0]] == [ItemStatus.ACKNOWLEDGED] * 2
    assert audit_rows("acknowledge") == [(i.pk, "monitor", "", "") for i in two]
    page = client.get("/moderation/")
    assert [str(m) for m in page.context["messages"]] == ["2 items acknowledged."]


def test_the_page_assigns_the_selected_items_to_a_person(client, org, two):
    login(client, "comms")
    monitor = org.users["monitor"]
    response = client.post(
        BULK_PAGE, {"action": "assign", "ids": [i.pk for i in two], "assignee": monitor.pk}
    )
    assert response.status_code == 302
    assert state(*two)[0] == [(i.pk, ItemStatus.NEW, "", monitor.pk) for i in two]
    rows = AuditEntry.objects.filter(action="assign").order_by("item_id")
    assert [(r.item_id, r.actor.username, r.after) for r in rows] == [
        (i.pk, "comms", {"assigned_to": monitor.pk}) for i in two
    ]
    page = client.get("/moderation/")
    assert [str(m) for m in page.context["messages"]] == ["2 items assigned to monitor."]


def _label(org, name="Parkering"):
    from moderation import rule_actions

    return rule_actions.create_label(
        org.municipality, acting_user=org.users["comms_lead"], name=name
    )


def _labels_of(*items):
    from moderation.models import ItemLabel

    return sorted(
        ItemLabel.objects.filter(item__in=items).values_list(
            "item_id", "label__name", "added_by__username"
        )
    )


def test_the_page_adds_a_label_to_the_selected_items_each_audited_once(client, org, two):
    label = _label(org)
    login(client, "monitor")
    page = client.get("/moderation/")
    assert b'id="bulk-label"' in page.content and b"Parkering" in page.content
    ids = [i.pk for i in two]
    response = client.post(BULK_PAGE, {"action": "label", "ids": ids, "label": label.pk})
    assert response.status_code == 302
    assert _labels_of(*two) == [(i.pk, "Parkering", "monitor") for i in two]
    page = client.get("/moderation/")
    assert [str(m) for m in page.context["messages"]] == ["Label Parkering added to 2 items."]
    # Again: the label stays once on each item and no second audit row is written
    client.post(BULK_PAGE, {"action": "label", "ids": ids, "label": label.pk})
    assert _labels_of(*two) == [(i.pk, "Parkering", "monitor") for i in two]
    assert AuditEntry.objects.filter(action="label_add").count() == 2


def test_the_page_refuses_a_label_step_without_a_label_and_changes_nothing(client, org, two):
    _label(org)
    login(client, "monitor")
    response = client.post(BULK_PAGE, {"action": "label", "ids": [i.pk for i in two]})
    assert response.status_code == 400
    assert "Choose the label to add to the items." in response.content.decode()
    assert _labels_of(*two) == []


def test_the_api_adds_a_label_and_answers_each_items_outcome(client, org, two):
    label = _label(org)
    login(client, "comms")
    response = client.post(
        BULK_API,
        {"action": "label", "ids": [i.pk for i in two], "label": label.pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    answer = response.json()
    assert (answer["action"], answer["done"], answer["skipped"]) == ("label", 2, 0)
    assert answer["summary"] == ["Label Parkering added to 2 items."]
    assert _labels_of(*two) == [(i.pk, "Parkering", "comms") for i in two]


def test_the_page_marks_the_selected_items_as_spam_with_the_policys_reason(client, org, two):
    # Given a policy whose removal reasons name spam
    version = spam_policy(org)
    login(client, "comms")
    # When the items are marked as spam
    client.post(BULK_PAGE, {"action": "spam", "ids": [i.pk for i in two]})
    # Then they are closed with the policy's label, audited under its code and version
    assert state(*two)[0] == [(i.pk, ItemStatus.CLOSED, "Reklame og spam", None) for i in two]
    assert audit_rows("close") == [(i.pk, "comms", "spam", "Reklame og spam") for i in two]
    assert set(AuditEntry.objects.filter(action="close").values_list("policy_version", flat=True))
    page = client.get("/moderation/")
    assert [str(m) for m in page.context["messages"]] == ["2 items closed as spam."]
    assert version.removal_reasons.filter(code="spam").exists()


def test_spam_without_a_spam_reason_in_the_policy_skips_every_item(client, org, two):
    # Given a policy without a spam reason
    adopt_policy(org.municipality)
    login(client, "comms")
    before = state(*two)
    client.post(BULK_PAGE, {"action": "spam", "ids": [i.pk for i in two]})
    assert state(*two) == before
    page = client.get("/moderation/")
    assert [str(m) for m in page.context["messages"]] == [
        "2 items skipped: The policy in force has no reason for spam among its removal "
        "reasons. Close the item with a reason instead."
    ]


def test_items_the_state_refuses_are_skipped_with_the_reason_the_others_closed(client, org, two):
    # Given one of three selected items whose answer is on its way to the platform
    sending = item(org.channels["central"], "Svar på vej", n=13, status=ItemStatus.SENDING)
    login(client, "comms")
    # When the three are closed
    client.post(
        BULK_PAGE, {"action": "close", "ids": [*(i.pk for i in two), sending.pk], "reason": "Ros"}
    )
    # Then the two are closed and the one sending is untouched, with no audit row
    assert state(sending)[0] == [(sending.pk, ItemStatus.SENDING, "", None)]
    assert audit_rows("close") == [(i.pk, "comms", "closed", "Ros") for i in two]
    page = client.get("/moderation/")
    assert [(m.level_tag, str(m)) for m in page.context["messages"]] == [
        ("success", "2 items closed."),
        (
            "warning",
            "1 item skipped: An answer is on its way to the platform. Wait for the platform "
            "to confirm it.",
        ),
    ]


def test_items_outside_the_users_reach_are_skipped_with_the_reason(client, org):
    # Given a channel editor of department A who also manages centre B: they may see
    # centre B's items but not handle them, and the central channel's they cannot see
    editor = org.users["editor"]
    Membership.objects.create(
        user=editor, unit=org.units["centre_b"], role=Role.CENTRE_MANAGER, is_lead=True
    )
    mine, seen, hidden = org.items["a"], org.items["b"], org.items["central"]
    login(client, "editor")
    before = state(seen, hidden)
    # When they acknowledge all three
    client.post(BULK_PAGE, {"action": "acknowledge", "ids": [mine.pk, seen.pk, hidden.pk]})
    # Then only their own department's item is acknowledged
    assert state(mine)[0] == [(mine.pk, ItemStatus.ACKNOWLEDGED, "", None)]
    assert state(seen, hidden)[0] == before[0]
    assert audit_rows("acknowledge") == [(mine.pk, "editor", "", "")]
    page = client.get("/moderation/")
    assert [str(m) for m in page.context["messages"]] == [
        "1 item acknowledged.",
        "1 item skipped: You may look at this item but not handle it.",
        "1 item skipped: No such item, or it is outside your reach.",
    ]


def test_an_assignee_who_may_not_answer_an_item_skips_it(client, org):
    # The channel editor of department A may answer A's items, not the central channel's
    login(client, "comms")
    editor = org.users["editor"]
    a, central = org.items["a"], org.items["central"]
    client.post(BULK_PAGE, {"action": "assign", "ids": [a.pk, central.pk], "assignee": editor.pk})
    assert state(a)[0] == [(a.pk, ItemStatus.NEW, "", editor.pk)]
    assert state(central)[0] == [(central.pk, ItemStatus.NEW, "", None)]
    page = client.get("/moderation/")
    assert [str(m) for m in page.context["messages"]] == [
        "1 item assigned to editor.",
        "1 item skipped: This person may not answer this item, so it cannot be assigned to them.",
    ]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"action": "archive"}, "action", "Choose what to do with the selected items."),
        ({"action": "acknowledge", "ids": []}, "ids", "Select at least one item."),
        (
            {"action": "acknowledge", "ids": ["1", "two"]},
            "ids",
            "The selection holds something that is no item number.",
        ),
        (
            {"action": "acknowledge", "ids": ["-3"]},
            "ids",
            "The selection holds something that is no item number.",
        ),
        ({"action": "close", "reason": "  "}, "reason", "Give a reason for closing."),
        ({"action": "close", "reason": "x" * 201}, "reason", "Keep the reason to 200 characters."),
        ({"action": "assign"}, "assignee", "Choose the person to assign the items to."),
        (
            {"action": "assign", "assignee": "99999"},
            "assignee",
            "Choose the person to assign the items to.",
        ),
    ],
)
def test_the_page_refuses_a_request_it_cannot_run_and_keeps_the_selection(
    client, org, two, data, field, message
):
    login(client, "comms")
    before = state(*two)
    posted = {"ids": [str(i.pk) for i in two], "query": "size=20", **data}
    response = client.post(BULK_PAGE, posted)
    assert response.status_code == 400
    assert response.context["bulk_errors"][field] == message
    assert state(*two) == before
    # The page is the queue again, with its filters, the selection and the reason kept
    body = response.content.decode()
    assert message in body and "Nothing was changed." in body
    assert response.context["size"] == 20
    if posted["ids"] and all(v.isdigit() for v in posted["ids"]):
        for i in two:
            assert f'value="{i.pk}" form="bulk-form" checked' in body


def test_the_page_refuses_more_than_the_cap(client, org, two):
    login(client, "comms")
    before = state(*two)
    ids = [str(two[0].pk)] + [str(n) for n in range(10**6, 10**6 + bulk.MAX_ITEMS)]
    response = client.post(BULK_PAGE, {"action": "acknowledge", "ids": ids})
    assert response.status_code == 400
    assert response.context["bulk_errors"] == {"ids": "Select at most 200 items at a time."}
    assert state(*two) == before


def test_the_page_refuses_a_post_without_the_csrf_token(org, two):
    client = Client(enforce_csrf_checks=True)
    login(client, "comms")
    before = state(*two)
    response = client.post(BULK_PAGE, {"action": "acknowledge", "ids": [two[0].pk]})
    assert response.status_code == 403
    assert state(*two) == before


@pytest.mark.parametrize("persona", ["manager_a", "expert", "politician", "staff"])
def test_people_who_may_not_handle_items_are_refused(client, org, two, persona):
    login(client, persona)
    before = state(*two)
    response = client.post(BULK_PAGE, {"action": "acknowledge", "ids": [two[0].pk]})
    assert response.status_code == 403
    assert state(*two) == before


def test_the_queue_offers_the_bar_and_checkboxes_only_to_those_who_handle_items(client, org):
    login(client, "comms")
    body = client.get("/moderation/").content.decode()
    item_a = org.items["a"]
    assert 'id="bulk-form"' in body
    box = f'<input class="form-checkbox app-select" type="checkbox" id="select-{item_a.pk}"'
    assert box in body
    assert (
        f'<label for="select-{item_a.pk}"><span class="visually-hidden">Select the item from '
        "Borger a: Et spørgsmål til Afdeling A på Facebook</span></label>"
    ) in body
    # The assignable people of the rows' channels are offered, in name order
    names = [p.username for p in client.get("/moderation/").context["assignees"]]
    assert names == ["comms", "comms_lead", "editor", "monitor"]
    client.logout()
    login(client, "manager_a")
    body = client.get("/moderation/").content.decode()
    assert 'id="bulk-form"' not in body and "app-select" not in body


# The API


def test_the_api_closes_the_items_and_answers_each_ones_outcome(client, org, two):
    sending = item(org.channels["central"], "Svar på vej", n=13, status=ItemStatus.SENDING)
    login(client, "comms")
    ids = [two[0].pk, sending.pk, two[1].pk, 10**9]
    response = client.post(
        BULK_API, {"action": "close", "ids": ids, "reason": "Ros"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "action": "close",
        "done": 2,
        "skipped": 2,
        "summary": [
            "2 items closed.",
            "1 item skipped: An answer is on its way to the platform. Wait for the platform "
            "to confirm it.",
            "1 item skipped: No such item, or it is outside your reach.",
        ],
        "results": [
            {"id": two[0].pk, "outcome": "done", "code": "done", "reason": ""},
            {
                "id": sending.pk,
                "outcome": "skipped",
                "code": "conflict",
                "reason": "An answer is on its way to the platform. Wait for the platform to "
                "confirm it.",
            },
            {"id": two[1].pk, "outcome": "done", "code": "done", "reason": ""},
            {
                "id": 10**9,
                "outcome": "skipped",
                "code": "not_found",
                "reason": "No such item, or it is outside your reach.",
            },
        ],
    }
    assert audit_rows("close") == [(i.pk, "comms", "closed", "Ros") for i in two]


@pytest.mark.parametrize(
    "action, extra, status, closed_reason, audit_action",
    [
        ("acknowledge", {}, ItemStatus.ACKNOWLEDGED, "", "acknowledge"),
        ("spam", {}, ItemStatus.CLOSED, "Reklame og spam", "close"),
        ("assign", {"assignee": "monitor"}, ItemStatus.NEW, "", "assign"),
    ],
)
def test_each_api_step_goes_through_its_action(
    client, org, two, action, extra, status, closed_reason, audit_action
):
    spam_policy(org)
    login(client, "comms")
    if "assignee" in extra:
        extra = {"assignee": org.users[extra["assignee"]].pk}
    ids = [i.pk for i in two]
    response = client.post(
        BULK_API, {"action": action, "ids": ids, **extra}, content_type="application/json"
    )
    assert response.status_code == 200
    assert [r["outcome"] for r in response.json()["results"]] == ["done", "done"]
    assignee = extra.get("assignee")
    assert state(*two)[0] == [(i.pk, status, closed_reason, assignee) for i in two]
    assert list(
        AuditEntry.objects.filter(action=audit_action).order_by("item_id").values_list("item_id")
    ) == [(i.pk,) for i in two]


def test_the_api_reports_an_item_the_user_may_see_but_not_handle(client, org):
    editor = org.users["editor"]
    Membership.objects.create(
        user=editor, unit=org.units["centre_b"], role=Role.CENTRE_MANAGER, is_lead=True
    )
    login(client, "editor")
    seen = org.items["b"]
    response = client.post(
        BULK_API, {"action": "acknowledge", "ids": [seen.pk]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": seen.pk,
            "outcome": "skipped",
            "code": "forbidden",
            "reason": "You may look at this item but not handle it.",
        }
    ]
    assert state(seen)[0] == [(seen.pk, ItemStatus.NEW, "", None)]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"action": "archive", "ids": [FIRST]}, "action"),
        ({"action": ["close"], "ids": [FIRST]}, "action"),
        ({"action": "acknowledge"}, "ids"),
        ({"action": "acknowledge", "ids": []}, "ids"),
        ({"action": "acknowledge", "ids": "1,2"}, "ids"),
        ({"action": "acknowledge", "ids": [FIRST, "x"]}, "ids"),
        ({"action": "acknowledge", "ids": [1.5]}, "ids"),
        ({"action": "acknowledge", "ids": [True]}, "ids"),
        ({"action": "acknowledge", "ids": [2**63]}, "ids"),
        ({"action": "acknowledge", "ids": list(range(1, 202))}, "ids"),
        ({"action": "close", "ids": [FIRST]}, "reason"),
        ({"action": "close", "ids": [FIRST], "reason": 5}, "reason"),
        ({"action": "assign", "ids": [FIRST], "assignee": "nobody"}, "assignee"),
        ({"action": "label", "ids": [FIRST]}, "label"),
        ({"action": "label", "ids": [FIRST], "label": 999999}, "label"),
        ({"action": "label", "ids": [FIRST], "label": "Parkering"}, "label"),
    ],
)
def test_the_api_refuses_bad_input_with_the_error_body_and_changes_nothing(
    client, org, two, body, field
):
    login(client, "comms")
    if isinstance(body.get("ids"), list):
        body = {**body, "ids": [two[0].pk if v is FIRST else v for v in body["ids"]]}
    before = state(*two)
    response = client.post(BULK_API, body, content_type="application/json")
    assert response.status_code == 400
    answer = response.json()
    assert set(answer) == {"detail", "code", "errors"}
    assert list(answer["errors"]) == [field]
    assert state(*two) == before


def test_the_api_refuses_a_body_that_is_not_an_object(client, org, two):
    login(client, "comms")
    before = state(*two)
    response = client.post(BULK_API, [two[0].pk], content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code", "errors"}
    assert state(*two) == before


@pytest.mark.parametrize("persona", ["manager_a", "expert", "politician"])
def test_the_api_refuses_people_who_may_not_handle_items(client, org, two, persona):
    login(client, persona)
    before = state(*two)
    response = client.post(
        BULK_API, {"action": "acknowledge", "ids": [two[0].pk]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert state(*two) == before


# The pure parts


@pytest.mark.parametrize(
    "values, expected",
    [
        (["3", "1", "3"], [3, 1]),
        ([7, " 8 "], [7, 8]),
    ],
)
def test_ids_are_read_once_each_in_order(values, expected):
    assert bulk.read_ids(values) == expected


@pytest.mark.parametrize("values", [["²"], ["0"], [None], ["1" * 20], [{"id": 1}], "12"])
def test_ids_that_name_no_item_are_refused(values):
    with pytest.raises(bulk.BulkInputError) as refused:
        bulk.read_ids(values)
    assert list(refused.value.errors) == ["ids"]


def test_the_bulk_bar_route_is_named():
    assert reverse("moderation:queue-bulk") == BULK_PAGE
