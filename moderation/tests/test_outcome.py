"""An item's state follows the platform's confirmed outcome: answered only when the platform
confirmed the answer, removed only when it confirmed the deletion; a write the platform did not
take is shown with its reason, notified and can be sent again; only what the platform offers is
offered. Against the platform simulator's faults, through the pages and the API."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.testing import PASSWORD
from moderation import actions, outbox
from moderation.models import (
    DutyRota,
    ItemStatus,
    Notification,
    OutboxMessage,
    OutboxStatus,
    QueueItem,
    RotaMember,
)
from platforms import capabilities
from platforms.errors import ActionNotAllowedError, NeedsReconnectError, PlatformError

from . import polling_support
from .polling_support import add_comment, add_fault, connect, make_channel, sim_actions
from .support import adopt_policy

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim


@pytest.fixture(autouse=True)
def policy(org):
    """The policy in force, with its removal reasons."""
    return adopt_policy(org.municipality)


def _item(sim, channel, *, kind=None, text="Hvornår tømmes skraldespandene?"):
    created = add_comment(sim, channel.platform, text, author="Borger 17")
    now = timezone.now()
    return QueueItem.objects.create(
        channel=channel,
        platform=channel.platform,
        external_id=created["id"],
        kind=kind or ("mention" if channel.platform == "x" else "comment"),
        author_name="Borger 17",
        text=text,
        created_at=now - timedelta(minutes=5),
        received_at=now - timedelta(minutes=4),
        answer_due=now + timedelta(hours=4),
        answer_warn_at=now + timedelta(hours=3),
    )


def _channel(org, platform):
    channel = make_channel(org, platform)
    connect(channel)
    return channel


@pytest.fixture
def facebook(org, sim):
    return _channel(org, "facebook")


@pytest.fixture
def on_duty(org):
    """The communications team's rota, with the monitor persona on duty."""
    rota = DutyRota.objects.create(team=org.units["comms"], starts_on=date(2026, 1, 5))
    RotaMember.objects.create(rota=rota, user=org.users["monitor"], position=0)
    return org.users["monitor"]


def _reply(org, item, key="r-1", text="Tirsdag i lige uger."):
    actions.reply(item, text, acting_user=org.users["comms"], idempotency_key=key)
    return OutboxMessage.objects.get(idempotency_key=key)


def _due_now(message):
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)


# --- answers ------------------------------------------------------------------------------


def test_an_answer_is_sending_until_the_platform_confirms_it(org, facebook, sim):
    item = _item(sim, facebook)
    message = _reply(org, item)
    item.refresh_from_db()
    assert (item.status, item.answered_at) == (ItemStatus.SENDING, None)
    # The answer deadline keeps running while the answer is on its way
    assert item.next_deadline == item.answer_warn_at

    assert outbox.deliver(message.pk) == OutboxStatus.SENT

    item.refresh_from_db()
    message.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED
    assert item.answered_at == message.sent_at
    assert item.next_deadline is None


