"""The moderation demo content loads twice without duplicates."""

from io import StringIO

import pytest

from governance.demo import load_organisation
from moderation import demo
from moderation.models import CannedAnswer, DutyRota, InboxRule, Label, RotaMember, RuleVersion

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent():
    municipality, units, users = load_organisation()
    for _ in range(2):
        demo.load(municipality=municipality, units=units, users=users, stdout=StringIO())
    assert CannedAnswer.objects.count() == 4
    assert CannedAnswer.objects.filter(for_personal_data=True).count() == 1
    assert DutyRota.objects.count() == 1
    assert list(RotaMember.objects.values_list("user__username", "deputy__username")) == [
        ("vagt", "kommunikation"),
        ("kommunikation", "vagt"),
    ]
    assert list(InboxRule.objects.values_list("name", flat=True)) == [
        "Affald og genbrug",
        "Links med tilbud",
        "Ros og tak",
    ]
    assert RuleVersion.objects.count() == 3
    assert Label.objects.count() == 3
