"""Switching a channel's webhooks on when it is connected and off when it is disconnected or
closed, through the pages, the API and the tasks, against the simulator's subscribed_apps edge
(https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/)."""

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts import actions, connect_actions, webhook_actions
from accounts.models import (
    ChannelConnection,
    ChannelStatus,
    TokenStatus,
    WebhookProblem,
    WebhookStatus,
    WebhookSubscription,
)
from audit.models import AuditEntry
from config.celery import app as celery_app
from core.testing import PASSWORD
from moderation.models import QueueItem
from moderation.tests import polling_support
from moderation.tests.polling_support import (
    ACCOUNTS,
    TIMEOUT,
    add_comment,
    add_fault,
    connect,
    control,
    make_channel,
    sim_actions,
)
from platforms.config import GRAPH_VERSION

pytestmark = pytest.mark.django_db
simulator_module = polling_support.simulator_module
sim = polling_support.sim

SECRET = "test-app-secret"


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what the actions queue after their commit, with the queued tasks run in place (as
    the worker would, retries included)."""
    celery_app.conf.task_always_eager = True

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    yield run
    celery_app.conf.task_always_eager = False


def _login(client, persona, language="en"):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def _listed(sim, platform, account=None):
    """What the simulated Page lists for the app, read through the Graph API."""
    spec = account or ACCOUNTS[platform]
    page = spec.get("page_id") or spec["id"]
    answer = requests.get(
        f"{sim.url}/{GRAPH_VERSION}/{page}/subscribed_apps",
        headers={"Authorization": f"Bearer {spec['token']}"},
        timeout=TIMEOUT,
    ).json()
    return answer["data"][0]["subscribed_fields"] if answer["data"] else []


def _connect_form(client, channel, spec, polling="on"):
    """The connect page's pasted-token form, which only a system administrator is offered; the
    test's own client stays signed in as its persona for what follows."""
    data = {"account_id": spec["id"], "token": spec["token"]}
    if polling:
        data["polling_enabled"] = polling
    admin = Client()
    assert admin.login(username="superuser", password=PASSWORD)
    return admin.post(reverse("accounts:channel-connect", args=[channel.pk]), data)


def test_connecting_a_facebook_page_subscribes_feed_and_messages(client, org, sim, run_tasks):
    # Given a Facebook channel that reads Messenger messages, reconnected by its editor
    channel = org.channels["a"]
    connect(channel, extra={"messaging": True})
    _login(client, "editor")

    # When the editor saves the connection and the queued work runs
    response = run_tasks(_connect_form, client, channel, ACCOUNTS["facebook"])

    # Then the simulated Page has the app subscribed to feed and messages, and the state says so
    assert response.status_code == 302
    assert _listed(sim, "facebook") == ["feed", "messages"]
    assert [(a["kind"], a["text"]) for a in sim_actions(sim)] == [("subscribe", "feed,messages")]
    subscription = WebhookSubscription.objects.get(connection__channel=channel)
    assert subscription.status == WebhookStatus.ACTIVE
    assert subscription.fields == ["feed", "messages"]
    assert subscription.missing_fields == []
    assert subscription.subscribed_at is not None
    entry = AuditEntry.objects.get(action="channel.webhooks_subscribed")
    assert entry.channel == channel
    assert entry.actor is None
    assert entry.after["status"] == "active"
    page = client.get(reverse("accounts:channel-connect", args=[channel.pk])).content.decode()
    assert "Subscribed" in page
    assert "comments and posts (feed), messages (messages)" in page
    assert "None received yet" in page


def test_connecting_an_instagram_account_subscribes_its_linked_page(client, org, sim, run_tasks):
    channel = org.channels["b"]
    _login(client, "manager_b", "da")

    run_tasks(_connect_form, client, channel, ACCOUNTS["instagram"])

    subscription = WebhookSubscription.objects.get(connection__channel=channel)
    assert _listed(sim, "instagram") == ["feed"]
    assert subscription.fields == ["feed"]
    # Without messaging the account's direct messages are not expected by webhook.
    assert subscription.delivered_fields == ["comments", "mentions"]
    page = client.get(channel.get_absolute_url()).content.decode()
    assert "Abonneret" in page
    assert "kommentarer (comments), omtaler (mentions)" in page


def test_a_channel_whose_comments_are_not_fetched_is_not_subscribed(client, org, sim, run_tasks):
    channel = org.channels["a"]
    _login(client, "editor")

    run_tasks(_connect_form, client, channel, ACCOUNTS["facebook"], polling="")

    assert _listed(sim, "facebook") == []
    assert not WebhookSubscription.objects.filter(connection__channel=channel).exists()