def test_the_history_names_the_confirmed_answers_states_in_words(org, facebook, sim, client):
    # The confirmation's row is the outbox message's, but the status it changed is the item's:
    # its states are the item's labels, not the message's (which has no "sending").
    item = _item(sim, facebook)
    assert outbox.deliver(_reply(org, item).pk) == OutboxStatus.SENT
    assert client.login(username="comms", password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"

    page = client.get(item.get_absolute_url()).content.decode()

    assert "status: Sender → Besvaret" in page
    assert "sending" not in page


def test_an_expired_token_leaves_the_answer_not_sent_tells_people_and_can_be_sent_again(
    org, facebook, sim, on_duty, client
):
    # Given an answer the platform refuses: the channel's token has expired
    item = _item(sim, facebook)
    message = _reply(org, item)
    add_fault(sim, "facebook", "token_expired", count=1)

    # When the send runs
    assert outbox.deliver(message.pk) == OutboxStatus.FAILED

    # Then the item is not answered but "not sent", the deadline still running
    item.refresh_from_db()
    message.refresh_from_db()
    assert (item.status, item.answered_at) == (ItemStatus.NOT_SENT, None)
    assert item.next_deadline == item.answer_warn_at
    assert message.failure == "reconnect"
    assert sim_actions(sim, platform="facebook", kind="reply") == []
    # And the person who answered and the monitor on duty are told why, in the language of
    # the municipality (Danish)
    notes = Notification.objects.filter(item=item, kind="not_sent").order_by("user_id")
    assert {n.user for n in notes} == {org.users["comms"], on_duty}
    assert notes[0].message.startswith("Svaret blev ikke sendt: ")

    # And the page shows it with the reason and a button to send it again
    client.force_login(org.users["comms"])
    client.cookies["django_language"] = "en"
    page = client.get(item.get_absolute_url()).content.decode()
    assert f'data-retry="{message.pk}"' in page
    assert "Reconnect the channel, then try again." in page
    assert "Not sent" in page

    # When it is sent again from the page (the channel reconnected)
    response = client.post(
        f"/moderation/items/{item.pk}/retry/", {"message": str(message.pk)}, follow=False
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.SENDING
    assert outbox.deliver(message.pk) == OutboxStatus.SENT

    # Then the platform holds the one answer and the item is answered
    item.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED
    assert len(sim_actions(sim, platform="facebook", kind="reply")) == 1
    assert list(
        item.audit_entries.filter(action__in=["outbox.failed", "retry", "outbox.sent"])
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["outbox.failed", "retry", "outbox.sent"]


def test_a_server_error_keeps_the_answer_sending_and_the_next_attempt_answers(org, facebook, sim):
    item = _item(sim, facebook)
    message = _reply(org, item)
    add_fault(sim, "facebook", "server_error", count=1)

    assert outbox.deliver(message.pk) == OutboxStatus.PENDING
    item.refresh_from_db()
    assert item.status == ItemStatus.SENDING

    _due_now(message)
    assert outbox.deliver(message.pk) == OutboxStatus.SENT
    item.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED
    assert len(sim_actions(sim, platform="facebook", kind="reply")) == 1


def test_after_a_timeout_the_answer_found_on_the_platform_answers_the_item_once(org, facebook, sim):
    item = _item(sim, facebook)
    message = _reply(org, item)
    add_fault(sim, "facebook", "timeout", count=1)

    assert outbox.deliver(message.pk) == OutboxStatus.PENDING
    item.refresh_from_db()
    assert item.status == ItemStatus.SENDING

    _due_now(message)
    assert outbox.deliver(message.pk) == OutboxStatus.SENT
    item.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED
    assert len(sim_actions(sim, platform="facebook", kind="reply")) == 1


def test_the_api_shows_a_failed_answer_and_sends_it_again(org, facebook, sim, client):
    item = _item(sim, facebook)
    client.force_login(org.users["comms"])
    client.cookies["django_language"] = "da"
    answer = client.post(
        f"/api/v1/items/{item.pk}/reply/",
        {"text": "Tirsdag i lige uger.", "idempotency_key": "api-r"},
        content_type="application/json",
    )
    assert answer.json()["status"] == "sending"
    message = OutboxMessage.objects.get(idempotency_key="api-r")
    add_fault(sim, "facebook", "token_expired", count=1)
    outbox.deliver(message.pk)

    shown = client.get(f"/api/v1/items/{item.pk}/").json()
    assert shown["status"] == "not_sent"
    [write] = shown["platform_writes"]
    assert (write["kind"], write["status"], write["failure"], write["retriable"]) == (
        "reply",
        "failed",
        "reconnect",
        True,
    )
    assert write["failure_text"].startswith("Platformen accepterer ikke længere")

    # A second answer while it is on its way is refused; the retry puts it back in line
    again = client.post(f"/api/v1/items/{item.pk}/retry/", {}, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["status"] == "sending"
    twice = client.post(
        f"/api/v1/items/{item.pk}/reply/",
        {"text": "Et andet svar.", "idempotency_key": "api-r2"},
        content_type="application/json",
    )
    assert twice.status_code == 409
    assert OutboxMessage.objects.filter(item=item).count() == 1
    nothing = client.post(f"/api/v1/items/{item.pk}/retry/", {}, content_type="application/json")
    assert nothing.status_code == 409


def test_a_refusal_for_this_item_is_not_sent_and_leaves_the_channel_alone(org, facebook, sim):
    class Refusing:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def reply(self, *args, **kwargs):
            raise ActionNotAllowedError("reply not allowed", platform="x", code=403, status=403)

        def find_own_reply(self, *args, **kwargs):
            return None

    item = _item(sim, facebook)
    message = _reply(org, item)
    token_status = facebook.connection.token_status
    status = outbox.deliver(message.pk, adapter_factory=lambda connection: Refusing())

    assert status == OutboxStatus.FAILED
    message.refresh_from_db()
    item.refresh_from_db()
    facebook.connection.refresh_from_db()
    assert message.failure == "not_allowed"
    assert item.status == ItemStatus.NOT_SENT
    assert facebook.connection.token_status == token_status
    assert not issubclass(ActionNotAllowedError, NeedsReconnectError)
    assert issubclass(ActionNotAllowedError, PlatformError)


# --- what each platform offers ------------------------------------------------------------


def test_the_capability_table_stays_inside_what_each_adapter_can_do():
    from platforms.registry import ADAPTERS, adapter_class

    assert set(capabilities.TABLE) == set(ADAPTERS)
    for platform, kinds in capabilities.TABLE.items():
        declared = adapter_class(platform).capabilities
        for kind, operations in kinds.items():
            for operation in operations - {capabilities.REPLY}:
                assert getattr(declared, operation), (platform, kind, operation)


@pytest.mark.parametrize(
    "platform, kind, operation, offered",
    [
        ("facebook", "comment", "hide", True),
        ("facebook", "comment", "delete", True),
        ("facebook", "message", "hide", False),
        ("instagram", "comment", "reply", True),
        ("instagram", "reply", "reply", False),
        ("instagram", "reply", "delete", True),
        ("linkedin", "comment", "hide", False),
        ("linkedin", "comment", "delete", True),
        ("x", "mention", "delete", False),
        ("x", "mention", "hide", True),
        ("x", "mention", "reply", True),
        ("youtube", "comment", "hide", True),
        ("youtube", "comment", "delete", True),
    ],
)
def test_each_platform_offers_what_it_can(platform, kind, operation, offered):
    assert capabilities.allows(platform, kind, operation) is offered
    assert (capabilities.refusal(platform, kind, operation) is None) is offered


def test_instagram_takes_no_reply_to_a_hidden_comment():
    assert capabilities.refusal("instagram", "comment", "reply", hidden=True).code == "hidden"
    assert capabilities.refusal("facebook", "comment", "reply", hidden=True) is None


def test_x_deletion_is_refused_up_front_in_the_api_and_not_offered_on_the_page(org, sim, client):
    x = _channel(org, "x")
    item = _item(sim, x)
    client.force_login(org.users["comms"])
    response = client.post(
        f"/api/v1/items/{item.pk}/delete/",
        {"reason": "personal_attack"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_supported"
    assert body["detail"].startswith("X lets an account delete only its own posts")
    assert OutboxMessage.objects.filter(item=item).count() == 0

    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-not-offered="delete"' in page
    assert f"/moderation/items/{item.pk}/delete/" not in page
    assert f"/moderation/items/{item.pk}/hide/" in page

    # Posting the page's form anyway is refused with the reason
    refused = client.post(
        f"/moderation/items/{item.pk}/delete/", {"delete-reason": "personal_attack"}
    )
    assert refused.status_code == 400
    assert "X lets an account delete only its own posts" in refused.content.decode()
    assert OutboxMessage.objects.filter(item=item).count() == 0


def test_linkedin_is_not_offered_hide(org, sim, client):
    linkedin = _channel(org, "linkedin")
    item = _item(sim, linkedin)
    client.force_login(org.users["comms"])
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-not-offered="hide"' in page
    assert f"/moderation/items/{item.pk}/hide/" not in page
    assert f"/moderation/items/{item.pk}/delete/" in page
    response = client.post(
        f"/api/v1/items/{item.pk}/hide/",
        {"reason": "personal_attack"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "not_supported")
    assert OutboxMessage.objects.filter(item=item).count() == 0


def test_an_instagram_reply_to_a_reply_is_not_offered(org, sim, client):
    instagram = _channel(org, "instagram")
    item = _item(sim, instagram, kind="reply")
    client.force_login(org.users["comms"])
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-not-offered="reply"' in page
    assert "data-reply-submit" not in page
    response = client.post(
        f"/api/v1/items/{item.pk}/reply/",
        {"text": "Tak", "idempotency_key": "ig-1"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "not_supported")


# --- removals follow the platform ----------------------------------------------------------


def _tell_and_record(org, item):
    comms = org.users["comms"]
    actions.tell_author(
        item, "personal_attack", "Din kommentar fjernes: den angriber en person.", acting_user=comms
    )
    actions.capture_record(item, acting_user=comms, subject="Personangreb")
    return OutboxMessage.objects.get(item=item, kind="notice")


def test_on_instagram_the_author_is_told_before_the_comment_is_hidden(org, sim):
    instagram = _channel(org, "instagram")
    item = _item(sim, instagram)
    notice = _tell_and_record(org, item)
    actions.hide(item, "personal_attack", acting_user=org.users["comms"])
    hide = OutboxMessage.objects.get(item=item, kind="hide")
    assert hide.waits_for == notice

    # The hide's send comes first: it waits, without using an attempt and without a call
    assert outbox.deliver(hide.pk) == OutboxStatus.PENDING
    hide.refresh_from_db()
    assert hide.attempts == 0
    assert sim_actions(sim, platform="instagram") == []
    # The notice goes, then the hide
    assert outbox.deliver(notice.pk) == OutboxStatus.SENT
    _due_now(hide)
    assert outbox.deliver(hide.pk) == OutboxStatus.SENT
    assert [a["kind"] for a in sim_actions(sim, platform="instagram")] == ["reply", "hide"]
    item.refresh_from_db()
    assert item.hidden_on_platform is True
    # A notice is not the item's answer
    assert item.status == ItemStatus.NEW


def test_a_deletion_waits_for_the_notice_and_fails_when_the_author_could_not_be_told(
    org, facebook, sim
):
    item = _item(sim, facebook)
    notice = _tell_and_record(org, item)
    actions.delete(item, "personal_attack", acting_user=org.users["comms"])
    deletion = OutboxMessage.objects.get(item=item, kind="delete")
    add_fault(sim, "facebook", "token_expired", count=1)

    assert outbox.deliver(notice.pk) == OutboxStatus.FAILED
    assert outbox.deliver(deletion.pk) == OutboxStatus.FAILED
    deletion.refresh_from_db()
    item.refresh_from_db()
    assert deletion.failure == "author_not_told"
    assert item.status == ItemStatus.NEW
    assert sim_actions(sim, platform="facebook", kind="delete") == []

    # Sending the notice again puts the deletion back in line too; both reach the platform
    actions.retry(item, acting_user=org.users["comms"], message=notice)
    deletion.refresh_from_db()
    assert deletion.status == OutboxStatus.PENDING
    assert outbox.deliver(notice.pk) == OutboxStatus.SENT
    _due_now(deletion)
    assert outbox.deliver(deletion.pk) == OutboxStatus.SENT
    item.refresh_from_db()
    assert item.status == ItemStatus.REMOVED
    assert item.closed_reason != ""


def test_a_deletion_the_platform_refused_is_shown_and_the_item_not_removed(
    org, facebook, sim, client
):
    item = _item(sim, facebook)
    notice = _tell_and_record(org, item)
    outbox.deliver(notice.pk)
    actions.delete(item, "personal_attack", acting_user=org.users["comms"])
    deletion = OutboxMessage.objects.get(item=item, kind="delete")
    assert deletion.waits_for is None  # the notice had already reached the platform
    add_fault(sim, "facebook", "token_expired", count=1)

    assert outbox.deliver(deletion.pk) == OutboxStatus.FAILED

    item.refresh_from_db()
    assert item.status == ItemStatus.NEW
    client.force_login(org.users["comms"])
    page = client.get(item.get_absolute_url()).content.decode()
    assert f'data-retry="{deletion.pk}"' in page
    assert Notification.objects.filter(item=item, kind="not_sent").exists()


# --- answer-time figures --------------------------------------------------------------------


def test_answer_time_figures_count_confirmed_answers_only(org, facebook, sim):
    from moderation.models import ChannelDay
    from moderation.rollups import roll_up

    sending = _item(sim, facebook)
    failed = _item(sim, facebook, text="Hvornår åbner svømmehallen?")
    confirmed = _item(sim, facebook, text="Hvor kan jeg parkere?")
    _reply(org, sending, key="s")
    add_fault(sim, "facebook", "token_expired", count=1)
    outbox.deliver(_reply(org, failed, key="f").pk)
    outbox.deliver(_reply(org, confirmed, key="c").pk)

    roll_up()

    day = ChannelDay.objects.get(channel=facebook)
    assert (day.received, day.answered, day.on_time) == (3, 1, 1)
