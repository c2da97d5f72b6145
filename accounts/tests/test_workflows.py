"""Requesting, deciding, closing and looking after pages, through the pages people use."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import (
    Channel,
    ChannelAdmin,
    ChannelClosingRequest,
    ChannelRequest,
    ChannelStatus,
    Decision,
    NoticeStatus,
)
from accounts.rules import may_connect
from audit.models import AuditEntry
from core.permissions import can
from core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, persona):
    assert client.login(username=persona, password=PASSWORD)


def request_form(org, **overrides):
    data = {
        "platform": "instagram",
        "name": "Afdeling A på Instagram",
        "department": org.units["dept_a"].pk,
        "purpose": "Vise hverdagen i afdelingen.",
        "target_groups": "Forældre i området",
        "message": "Små nyheder hver uge.",
        "responsible": org.users["editor"].pk,
        "deputy": org.users["expert"].pk,
        "url": "",
        "handle": "afdelinga",
    }
    data.update(overrides)
    return data


def test_staff_request_goes_to_the_centre_manager_and_the_team(
    client, org, django_capture_on_commit_callbacks
):
    # Given a staff member in department A
    login(client, "staff")
    # When they send the request form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:request-create"), request_form(org))
    # Then a requested channel and a pending request exist
    channel_request = ChannelRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:request-detail", args=[channel_request.pk])
    channel = channel_request.channel
    assert channel.status == ChannelStatus.REQUESTED
    assert channel.owner_unit == org.units["dept_a"]
    assert channel.scope == "decentral"
    assert channel.purpose == "Vise hverdagen i afdelingen."
    assert channel_request.requester == org.users["staff"]
    assert channel_request.decision == Decision.PENDING
    assert not may_connect(channel)
    # and centre A's manager, the team and the requester are told (not centre B's manager)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "comms@testby.example",
        "comms_lead@testby.example",
        "manager_a@testby.example",
        "staff@testby.example",
    ]
    assert AuditEntry.objects.get().action == "channel.requested"
    # one row for the step, with the status it started in (the channel's history is this row)
    assert list(AuditEntry.objects.history_of(channel).values_list("action", "after")) == [
        ("channel.requested", {"status": "requested"})
    ]


def test_request_form_refuses_the_same_person_twice_and_keeps_the_input(client, org):
    login(client, "staff")
    response = client.post(
        reverse("accounts:request-create"),
        request_form(org, deputy=org.users["editor"].pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "deputy": ["Stedfortræderen skal være en anden end den ansvarlige."]
    }
    assert response.context["form"]["purpose"].value() == "Vise hverdagen i afdelingen."
    assert Channel.objects.filter(status=ChannelStatus.REQUESTED).count() == 0


def test_centre_manager_approves_and_the_channel_becomes_connectable(
    client, org, django_capture_on_commit_callbacks
):
    login(client, "staff")
    client.post(reverse("accounts:request-create"), request_form(org))
    channel_request = ChannelRequest.objects.get()
    mail.outbox.clear()
    client.logout()
    login(client, "manager_a")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:request-decide", args=[channel_request.pk]),
            {"decision": "approve", "comment": "God idé."},
        )

    assert response.status_code == 302
    channel_request.refresh_from_db()
    channel = channel_request.channel
    assert channel_request.decision == Decision.APPROVED
    assert channel_request.decided_by == org.users["manager_a"]
    assert channel_request.decision_comment == "God idé."
    assert channel.status == ChannelStatus.APPROVED
    assert channel.approved_by == org.users["manager_a"]
    assert may_connect(channel)
    assert can(org.users["editor"], "channels.connect", channel)
    assert not can(org.users["manager_b"], "channels.connect", channel)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "comms@testby.example",
        "comms_lead@testby.example",
        "editor@testby.example",
        "expert@testby.example",
        "staff@testby.example",
    ]
    assert "God idé." in mail.outbox[0].body
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "channel.requested",
        "channel.request_approved",
    ]


def test_rejection_needs_a_reason_and_archives_the_requested_page(client, org):
    login(client, "staff")
    client.post(reverse("accounts:request-create"), request_form(org))
    channel_request = ChannelRequest.objects.get()
    client.logout()
    login(client, "manager_a")
    url = reverse("accounts:request-decide", args=[channel_request.pk])

    response = client.post(url, {"decision": "reject", "comment": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"comment": ["Skriv, hvorfor du afviser."]}
    channel_request.refresh_from_db()
    assert channel_request.decision == Decision.PENDING

    client.post(url, {"decision": "reject", "comment": "Brug kommunens side."})
    channel_request.refresh_from_db()
    assert channel_request.decision == Decision.REJECTED
    assert channel_request.channel.status == ChannelStatus.CLOSED
    assert not may_connect(channel_request.channel)


def test_nobody_decides_their_own_request(client, org):
    # Given a request made by centre A's manager themselves
    login(client, "manager_a")
    client.post(reverse("accounts:request-create"), request_form(org))
    channel_request = ChannelRequest.objects.get()
    # When they try to approve it
    response = client.post(
        reverse("accounts:request-decide", args=[channel_request.pk]), {"decision": "approve"}
    )
    # Then they are refused and nothing changed; the team may decide instead
    assert response.status_code == 403
    channel_request.refresh_from_db()
    assert channel_request.decision == Decision.PENDING
    assert can(org.users["comms"], "channels.decide_request", channel_request)


def test_other_centres_manager_cannot_see_or_decide(client, org):
    login(client, "staff")
    client.post(reverse("accounts:request-create"), request_form(org))
    channel_request = ChannelRequest.objects.get()
    client.logout()
    login(client, "manager_b")

    assert (
        client.get(reverse("accounts:request-detail", args=[channel_request.pk])).status_code == 404
    )
    response = client.post(
        reverse("accounts:request-decide", args=[channel_request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    channel_request.refresh_from_db()
    assert channel_request.decision == Decision.PENDING
    assert client.get(reverse("accounts:request-list")).context["requests"].count() == 0


def test_closing_a_page_from_request_to_archive(client, org):
    channel = org.channels["a"]
    # Given the editor asks to close the page
    login(client, "editor")
    response = client.post(
        reverse("accounts:channel-close", args=[channel.pk]),
        {"reason": "Vi samler alt på hovedsiden.", "notice_text": "Følg os på Testby Kommune."},
    )
    assert response.status_code == 302
    closing = ChannelClosingRequest.objects.get()
    assert closing.decision == Decision.PENDING
    # The editor cannot approve their own request
    assert (
        client.post(
            reverse("accounts:closing-decide", args=[closing.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    client.logout()
    # When centre A's manager approves
    login(client, "manager_a")
    # (on-commit work is not run here: the outbox's delivery task is the outbox's to test)
    client.post(reverse("accounts:closing-decide", args=[closing.pk]), {"decision": "approve"})
    closing.refresh_from_db()
    channel.refresh_from_db()
    # Then the page is closing and its notice is queued through the platform outbox
    assert closing.decision == Decision.APPROVED
    assert channel.status == ChannelStatus.CLOSING
    assert closing.notice_status == NoticeStatus.QUEUED
    from moderation.models import OutboxMessage

    notice = OutboxMessage.objects.get(channel=channel)
    assert notice.text == "Følg os på Testby Kommune."
    assert notice.idempotency_key == f"channel-closing-notice-{closing.pk}"
    # When the manager archives it after it was taken down
    client.post(reverse("accounts:channel-archive", args=[channel.pk]))
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.CLOSED
    assert channel.closed_at is not None
    # Then its whole history is kept, and the page is out of the public register
    steps = AuditEntry.objects.history_of(channel).order_by("at", "id")
    assert list(steps.values_list("action", "before", "after")) == [
        ("channel.closing_requested", {}, {}),
        ("channel.closing_approved", {"status": "active"}, {"status": "closing"}),
        ("channel.closing_notice_queued", {"notice_status": ""}, {"notice_status": "queued"}),
        ("channel.closed", {"status": "closing"}, {"status": "closed"}),
    ]
    assert client.get(reverse("accounts:channel-detail", args=[channel.pk])).status_code == 200
    assert (
        "Afdeling A på Facebook"
        not in client.get(reverse("accounts:public-register-csv")).content.decode()
    )


def test_closing_notice_waits_when_the_outbox_is_missing(org, monkeypatch):
    from accounts import actions

    monkeypatch.setattr(actions, "_outbox_enqueue", lambda: None)
    closing = actions.request_closing(
        org.channels["a"],
        acting_user=org.users["editor"],
        reason="Ikke i brug.",
        notice_text="Vi er flyttet.",
    )
    actions.approve_closing(closing, acting_user=org.users["manager_a"])
    closing.refresh_from_db()
    assert closing.notice_status == NoticeStatus.PENDING
    assert AuditEntry.objects.filter(action="channel.closing_notice_pending").count() == 1

    # Once the outbox exists, the sweep queues the waiting notice exactly once.
    monkeypatch.undo()
    result = actions.sweep_neglect()
    closing.refresh_from_db()
    assert result.notices_queued == 1
    assert closing.notice_status == NoticeStatus.QUEUED
    assert actions.sweep_neglect().notices_queued == 0


def test_admins_review_and_branding_are_recorded_with_history(client, org):
    channel = org.channels["a"]
    login(client, "manager_a")
    client.post(
        reverse("accounts:channel-admin-add", args=[channel.pk]),
        {"user": org.users["editor"].pk, "platform_role": "admin"},
    )
    client.post(
        reverse("accounts:channel-admin-add", args=[channel.pk]),
        {"user": org.users["editor"].pk, "platform_role": "editor"},
    )
    client.post(reverse("accounts:channel-verify-branding", args=[channel.pk]))
    client.post(reverse("accounts:channel-review", args=[channel.pk]), {"comment": "Alt passer."})

    channel.refresh_from_db()
    assert list(ChannelAdmin.objects.values_list("user__username", "platform_role")) == [
        ("editor", "admin")
    ]
    assert channel.branding_verified_by == org.users["manager_a"]
    assert channel.last_review_at is not None
    steps = AuditEntry.objects.history_of(channel).order_by("at", "id")
    assert list(steps.values_list("action", "note")) == [
        ("channel.admin_added", "editor"),
        ("channel.branding_verified", ""),
        ("channel.review_confirmed", "Alt passer."),
    ]


def test_history_is_append_only(org):
    from django.core.exceptions import ValidationError

    event = AuditEntry.objects.create(channel=org.channels["a"], action="channel.edited")
    event.note = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_editing_the_record_names_the_changed_fields(client, org):
    channel = org.channels["a"]
    login(client, "comms")
    response = client.post(
        reverse("accounts:channel-edit", args=[channel.pk]),
        {
            "name": "Afdeling A",
            "handle": "",
            "url": "https://facebook.example/afdelinga",
            "external_id": "fb-a",
            "purpose": "Nyheder",
            "target_groups": "",
            "responsible": org.users["editor"].pk,
            "deputy": org.users["manager_a"].pk,
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.history_of(channel).get()
    assert entry.action == "channel.edited"
    assert sorted(entry.after) == ["name", "purpose", "url"]
    assert (entry.before["name"], entry.after["name"]) == ("Afdeling A på Facebook", "Afdeling A")