def test_without_the_messaging_permission_the_feed_is_subscribed_and_the_page_says_so(
    client, org, sim, run_tasks
):
    # Given a Page whose token lacks pages_messaging
    account = control(
        sim,
        "POST",
        "accounts",
        {
            "platform": "facebook",
            "name": "Afdeling A",
            "messaging_permission": False,
        },
    )
    channel = org.channels["a"]
    connect(channel, extra={"messaging": True})
    _login(client, "editor", "sv")

    # When the channel is connected to it
    run_tasks(_connect_form, client, channel, account)

    # Then comments still come by webhook, messages are left out with the platform's reason
    subscription = WebhookSubscription.objects.get(connection__channel=channel)
    assert _listed(sim, "facebook", account) == ["feed"]
    assert subscription.status == WebhookStatus.ACTIVE
    assert subscription.fields == ["feed"]
    assert subscription.missing_fields == ["messages"]
    assert subscription.problem == WebhookProblem.MESSAGING_PERMISSION
    assert "pages_messaging" in subscription.detail
    page = client.get(channel.get_absolute_url()).content.decode()
    assert "Utelämnat" in page
    assert "Token saknar behörigheten för meddelanden" in page
    assert "Prenumerera igen" in page


def test_a_failure_is_stored_shown_and_retried_by_the_button(client, org, sim, run_tasks):
    # Given a connection whose subscription the platform refuses (an expired token)
    channel = org.channels["a"]
    _login(client, "editor", "nb")
    add_fault(sim, "facebook", "token_expired")
    run_tasks(_connect_form, client, channel, ACCOUNTS["facebook"])
    subscription = WebhookSubscription.objects.get(connection__channel=channel)
    assert subscription.status == WebhookStatus.FAILED
    assert subscription.problem == WebhookProblem.TOKEN
    assert "Session has expired" in subscription.detail
    assert AuditEntry.objects.filter(action="channel.webhooks_failed").count() == 1
    page = client.get(channel.get_absolute_url()).content.decode()
    assert "Abonnementet mislyktes" in page
    assert "Plattformen godtar ikke lenger tokenet" in page
    assert "Abonner på nytt" in page
    # ... and nothing else broke: the connection is saved and polled
    connection = ChannelConnection.objects.get(channel=channel)
    assert (connection.polling_enabled, connection.get_token()) == (
        True,
        ACCOUNTS["facebook"]["token"],
    )

    # When the editor presses "Subscribe again"
    response = client.post(reverse("accounts:channel-subscribe-webhooks", args=[channel.pk]))

    # Then the Page is subscribed and the state shows it
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == WebhookStatus.ACTIVE
    assert (subscription.problem, subscription.detail) == ("", "")
    assert _listed(sim, "facebook") == ["feed"]
    entry = AuditEntry.objects.filter(action="channel.webhooks_subscribed").get()
    assert entry.actor == org.users["editor"]
    assert (entry.before["status"], entry.after["status"]) == ("failed", "active")


def test_an_unreachable_platform_is_tried_again_then_shown(org, sim, run_tasks):
    channel = make_channel(org, "facebook", name="Prøv igen")
    add_fault(sim, "facebook", "server_error", count=1)

    run_tasks(
        connect_actions.connect_channel,
        channel,
        account_id=ACCOUNTS["facebook"]["id"],
        token=ACCOUNTS["facebook"]["token"],
        acting_user=org.users["superuser"],
    )
    first = WebhookSubscription.objects.get(connection__channel=channel)
    add_fault(sim, "facebook", "server_error", count=webhook_actions.TASK_RETRIES + 1)
    run_tasks(webhook_actions.after_connect, first.connection)
    second = WebhookSubscription.objects.get(connection__channel=channel)

    # One passing failure is overcome by the retry; a lasting one ends shown as unreachable.
    assert first.status == WebhookStatus.ACTIVE
    assert second.status == WebhookStatus.FAILED
    assert second.problem == WebhookProblem.UNAVAILABLE


def test_disconnecting_unsubscribes_removes_the_token_and_stops_polling(
    client, org, sim, run_tasks
):
    channel = org.channels["a"]
    _login(client, "editor")
    run_tasks(_connect_form, client, channel, ACCOUNTS["facebook"])
    assert _listed(sim, "facebook") == ["feed"]

    response = client.post(reverse("accounts:channel-disconnect", args=[channel.pk]))

    assert response.status_code == 302
    assert _listed(sim, "facebook") == []
    assert [a["kind"] for a in sim_actions(sim)] == ["subscribe", "unsubscribe"]
    connection = ChannelConnection.objects.get(channel=channel)
    assert (connection.token_encrypted, connection.token_status) == ("", TokenStatus.MISSING)
    assert connection.polling_enabled is False
    assert connection.webhook_subscription.status == WebhookStatus.OFF
    assert connection.webhook_subscription.fields == []
    entry = AuditEntry.objects.get(action="channel.disconnected")
    assert entry.actor == org.users["editor"]
    assert entry.after == {"token_status": "missing", "polling_enabled": False}
    assert entry.data["unsubscribed"] is True
    page = client.get(reverse("accounts:channel-connect", args=[channel.pk])).content.decode()
    assert ">Disconnect<" not in page
    assert "Not subscribed" in page


