"""The labels report: items marked with each label per local month, page, CSV and API, in a
fixed number of queries."""

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from core.testing import PASSWORD
from moderation import rule_actions
from moderation.models import ItemLabel
from strategy.tests.conftest import make_item

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-10-01", "end": "2026-11-30"}


def login(client, username):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username=username, password=PASSWORD)
    return client


def _labelled(org, count, *, start=0):
    lead = org.users["comms_lead"]
    parking = rule_actions.create_label(org.municipality, acting_user=lead, name="Parking")
    praise = rule_actions.create_label(org.municipality, acting_user=lead, name="Praise")
    # Copenhagen time: 31 October 23:30 UTC is already 1 November locally.
    moments = [
        datetime(2026, 10, 10, 9, 0, tzinfo=UTC),
        datetime(2026, 10, 31, 23, 30, tzinfo=UTC),
        datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    ]
    for n in range(start, start + count):
        item = make_item(org.channels["a"], f"label{n}")
        ItemLabel.objects.create(item=item, label=parking, added_at=moments[n % 3])
        if n % 3 == 2:
            ItemLabel.objects.create(item=item, label=praise, added_at=moments[2])
    return parking, praise


@time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False)
def test_labels_per_month_page_csv_and_api(client, org):
    parking, praise = _labelled(org, 3)
    login(client, "comms")
    page = client.get(reverse("strategy:report-labels"), PERIOD)
    assert page.status_code == 200 and "Parking" in page.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("strategy:report-labels"), {**PERIOD, "format": "csv"}
                ).content.decode()
            )
        )
    )
    assert rows == [
        ["Label", "2026-10", "2026-11", "Total"],
        ["Parking", "1", "2", "3"],
        ["Praise", "0", "1", "1"],
    ]
    data = client.get("/api/v1/reports/labels/", PERIOD).json()
    assert data["months"] == ["2026-10", "2026-11"]
    assert data["rows"][0] == {"label": parking.pk, "name": "Parking", "counts": [1, 2], "total": 3}


@time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False)
def test_labels_report_queries_do_not_grow(client, org, django_assert_num_queries):
    _labelled(org, 3)
    login(client, "comms")
    url = reverse("strategy:report-labels")
    # session, user, memberships, the municipality's time zone, the labels grouped by month
    with django_assert_num_queries(5):
        client.get(url, PERIOD)
    lead = org.users["comms_lead"]
    more = rule_actions.create_label(org.municipality, acting_user=lead, name="More")
    for n in range(20):
        item = make_item(org.channels["a"], f"more{n}")
        ItemLabel.objects.create(item=item, label=more, added_at=datetime(2026, 11, 2, tzinfo=UTC))
    with django_assert_num_queries(5):
        client.get(url, PERIOD)


def test_labels_csv_cells_are_safe(client, org):
    label = rule_actions.create_label(
        org.municipality, acting_user=org.users["comms_lead"], name="=HYPERLINK(1)"
    )
    item = make_item(org.channels["a"], "csv1")
    ItemLabel.objects.create(item=item, label=label)
    login(client, "comms")
    body = client.get(reverse("strategy:report-labels"), {"format": "csv"}).content.decode()
    assert "'=HYPERLINK(1)" in body
