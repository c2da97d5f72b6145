"""Report periods and plan years at the ends of the calendar are a field error, not a 500:
dates are taken between 1970 and 2100 (a day after 9999-12-31 does not exist)."""

import pytest
from django.conf import settings
from django.urls import reverse

from core.testing import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = ["answer-times", "removals", "volume", "pages", "goals", "council"]
API = ["answer-times", "removals", "volume", "pages"]
PERIODS = [
    {"start": "9999-12-31", "end": "9999-12-31"},
    {"start": "2026-01-01", "end": "9999-12-31"},
    {"start": "0001-01-01", "end": "0001-01-01"},
    {"end": "9999-12-31"},
]


@pytest.fixture
def comms(client, org):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username="comms", password=PASSWORD)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("report", PAGES)
def test_a_report_page_with_a_date_past_the_span_shows_a_form_error(comms, report, period):
    response = comms.get(reverse(f"strategy:report-{report}"), period)
    assert response.status_code == 400
    field = "end" if "end" in period and period["end"].startswith("9999") else "start"
    assert response.context["form"].errors[field] == [
        "Give a date between 1970-01-01 and 2100-12-31."
    ]
    assert "Give a date between 1970-01-01 and 2100-12-31." in response.content.decode()


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("report", API)
def test_a_report_in_the_api_with_a_date_past_the_span_is_a_400(comms, report, period):
    response = comms.get(f"/api/v1/reports/{report}/", period)
    assert response.status_code == 400
    field = "end" if "end" in period and period["end"].startswith("9999") else "start"
    assert field in response.json()["errors"]
    assert "2100-12-31" in str(response.json())


def test_a_report_at_the_edges_of_the_span_is_computed(comms):
    response = comms.get("/api/v1/reports/volume/", {"start": "2100-12-01", "end": "2100-12-31"})
    assert response.status_code == 200


@pytest.mark.parametrize("year", ["0", "99999999999999", "1969", "2101"])
def test_the_plan_api_with_a_year_past_the_span_is_a_400(comms, year):
    response = comms.get("/api/v1/plan-items/", {"year": year})
    assert response.status_code == 400
    assert "year" in response.json()["errors"]


def test_the_plan_api_takes_a_year_in_the_span(comms):
    assert comms.get("/api/v1/plan-items/", {"year": "2026"}).status_code == 200


# A goal or plan date of 9999-12-31 was stored, then overflowed on every later visit to the
# goal page, the goals report and the plan's calendar feed: the forms refuse it.
FORMS = [
    (
        "strategy:goal-create",
        {"title": "Flere følgere", "metric": "followers", "target_value": "4000"},
        ("start_date", "deadline"),
    ),
    ("strategy:theme-create", {"title": "Kultur"}, ("start_date", "end_date")),
    (
        "strategy:plan-item-create",
        {"title": "Valgkampagne", "kind": "campaign"},
        ("start_date", "end_date"),
    ),
]


@pytest.mark.parametrize(("route", "data", "dates"), FORMS)
def test_a_goal_or_plan_date_past_the_span_is_a_form_error_and_nothing_is_stored(
    comms, org, route, data, dates
):
    from strategy.models import Goal, PlanItem, YearTheme

    first, last = dates
    data = {**data, "owner": org.users["comms_lead"].pk, first: "2026-01-01", last: "9999-12-31"}

    response = comms.post(reverse(route), data)

    assert response.status_code == 200
    assert response.context["form"].errors[last] == [
        "Give a date between 1970-01-01 and 2100-12-31."
    ]
    assert (Goal.objects.count(), YearTheme.objects.count(), PlanItem.objects.count()) == (0, 0, 0)
    for url in ("/strategy/plan/calendar.ics", "/strategy/reports/goals/"):
        assert comms.get(url).status_code == 200
