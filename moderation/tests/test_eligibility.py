"""Who may be assigned an item and who may receive a forwarded question: one rule in the actions
layer (`assignable_users`, `forwarding_units`, `forwarding_recipients`), asked by the action
itself, the item page, the API and the admin. Every door refuses the same people with the same
message, and a refusal changes nothing."""

from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import Membership, Municipality, OrgUnit, Role, UnitKind
from moderation import actions
from moderation.models import Forwarding, ItemStatus, Notification, QueueItem

pytestmark = pytest.mark.django_db

NOT_ASSIGNABLE = "This person may not answer this item, so it cannot be assigned to them."
NOT_A_UNIT = (
    "Questions can only be forwarded to a department of the municipality with department experts."
)
NOT_A_RECIPIENT = "Only a department expert of that department can receive the question."
# Everyone in the organisation fixture who may not answer item "a" (department A's channel).
CANNOT_ANSWER_A = ["staff", "politician", "expert", "manager_a", "manager_b", "superuser"]


def login(client, persona):
    assert client.login(username=persona, password=PASSWORD)
    return client


def usernames(queryset):
    return sorted(queryset.values_list("username", flat=True))


def assert_nothing_changed(item):
    item.refresh_from_db()
    assert (item.assigned_to_id, item.status) == (None, ItemStatus.NEW)
    assert AuditEntry.objects.filter(item=item).count() == 0
    assert Forwarding.objects.filter(item=item).count() == 0
    assert Notification.objects.count() == 0


def in_a_day():
    return timezone.now() + timedelta(days=1)


# --- The rule ---


def test_an_item_is_assignable_to_those_who_may_answer_it(org):
    # The team, the central on-duty monitor (its rota covers every channel), and the editor of
    # the channel's own unit; not staff, politicians, experts, managers or the administrator.
    assert usernames(actions.assignable_users(org.items["a"])) == [
        "comms",
        "comms_lead",
        "editor",
        "monitor",
    ]
    # Department A's editor does not answer for the central channel.
    assert usernames(actions.assignable_users(org.items["central"])) == [
        "comms",
        "comms_lead",
        "monitor",
    ]


def test_a_deactivated_account_is_not_assignable(org):
    org.users["editor"].is_active = False
    org.users["editor"].save(update_fields=["is_active"])
    assert "editor" not in usernames(actions.assignable_users(org.items["a"]))


def test_a_question_goes_to_a_department_with_experts_and_to_its_experts(org):
    # Only department A has a department expert; the communications team does not forward to
    # itself, and the council and the centres have nobody to answer.
    assert list(actions.forwarding_units(org.items["a"])) == [org.units["dept_a"]]
    assert usernames(actions.forwarding_recipients(org.items["a"])) == ["expert"]
    assert usernames(actions.forwarding_recipients(org.items["a"], org.units["dept_b"])) == []


# --- The action ---


@pytest.mark.parametrize("persona", CANNOT_ANSWER_A)
def test_the_action_refuses_an_assignee_who_may_not_answer(org, persona):
    target = org.items["a"]
    with pytest.raises(actions.ActionError) as refused:
        actions.assign(target, org.users[persona], acting_user=org.users["comms"])
    assert str(refused.value) == NOT_ASSIGNABLE
    assert_nothing_changed(target)


def test_the_action_assigns_to_the_channels_editor(org):
    actions.assign(org.items["a"], org.users["editor"], acting_user=org.users["comms"])
    assert QueueItem.objects.get(pk=org.items["a"].pk).assigned_to == org.users["editor"]
    assert AuditEntry.objects.get(item=org.items["a"]).action == "assign"