def test_disconnecting_a_channel_that_is_not_connected_is_refused(client, org, sim):
    _login(client, "editor")
    channel = org.channels["a"]

    page = client.post(reverse("accounts:channel-disconnect", args=[channel.pk]), follow=True)
    api = client.post(f"/api/v1/channels/{channel.pk}/disconnect/")

    assert "The channel is not connected." in page.content.decode()
    assert api.status_code == 409
    assert not ChannelConnection.objects.filter(channel=channel).exists()
    assert not AuditEntry.objects.filter(action="channel.disconnected").exists()


def test_closing_a_channel_unsubscribes_its_page(org, sim, run_tasks):
    channel = make_channel(org, "facebook", name="Lukkes")
    run_tasks(
        connect_actions.connect_channel,
        channel,
        account_id=ACCOUNTS["facebook"]["id"],
        token=ACCOUNTS["facebook"]["token"],
        acting_user=org.users["superuser"],
    )
    assert _listed(sim, "facebook") == ["feed"]
    channel.status = ChannelStatus.CLOSING
    channel.save(update_fields=["status"])

    run_tasks(actions.close_channel, channel, acting_user=org.users["comms_lead"])

    assert _listed(sim, "facebook") == []
    subscription = WebhookSubscription.objects.get(connection__channel=channel)
    assert subscription.status == WebhookStatus.OFF
    assert AuditEntry.objects.filter(
        action="channel.webhooks_unsubscribed", channel=channel
    ).exists()


def test_the_api_carries_the_state_and_offers_subscribe_and_disconnect(client, org, sim, run_tasks):
    channel = org.channels["a"]
    _login(client, "editor")
    add_fault(sim, "facebook", "throttle")
    run_tasks(_connect_form, client, channel, ACCOUNTS["facebook"])

    failed = client.get(f"/api/v1/channels/{channel.pk}/").json()["connection"]["webhooks"]
    again = client.post(f"/api/v1/channels/{channel.pk}/subscribe-webhooks/")
    gone = client.post(f"/api/v1/channels/{channel.pk}/disconnect/")

    assert failed["status"] == "failed"
    assert failed["problem"] == "throttled"
    assert failed["problem_text"] == "The platform is limiting calls for now"
    assert failed["subscribed_fields"] == []
    assert again.status_code == 200
    webhooks = again.json()["connection"]["webhooks"]
    assert (webhooks["status"], webhooks["subscribed_fields"]) == ("active", ["feed"])
    assert webhooks["subscribed_at"] is not None
    assert gone.status_code == 200
    assert gone.json()["connection"]["token_status"] == "missing"
    assert gone.json()["connection"]["webhooks"]["status"] == "off"
    assert _listed(sim, "facebook") == []


def test_a_delivery_reaches_the_product_only_once_the_page_is_subscribed(
    live_server, org, sim, run_tasks, settings
):
    # Given a channel connected to the simulated Page, before its subscription has run
    settings.WEBHOOK_APP_SECRET = SECRET
    channel = make_channel(org, "facebook", name="Leverancer")
    connection = connect(channel)
    comment = add_comment(sim, "facebook", "Hvornår tømmes containerne?", "Borger 4")
    delivery = {
        "platform": "facebook",
        "comment_id": comment["id"],
        "app_secret": SECRET,
        "target_url": f"{live_server.url}/webhooks/facebook/",
    }

    refused = requests.post(f"{sim.url}/_sim/webhooks/deliver", json=delivery, timeout=TIMEOUT)
    run_tasks(webhook_actions.after_connect, connection)
    delivered = control(sim, "POST", "webhooks/deliver", delivery)

    # Then the first delivery never left, the second created the item and is noted
    assert refused.status_code == 409
    assert "has not subscribed the app to the feed field" in refused.json()["error"]
    assert delivered["deliveries"] == [{"status": 200}]
    item = QueueItem.objects.get(external_id=comment["id"])
    assert (item.channel, item.text) == (channel, "Hvornår tømmes containerne?")
    subscription = WebhookSubscription.objects.get(connection=connection)
    assert subscription.last_delivery_at is not None
