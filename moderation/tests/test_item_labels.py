"""A person adds and removes labels on an item: on the item page and through the API, each an
audited, idempotent action under the rule for handling the item."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import Municipality
from moderation import rule_actions
from moderation.actions import ActionError
from moderation.models import ItemLabel, Label

from .support import item

pytestmark = pytest.mark.django_db


def login(client, persona):
    assert client.login(username=persona, password=PASSWORD)


@pytest.fixture
def parking(org):
    return rule_actions.create_label(
        org.municipality, acting_user=org.users["comms_lead"], name="Parking"
    )


@pytest.fixture
def praise(org):
    return rule_actions.create_label(
        org.municipality, acting_user=org.users["comms_lead"], name="Praise", colour="green"
    )


def test_adding_and_removing_is_audited_once(org, parking):
    subject = item(org.channels["central"], "Hvor må jeg parkere?")
    comms = org.users["comms"]
    assert rule_actions.add_label(subject, parking, acting_user=comms) is True
    assert rule_actions.add_label(subject, parking, acting_user=comms) is False
    row = ItemLabel.objects.get(item=subject, label=parking)
    assert (row.added_by, row.rule) == (comms, None)
    assert rule_actions.remove_label(subject, parking, acting_user=comms) is True
    assert rule_actions.remove_label(subject, parking, acting_user=comms) is False
    entries = AuditEntry.objects.filter(item=subject).order_by("id")
    assert [e.action for e in entries] == ["label_add", "label_remove"]
    assert entries[0].changes() == [("label", None, "Parking")]


def test_a_label_of_another_municipality_is_refused(org):
    other = Municipality.objects.create(name="Nabokommune")
    foreign = Label.objects.create(municipality=other, name="Fremmed")
    subject = item(org.channels["central"], "Hej")
    with pytest.raises(ActionError):
        rule_actions.add_label(subject, foreign, acting_user=org.users["comms"])
    assert not ItemLabel.objects.filter(item=subject).exists()


def test_the_item_page_adds_and_removes_a_label(client, org, parking, praise):
    subject = item(org.channels["central"], "Hvor må jeg parkere?")
    login(client, "comms")
    url = reverse("moderation:item-detail", args=[subject.pk])
    body = client.get(url).content.decode()
    assert "data-label-add" in body and f'<option value="{parking.pk}">Parking</option>' in body
    response = client.post(
        reverse("moderation:item-action", args=[subject.pk, "add_label"]), {"label": parking.pk}
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert f'data-label-remove="{parking.pk}"' in body
    # The label on the item is no longer offered; the other one still is.
    assert f'<option value="{parking.pk}">' not in body
    assert f'<option value="{praise.pk}">Praise</option>' in body
    assert "Label added" in body
    response = client.post(
        reverse("moderation:item-action", args=[subject.pk, "remove_label"]),
        {"label": parking.pk},
    )
    assert response.status_code == 302
    assert not ItemLabel.objects.filter(item=subject).exists()
    assert "Label removed" in client.get(url).content.decode()


def test_the_item_page_refuses_a_number_that_is_no_label(client, org, parking):
    subject = item(org.channels["central"], "Hej")
    login(client, "comms")
    response = client.post(
        reverse("moderation:item-action", args=[subject.pk, "add_label"]), {"label": "abc"}
    )
    assert response.status_code == 400
    assert "Choose one of your municipality" in response.content.decode()
    assert not ItemLabel.objects.filter(item=subject).exists()


def test_one_who_only_sees_the_item_gets_no_label_form(client, org, parking):
    subject = item(org.channels["a"], "Hej")
    rule_actions.add_label(subject, parking, acting_user=org.users["comms"])
    login(client, "manager_a")
    body = client.get(reverse("moderation:item-detail", args=[subject.pk])).content.decode()
    assert "Parking" in body
    assert "data-label-add" not in body and "data-label-remove" not in body


def test_the_api_adds_and_removes_a_label(client, org, parking):
    subject = item(org.channels["central"], "Hvor må jeg parkere?")
    login(client, "comms")
    url = reverse("item-labels", args=[subject.pk])
    for _ in range(2):
        response = client.post(url, {"label": parking.pk}, content_type="application/json")
        assert response.status_code == 200
        assert [row["name"] for row in response.json()["labels"]] == ["Parking"]
    assert AuditEntry.objects.filter(item=subject, action="label_add").count() == 1
    response = client.post(url, {"label": 999999}, content_type="application/json")
    assert response.status_code == 400
    assert "label" in response.json()["errors"] or "label" in str(response.json())
    remove = reverse("item-label", args=[subject.pk, parking.pk])
    for _ in range(2):
        response = client.delete(remove)
        assert response.status_code == 200
        assert response.json()["labels"] == []
    assert AuditEntry.objects.filter(item=subject, action="label_remove").count() == 1
    assert client.delete(reverse("item-label", args=[subject.pk, 999999])).status_code == 404