@pytest.mark.parametrize(
    ("unit", "person", "message"),
    [
        ("comms", None, NOT_A_UNIT),
        ("council", None, NOT_A_UNIT),
        ("dept_b", None, NOT_A_UNIT),
        ("dept_a", "staff", NOT_A_RECIPIENT),
        ("dept_a", "comms", NOT_A_RECIPIENT),
    ],
)
def test_the_action_refuses_a_forwarding_nobody_there_may_open(org, unit, person, message):
    target = org.items["a"]
    with pytest.raises(actions.ActionError) as refused:
        actions.forward(
            target,
            to_unit=org.units[unit],
            to_user=org.users[person] if person else None,
            due_at=in_a_day(),
            acting_user=org.users["comms"],
        )
    assert str(refused.value) == message
    assert_nothing_changed(target)


def test_the_action_refuses_a_department_of_another_municipality(org):
    elsewhere = Municipality.objects.create(
        name="Andeby Kommune", country="DK", time_zone="Europe/Copenhagen"
    )
    unit = OrgUnit.objects.create(municipality=elsewhere, name="Veje", kind=UnitKind.DEPARTMENT)
    Membership.objects.create(user=org.users["expert"], unit=unit, role=Role.DEPARTMENT_EXPERT)
    target = org.items["a"]
    with pytest.raises(actions.ActionError, match=NOT_A_UNIT):
        actions.forward(
            target,
            to_unit=unit,
            to_user=org.users["expert"],
            due_at=in_a_day(),
            acting_user=org.users["comms"],
        )
    assert_nothing_changed(target)


# --- The item page ---


def test_the_item_page_offers_exactly_the_eligible_people(client, org):
    login(client, "comms")
    context = client.get(org.items["a"].get_absolute_url()).context
    assert usernames(context["assign_form"].fields["to_user"].queryset) == usernames(
        actions.assignable_users(org.items["a"])
    )
    assert list(context["forward_form"].fields["to_unit"].queryset) == [org.units["dept_a"]]
    assert usernames(context["forward_form"].fields["to_user"].queryset) == ["expert"]


@pytest.mark.parametrize("persona", ["politician", "staff", "manager_a"])
def test_the_item_page_refuses_an_assignee_who_may_not_answer(client, org, persona):
    login(client, "editor")
    target = org.items["a"]
    response = client.post(
        reverse("moderation:item-action", args=[target.pk, "assign"]),
        {"assign-to_user": org.users[persona].pk},
    )
    assert response.status_code == 400
    assert response.context["assign_form"].errors == {"to_user": [NOT_ASSIGNABLE]}
    assert_nothing_changed(target)


@pytest.mark.parametrize(
    ("unit", "person", "field", "message"),
    [
        ("comms", "", "to_unit", NOT_A_UNIT),
        ("dept_b", "", "to_unit", NOT_A_UNIT),
        ("dept_a", "staff", "to_user", NOT_A_RECIPIENT),
    ],
)
def test_the_item_page_refuses_a_forwarding_nobody_there_may_open(
    client, org, unit, person, field, message
):
    login(client, "comms")
    target = org.items["a"]
    due = timezone.localtime(in_a_day()).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("moderation:item-action", args=[target.pk, "forward"]),
        {
            "forward-to_unit": org.units[unit].pk,
            "forward-to_user": org.users[person].pk if person else "",
            "forward-due_at": due,
        },
    )
    assert response.status_code == 400
    assert response.context["forward_form"].errors == {field: [message]}
    assert_nothing_changed(target)


