"""The audit rows an action writes name the web request it ran in; other work names none."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation import actions
from moderation.tests.support import adopt_policy, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(org):
    queue_item = item(org.channels["a"], "Hvornår tømmes containerne?", n=7)
    queue_item.policy_version = adopt_policy(org.municipality)
    queue_item.answer_due = timezone.now() + timedelta(days=1)
    queue_item.save()
    return queue_item


def test_a_request_names_its_audit_rows(client, org, question):
    client.login(username="comms", password=PASSWORD)
    response = client.post(reverse("moderation:item-action", args=[question.pk, "acknowledge"]))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="acknowledge")
    assert str(entry.request_id) == response["X-Request-ID"]
    assert (entry.before["status"], entry.after["status"]) == ("new", "acknowledged")


def test_work_outside_a_request_names_none(org, question):
    actions.acknowledge(question, acting_user=org.users["comms"])
    assert AuditEntry.objects.get(action="acknowledge").request_id is None
