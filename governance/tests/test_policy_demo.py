"""The demo policy loads completely, in Danish and English, and loading it again changes nothing."""

import io

import pytest
from django.urls import reverse

from governance import demo
from governance.models import PolicySection, PolicyVersion
from governance.policy import answer_time_rule, version_in_force

pytestmark = pytest.mark.django_db


def _load():
    municipality, units, users = demo.load_organisation()
    demo.load(municipality=municipality, units=units, users=users, stdout=io.StringIO())
    return municipality


def test_demo_policy_is_complete_and_idempotent(client):
    municipality = _load()
    counts = (PolicyVersion.objects.count(), PolicySection.objects.count())
    _load()

    assert (PolicyVersion.objects.count(), PolicySection.objects.count()) == counts
    version = version_in_force(municipality)
    assert (version.number, version.policy.parent.title) == (2, demo.COMMUNICATION_POLICY)
    facebook = answer_time_rule(version, "facebook", "comment")
    assert (facebook.answer_minutes, facebook.answer_clock) == (420, "opening_hours")
    assert (facebook.first_response_minutes, facebook.first_response_clock) == (
        120,
        "opening_hours",
    )
    x = answer_time_rule(version, "x", "mention")
    assert (x.answer_minutes, x.answer_clock) == (240, "opening_hours")
    for language in ("da", "en"):
        audiences = set(
            version.sections.filter(language=language).values_list("audience", flat=True)
        )
        assert audiences == {"everyone", "citizens", "politicians", "employees"}
    assert version.removal_reasons.count() == 4
    assert version.removal_reasons.filter(translations__language="en").count() == 4

    english = client.get(reverse("governance:house-rules", args=["en"])).content.decode()
    assert "How we talk together" in english
    assert "Illegal content" in english
