"""The closing notice through the registry's pages: approving a closing posts the notice on the
page through the outbox (against the platform simulator), and the page's record shows how it
ended. Instagram and YouTube cannot publish a text post: there the notice is left to be posted
by hand, and the closing goes on."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ChannelClosingRequest, ChannelStatus, NoticeStatus
from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation.models import OutboxMessage, OutboxStatus
from moderation.tests import polling_support
from moderation.tests.polling_support import (
    add_fault,
    connect,
    make_channel,
    sim_actions,
    sim_stats,
)

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim

NOTICE = "Siden lukker 1. marts. Følg os på Testby Kommunes hovedside."


@pytest.fixture
def send_now(monkeypatch):
    """The outbox's send task runs at once in this process when it is queued."""
    from moderation.polling import tasks

    monkeypatch.setattr(tasks.send_outbox_message, "delay", tasks.send_outbox_message)


def login(client, persona):
    client.logout()
    assert client.login(username=persona, password=PASSWORD)


def close_through_the_pages(client, channel, *, asker, decider, capture):
    """The asker requests closing with a notice, the decider approves; returns the request."""
    login(client, asker)
    response = client.post(
        reverse("accounts:channel-close", args=[channel.pk]),
        {"reason": "Vi samler alt på hovedsiden.", "notice_text": NOTICE},
    )
    assert response.status_code == 302
    closing = ChannelClosingRequest.objects.get(channel=channel)
    login(client, decider)
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(
            reverse("accounts:closing-decide", args=[closing.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    closing.refresh_from_db()
    return closing


def history(channel):
    steps = AuditEntry.objects.history_of(channel).order_by("at", "id")
    return list(steps.values_list("action", "note"))


def test_approving_a_closing_posts_the_notice_on_the_facebook_page(
    client, org, sim, send_now, django_capture_on_commit_callbacks
):
    # Given a Facebook page connected to its account
    channel = org.channels["a"]
    connect(channel)

    # When the editor asks to close it and the centre manager approves
    closing = close_through_the_pages(
        client,
        channel,
        asker="editor",
        decider="manager_a",
        capture=django_capture_on_commit_callbacks,
    )

    # Then the notice is on the page, once, and the closing request says so
    [post] = sim_actions(sim, platform="facebook", kind="post")
    assert post["text"] == NOTICE
    assert closing.notice_status == NoticeStatus.SENT
    message = OutboxMessage.objects.get(channel=channel)
    assert (message.status, message.result_external_id) == (OutboxStatus.SENT, post["result_id"])
    assert history(channel)[-2:] == [
        ("channel.closing_notice_queued", NOTICE),
        ("channel.closing_notice_sent", post["result_id"]),
    ]
    # The page's record shows it (in Danish, the municipality's language), and the approval
    # mail says the notice is posted.
    page = client.get(reverse("accounts:channel-detail", args=[channel.pk])).content.decode()
    assert "Slået op på siden" in page
    assert "Lukkemeddelelse slået op på siden" in page  # the history step
    assert "slås op på siden" in mail.outbox[0].body

    # And archiving the page works as before
    client.post(reverse("accounts:channel-archive", args=[channel.pk]))
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.CLOSED


@pytest.mark.parametrize(
    ("platform", "asker", "decider"),
    [("instagram", "manager_b", "comms"), ("youtube", "comms_lead", "comms")],
)
def test_on_instagram_and_youtube_the_notice_is_left_to_be_posted_by_hand(
    client, org, sim, send_now, django_capture_on_commit_callbacks, platform, asker, decider
):
    # Given a page on a platform whose API cannot publish a text post
    if platform == "instagram":
        channel = org.channels["b"]
    else:
        channel = make_channel(org, "youtube", name="Testby på YouTube")
    connect(channel)
    calls_before = sim_stats(sim)[platform]["calls"]

    # When its closing is approved
    closing = close_through_the_pages(
        client, channel, asker=asker, decider=decider, capture=django_capture_on_commit_callbacks
    )

    # Then nothing is sent to the platform, nothing failed, and the notice waits for a person
    assert sim_stats(sim)[platform]["calls"] == calls_before
    assert closing.notice_status == NoticeStatus.MANUAL
    assert OutboxMessage.objects.get(channel=channel).status == OutboxStatus.MANUAL
    assert history(channel)[-1] == ("channel.closing_notice_by_hand", "")
    # The record tells why and what to do; the approval mail does too, with the notice text
    page = client.get(reverse("accounts:channel-detail", args=[channel.pk])).content.decode()
    platform_name = {"instagram": "Instagram", "youtube": "YouTube"}[platform]
    assert "Skal slås op manuelt" in page
    assert (
        f"{platform_name} lader ikke registret slå et tekstopslag op: slå lukkemeddelelsen op "
        "manuelt på siden, før du arkiverer den."
    ) in page
    approved = next(m for m in mail.outbox if m.subject.startswith("Lukning godkendt"))
    assert f"{platform_name} lader ikke registret slå et tekstopslag op" in approved.body
    assert NOTICE in approved.body
    assert not [m for m in mail.outbox if "manuelt" in m.subject]  # no second mail about it

    # And the page can still be archived once it is taken down
    client.post(reverse("accounts:channel-archive", args=[channel.pk]))
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.CLOSED


def test_a_notice_the_platform_refuses_asks_the_page_people_to_post_it_by_hand(
    client, org, sim, send_now, django_capture_on_commit_callbacks
):
    # Given a Facebook page whose token has expired
    channel = org.channels["a"]
    connect(channel)
    add_fault(sim, "facebook", "token_expired", count=1)

    # When its closing is approved
    closing = close_through_the_pages(
        client,
        channel,
        asker="editor",
        decider="manager_a",
        capture=django_capture_on_commit_callbacks,
    )

    # Then the notice failed, the record says to post it by hand, and the people are told
    assert sim_actions(sim, platform="facebook", kind="post") == []
    assert closing.notice_status == NoticeStatus.FAILED
    assert history(channel)[-1] == ("channel.closing_notice_failed", "")
    page = client.get(reverse("accounts:channel-detail", args=[channel.pk])).content.decode()
    assert "Lukkemeddelelsen kunne ikke slås op på Facebook" in page
    failed = [m for m in mail.outbox if m.subject.startswith("Slå lukkemeddelelsen op manuelt")]
    # the asker and the page's responsible person and deputy, one mail each
    assert sorted(m.to[0] for m in failed) == ["editor@testby.example", "manager_a@testby.example"]
    assert "kunne ikke slås op på Facebook" in failed[0].body
    assert NOTICE in failed[0].body


def test_an_outcome_is_recorded_once_and_other_messages_are_ignored(org):
    from accounts import actions

    closing = actions.request_closing(
        org.channels["b"],
        acting_user=org.users["manager_b"],
        reason="Ikke i brug.",
        notice_text=NOTICE,
    )
    actions.approve_closing(closing, acting_user=org.users["comms"])
    key = actions.closing_notice_key(closing)
    channel_id = org.channels["b"].pk

    first = actions.record_notice_outcome(key, channel_id=channel_id, outcome="manual")
    again = actions.record_notice_outcome(key, channel_id=channel_id, outcome="manual")
    other_channel = actions.record_notice_outcome(
        key, channel_id=org.channels["a"].pk, outcome="sent"
    )
    not_a_notice = actions.record_notice_outcome("p-1", channel_id=channel_id, outcome="sent")

    assert first == again == closing
    assert other_channel is None and not_a_notice is None
    closing.refresh_from_db()
    assert closing.notice_status == NoticeStatus.MANUAL
    assert (
        AuditEntry.objects.history_of(closing.channel)
        .filter(action="channel.closing_notice_by_hand")
        .count()
        == 1
    )


def test_a_notice_longer_than_the_platform_takes_is_refused_before_anything_is_queued(client, org):
    # Given a page on X, which takes 280 characters and counts every link as 23
    channel = make_channel(org, "x")
    link = "https://www.testby.dk/" + "nyheder/" * 20  # 182 characters, counted as 23
    fits = "Vi lukker kontoen. Læs mere på " + link + " " + "Tak for følgeskabet! " * 10
    too_long = "Vi lukker kontoen og samler alt ét sted. " * 8  # 328 characters
    login(client, "comms")

    # When the team asks to close it with a notice too long for X, on the page
    response = client.post(
        reverse("accounts:channel-close", args=[channel.pk]),
        {"reason": "Vi samler alt på hovedsiden.", "notice_text": too_long},
    )
    # Then the request is refused with the limit and the count, and nothing is stored
    assert response.status_code == 200
    page = response.content.decode()
    assert "280" in page and str(len(too_long.strip())) in page  # the form trims the text
    assert not ChannelClosingRequest.objects.filter(channel=channel).exists()

    # And the API says the same
    api = client.post(
        f"/api/v1/channels/{channel.pk}/request-closing/",
        {"reason": "Vi samler alt.", "notice_text": too_long},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "280" in str(api.json())
    assert not ChannelClosingRequest.objects.filter(channel=channel).exists()

    # While a notice with a long link that X counts as 23 characters is taken
    api = client.post(
        f"/api/v1/channels/{channel.pk}/request-closing/",
        {"reason": "Vi samler alt.", "notice_text": fits},
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    assert len(fits) > 280
