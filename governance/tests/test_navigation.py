"""The menu marks the entry of the page one is on: the longest address that holds the page's,
and the settings pages under /governance/settings/ as Settings."""

import pytest
from django.test import RequestFactory

from governance.context_processors import navigation_for

pytestmark = pytest.mark.django_db


def current(user, path):
    request = RequestFactory().get(path)
    request.user = user
    return [item["name"] for item in navigation_for(request) if item["active"]]


@pytest.mark.parametrize(
    ("path", "entry"),
    [
        ("/", "dashboard"),
        ("/strategy/", "strategy:overview"),
        ("/strategy/reports/", "strategy:reports"),
        ("/settings/rules/", "settings:overview"),
        ("/governance/settings/hours/", "settings:overview"),
        ("/governance/settings/alerts/", "settings:overview"),
        ("/moderation/", "moderation:queue"),
    ],
)
def test_the_page_one_is_on_is_the_current_entry(org, path, entry):
    assert current(org.users["comms_lead"], path) == [entry]
