"""The first run's checklist on the dashboard: each step's state as the municipality is set up,
shown to the communications lead and the system administrator only, gone once all is done."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import ChannelConnection
from governance import actions
from governance.models import AnswerTimeRule, Municipality, Policy, PolicySection
from moderation.models import DutyRota, RotaMember

pytestmark = pytest.mark.django_db

STEPS = ("municipality", "policy", "channel", "rota", "guidelines")


def states(client):
    """{step: "done" | "open"} as the dashboard shows them; {} without the checklist."""
    html = client.get(reverse("dashboard")).content.decode()
    found = {
        key: state
        for state, key in re.findall(r'<li class="app-step-(done|open)" id="setup-(\w+)">', html)
    }
    return found


def adopt(org, version, *, sections=False):
    # (A new draft carries the rules of the version before it.)
    AnswerTimeRule.objects.get_or_create(
        version=version, platform="facebook", item_kind="any", defaults={"answer_minutes": 2880}
    )
    if sections:
        PolicySection.objects.create(
            version=version, key="formaal", heading="Formål", body="Vi svarer borgerne."
        )
    actions.adopt_version(
        version,
        acting_user=org.users["comms_lead"],
        adopted_by="Byrådet",
        adopted_on=date(2026, 1, 15),
    )


def test_each_step_is_marked_done_as_the_municipality_is_set_up(client, org):
    client.force_login(org.users["comms_lead"])
    assert states(client) == {
        "municipality": "done",
        "policy": "open",
        "channel": "open",
        "rota": "open",
        "guidelines": "open",
    }

    policy = actions.create_policy(
        acting_user=org.users["comms_lead"],
        municipality=org.municipality,
        title="Politik for sociale medier",
        governs_social_media=True,
    )
    adopt(org, policy.versions.get())
    assert states(client)["policy"] == "done"
    assert states(client)["guidelines"] == "open"

    adopt(org, actions.start_draft(policy, acting_user=org.users["comms_lead"]), sections=True)
    assert states(client)["guidelines"] == "done"

    connection = ChannelConnection(channel=org.channels["central"], account_id="fb-central")
    connection.save()
    assert states(client)["channel"] == "open"  # a row without a token is not connected
    connection.set_token("page-token")
    connection.save(update_fields=["token_encrypted"])
    assert states(client)["channel"] == "done"

    rota = DutyRota.objects.create(team=org.units["comms"], starts_on=date(2026, 1, 5))
    assert states(client)["rota"] == "open"  # a rota with nobody on it
    RotaMember.objects.create(rota=rota, user=org.users["monitor"], position=0)

    # Everything done: the checklist disappears.
    assert states(client) == {}
    assert "Getting started" not in client.get(reverse("dashboard")).content.decode()


def test_each_step_links_to_where_it_is_done(client, org):
    client.force_login(org.users["comms_lead"])

    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for key, url in (
        ("policy", reverse("governance:policy-list")),
        ("channel", reverse("accounts:channel-list")),
        ("rota", reverse("moderation:rota")),
    ):
        item = re.search(rf'id="setup-{key}">(.*?)</li>', html, re.S).group(1)
        assert f'href="{url}"' in item
    municipality = re.search(r'id="setup-municipality">(.*?)</li>', html, re.S).group(1)
    assert 'href="' in municipality


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("comms_lead", True),
        ("superuser", True),
        ("comms", False),
        ("monitor", False),
        ("manager_a", False),
        ("staff", False),
    ],
)
def test_the_checklist_is_for_the_people_who_set_the_product_up(client, org, persona, shown):
    client.force_login(org.users[persona])

    assert bool(states(client)) is shown


def test_a_fresh_installation_shows_the_administrator_every_step_open(client):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.test", "x")
    client.force_login(admin)

    assert Municipality.objects.count() == 0
    assert states(client) == dict.fromkeys(STEPS, "open")
    assert Policy.objects.count() == 0
