"""The business calendar follows the municipality: a time zone or country changed in the admin
moves the next deadline, in this process and in every other one (whose copy is stale)."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from governance.models import Municipality
from moderation import deadlines
from moderation.deadlines import DeadlineCalculator

from .support import adopt_policy, office_hours

pytestmark = pytest.mark.django_db

# Answer within an hour of opening hours (08:00–15:00 local, Monday to Friday).
OPENING_HOUR_RULE = [("facebook", "any", None, "calendar", 60, "opening_hours")]
# Monday 16 November 2026, 07:30 UTC: 08:30 in Copenhagen (open), 07:30 in London (closed).
MONDAY_EARLY = datetime(2026, 11, 16, 7, 30, tzinfo=UTC)
# Tuesday 6 January 2026, 09:00 in Copenhagen and Stockholm: Epiphany is a holiday in Sweden only.
EPIPHANY = datetime(2026, 1, 6, 8, 0, tzinfo=UTC)


def answer_due(municipality_id, received_at):
    # As a request or a poll computes it: the municipality as it is stored now.
    municipality = Municipality.objects.get(pk=municipality_id)
    return DeadlineCalculator(municipality).deadlines("facebook", "comment", received_at).answer_due


@pytest.fixture
def admin_client(client, org):
    office_hours(org.municipality)
    adopt_policy(org.municipality, OPENING_HOUR_RULE)
    admin = get_user_model().objects.create_superuser("root", "root@example.dk", "pw")
    client.force_login(admin)
    return client


def change_in_admin(client, municipality, **changes):
    """Submit the municipality's admin change form as it is shown, with `changes` made."""
    url = reverse("admin:governance_municipality_change", args=[municipality.pk])
    shown = client.get(url)
    form = shown.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in shown.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(n): management[n].value() for n in management.fields})
        for row in formset.forms:
            data.update({row.add_prefix(n): row[n].value() for n in row.fields})
    data.update(changes)
    data = {key: "" if value is None else value for key, value in data.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_a_new_time_zone_moves_the_next_deadline(admin_client, org):
    # Given the calendar is built and cached for Copenhagen: open at 08:30, due at 09:30 local
    assert answer_due(org.municipality.pk, MONDAY_EARLY) == datetime(
        2026, 11, 16, 8, 30, tzinfo=UTC
    )

    # When an administrator changes the time zone to London
    change_in_admin(admin_client, org.municipality, time_zone="Europe/London")

    # Then the clock starts at 08:00 London time, and the answer is due at 09:00
    assert answer_due(org.municipality.pk, MONDAY_EARLY) == datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def test_a_new_country_brings_its_holidays(admin_client, org):
    # Given a Danish municipality: Epiphany is a working day, due an hour later
    assert answer_due(org.municipality.pk, EPIPHANY) == datetime(2026, 1, 6, 9, 0, tzinfo=UTC)

    # When an administrator sets the country to Sweden (same time zone offset)
    change_in_admin(admin_client, org.municipality, country="SE", time_zone="Europe/Stockholm")

    # Then Epiphany is closed and the hour is counted from Wednesday's opening
    assert answer_due(org.municipality.pk, EPIPHANY) == datetime(2026, 1, 7, 8, 0, tzinfo=UTC)


def test_another_process_holding_the_old_calendar_builds_the_new_one(admin_client, org):
    # Given another worker has built and kept the Copenhagen calendar
    answer_due(org.municipality.pk, MONDAY_EARLY)
    other_process = dict(deadlines._local)
    generation = cache.get(deadlines._generation_key(org.municipality.pk), 0)

    # When the time zone is changed in the admin (served by this process)
    change_in_admin(admin_client, org.municipality, time_zone="Europe/London")

    # Then the shared generation moved, and the other worker, with its old copy, uses London
    assert cache.get(deadlines._generation_key(org.municipality.pk), 0) > generation
    deadlines._local.clear()
    deadlines._local.update(other_process)
    assert answer_due(org.municipality.pk, MONDAY_EARLY) == datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def test_a_time_zone_written_without_a_save_is_seen_too(admin_client, org):
    answer_due(org.municipality.pk, MONDAY_EARLY)
    # A queryset update sends no signal; the cached copy still knows what it was built from.
    Municipality.objects.filter(pk=org.municipality.pk).update(time_zone="Europe/London")
    assert answer_due(org.municipality.pk, MONDAY_EARLY) == datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def test_a_change_of_language_keeps_the_cached_calendar(
    admin_client, org, django_assert_num_queries
):
    municipality = Municipality.objects.get(pk=org.municipality.pk)
    first = deadlines.calendar_for(municipality)
    municipality.default_language = "sv"
    municipality.save(update_fields=["default_language"])
    with django_assert_num_queries(0):
        assert deadlines.calendar_for(municipality) is first