def test_the_item_page_refuses_an_expert_of_another_department(client, org):
    # Both departments have experts: the expert of B is offered, but not for department A.
    Membership.objects.create(
        user=org.users["editor"], unit=org.units["dept_b"], role=Role.DEPARTMENT_EXPERT
    )
    login(client, "comms")
    target = org.items["a"]
    response = client.post(
        reverse("moderation:item-action", args=[target.pk, "forward"]),
        {
            "forward-to_unit": org.units["dept_a"].pk,
            "forward-to_user": org.users["editor"].pk,
            "forward-due_at": timezone.localtime(in_a_day()).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert response.context["forward_form"].errors == {"to_user": [NOT_A_RECIPIENT]}
    assert_nothing_changed(target)


# --- The API ---


@pytest.mark.parametrize("persona", ["politician", "staff", "expert"])
def test_the_api_refuses_an_assignee_who_may_not_answer(client, org, persona):
    login(client, "comms")
    target = org.items["a"]
    response = client.post(
        f"/api/v1/items/{target.pk}/assign/",
        {"to_user": org.users[persona].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"to_user": [NOT_ASSIGNABLE]}
    assert_nothing_changed(target)


def test_the_api_assigns_to_someone_who_may_answer(client, org):
    login(client, "comms")
    response = client.post(
        f"/api/v1/items/{org.items['a'].pk}/assign/",
        {"to_user": org.users["editor"].pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["assigned_to"] == org.users["editor"].pk


@pytest.mark.parametrize(
    ("unit", "person", "field", "message"),
    [
        ("comms", None, "to_unit", NOT_A_UNIT),
        ("council", None, "to_unit", NOT_A_UNIT),
        ("dept_a", "staff", "to_user", NOT_A_RECIPIENT),
        ("dept_a", "manager_a", "to_user", NOT_A_RECIPIENT),
    ],
)
def test_the_api_refuses_a_forwarding_nobody_there_may_open(
    client, org, unit, person, field, message
):
    login(client, "comms")
    target = org.items["a"]
    response = client.post(
        f"/api/v1/items/{target.pk}/forward/",
        {
            "to_unit": org.units[unit].pk,
            "to_user": org.users[person].pk if person else None,
            "due_at": in_a_day().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert_nothing_changed(target)


def test_the_api_refuses_an_expert_of_another_department(client, org):
    Membership.objects.create(
        user=org.users["editor"], unit=org.units["dept_b"], role=Role.DEPARTMENT_EXPERT
    )
    login(client, "comms")
    target = org.items["a"]
    response = client.post(
        f"/api/v1/items/{target.pk}/forward/",
        {
            "to_unit": org.units["dept_a"].pk,
            "to_user": org.users["editor"].pk,
            "due_at": in_a_day().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"to_user": [NOT_A_RECIPIENT]}
    assert_nothing_changed(target)


# --- The admin ---


def _change_form_data(client, target, **changes):
    """The admin change form's own values, as a browser would post them back, with changes."""
    form = (
        client.get(reverse("admin:moderation_queueitem_change", args=[target.pk]))
        .context["adminform"]
        .form
    )
    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field.widget, forms.MultiWidget):
            for n, part in enumerate(field.field.widget.decompress(value)):
                data[f"{field.html_name}_{n}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        else:
            data[field.html_name] = "" if value is None else value
    data.update(changes)
    return data


def test_the_admin_refuses_an_assignee_who_may_not_answer(client, org):
    login(client, "superuser")
    target = org.items["a"]
    response = client.post(
        reverse("admin:moderation_queueitem_change", args=[target.pk]),
        _change_form_data(client, target, assigned_to=org.users["politician"].pk),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"assigned_to": [NOT_ASSIGNABLE]}
    assert_nothing_changed(target)


def test_the_admin_assigns_through_the_action(client, org):
    login(client, "superuser")
    target = org.items["a"]
    response = client.post(
        reverse("admin:moderation_queueitem_change", args=[target.pk]),
        _change_form_data(client, target, assigned_to=org.users["editor"].pk),
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.assigned_to == org.users["editor"]
    entry = AuditEntry.objects.get(item=target)
    assert (entry.action, entry.actor, entry.data) == (
        "assign",
        org.users["superuser"],
        {"to": org.users["editor"].pk, "was": None},
    )
    assert Notification.objects.get().user == org.users["editor"]


def test_the_admin_cannot_forward(client, org):
    login(client, "superuser")
    assert client.get(reverse("admin:moderation_forwarding_add")).status_code == 403
