"""The on-duty rota page: today's monitor and deputy, recording and deleting absences, reordering
members, refusals, and a query count that does not grow with the rota."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation.models import Absence, RotaMember

from .support import rota

pytestmark = pytest.mark.django_db

# Session, user and the user's roles with their centres, then the rotas with members, users and
# deputies, the absences, and the form's people; for setting up (two more, none per row or per
# rota): the teams without a rota and the people who may be added.
QUERIES = 12


def _today():
    return timezone.localtime(timezone.now(), ZoneInfo("Europe/Copenhagen")).date()


@pytest.fixture
def team_rota(org):
    # The rota starts today, so the monitor has the current turn and the editor the next.
    return rota(
        org.units["comms"],
        [org.users["monitor"], org.users["editor"]],
        starts_on=_today(),
        deputies={"monitor": org.users["comms_lead"]},
    )


@pytest.fixture
def comms_client(client, org):
    assert client.login(username="comms", password=PASSWORD)
    return client


def _order(duty):
    return list(duty.members.order_by("position").values_list("user__username", flat=True))


def test_page_shows_todays_monitor(comms_client, team_rota):
    # When the team opens the rota page
    response = comms_client.get(reverse("moderation:rota"))

    # Then the scheduled monitor is on duty today, with the deputy listed beside them
    assert response.status_code == 200
    assert response.context["teams"][0]["today"]["on_duty"].username == "monitor"
    assert response.context["teams"][0]["today"]["covered"] is False
    assert "On duty today: monitor" in response.content.decode()
    members = response.context["teams"][0]["members"]
    assert [
        (
            row["member"].user.username,
            row["member"].deputy.username if row["member"].deputy else None,
        )
        for row in members
    ] == [
        ("monitor", "comms_lead"),
        ("editor", None),
    ]


def test_page_shows_the_deputy_while_the_monitor_is_away(comms_client, org, team_rota):
    # Given the monitor is away today and tomorrow
    Absence.objects.create(
        user=org.users["monitor"], starts_on=_today(), ends_on=_today() + timedelta(days=1)
    )

    # When the team opens the rota page
    response = comms_client.get(reverse("moderation:rota"))

    # Then the deputy covers today's turn and the absence is listed as under way
    today = response.context["teams"][0]["today"]
    assert (today["scheduled"].username, today["on_duty"].username, today["covered"]) == (
        "monitor",
        "comms_lead",
        True,
    )
    assert "(covering for monitor)" in response.content.decode()
    assert [a.user.username for a in response.context["absences"]] == ["monitor"]


def test_recording_an_absence(comms_client, org, team_rota):
    start = _today() + timedelta(days=3)

    # When the team records an absence for the editor
    response = comms_client.post(
        reverse("moderation:rota-absence-add"),
        {
            "user": org.users["editor"].pk,
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=4)).isoformat(),
            "note": "Ferie",
        },
    )

    # Then it is stored and audited
    assert response.status_code == 302
    assert list(Absence.objects.values_list("user__username", "starts_on", "ends_on", "note")) == [
        ("editor", start, start + timedelta(days=4), "Ferie")
    ]
    entry = AuditEntry.objects.get(action="rota_absence_add")
    assert (entry.actor.username, entry.data["user"]) == ("comms", org.users["editor"].pk)


def test_an_absence_ending_before_it_starts_is_refused(comms_client, org, team_rota):
    # When the last day is before the first
    response = comms_client.post(
        reverse("moderation:rota-absence-add"),
        {
            "user": org.users["editor"].pk,
            "starts_on": "2030-05-10",
            "ends_on": "2030-05-09",
            "note": "Ferie",
        },
    )

    # Then the form says so, keeps the input, and nothing is stored
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "ends_on": ["The last day cannot be before the first day."]
    }
    assert 'value="Ferie"' in response.content.decode()
    assert Absence.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_someone_not_on_a_rota_cannot_be_marked_absent(comms_client, org, team_rota):
    response = comms_client.post(
        reverse("moderation:rota-absence-add"),
        {"user": org.users["outsider"].pk, "starts_on": "2030-05-10", "ends_on": "2030-05-10"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"user": ["Choose someone on a rota."]}
    assert Absence.objects.count() == 0


def test_deleting_a_future_absence(comms_client, org, team_rota):
    start = _today() + timedelta(days=10)
    absence = Absence.objects.create(user=org.users["editor"], starts_on=start, ends_on=start)

    response = comms_client.post(reverse("moderation:rota-absence-remove", args=[absence.pk]))

    assert response.status_code == 302
    assert Absence.objects.count() == 0
    assert AuditEntry.objects.get(action="rota_absence_remove").data["absence"] == absence.pk


def test_an_absence_under_way_is_kept(comms_client, org, team_rota):
    absence = Absence.objects.create(
        user=org.users["editor"], starts_on=_today(), ends_on=_today() + timedelta(days=2)
    )

    response = comms_client.post(
        reverse("moderation:rota-absence-remove", args=[absence.pk]), follow=True
    )

    assert "Only an absence that has not begun yet can be deleted." in response.content.decode()
    assert Absence.objects.count() == 1
    assert AuditEntry.objects.count() == 0


def test_moving_a_member(comms_client, org, team_rota):
    editor = RotaMember.objects.get(rota=team_rota, user=org.users["editor"])

    # When the editor is moved up
    response = comms_client.post(
        reverse("moderation:rota-member-move", args=[editor.pk]), {"direction": "up"}
    )

    # Then the editor is first, so on duty in the current turn
    assert response.status_code == 302
    assert _order(team_rota) == ["editor", "monitor"]
    assert team_rota.on_duty(_today()).username == "editor"
    assert AuditEntry.objects.get(action="rota_member_move").data["order"] == [
        org.users["editor"].pk,
        org.users["monitor"].pk,
    ]


def test_moving_the_first_member_up_changes_nothing(comms_client, org, team_rota):
    first = RotaMember.objects.get(rota=team_rota, user=org.users["monitor"])

    response = comms_client.post(
        reverse("moderation:rota-member-move", args=[first.pk]), {"direction": "up"}, follow=True
    )

    assert "This member is already first." in response.content.decode()
    assert _order(team_rota) == ["monitor", "editor"]
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("persona", ["monitor", "editor", "manager_a"])
def test_a_non_team_user_is_refused(client, org, team_rota, persona):
    # Given someone outside the communications team (even one on the rota)
    assert client.login(username=persona, password=PASSWORD)
    editor = RotaMember.objects.get(rota=team_rota, user=org.users["editor"])
    start = _today() + timedelta(days=5)
    absence = Absence.objects.create(user=org.users["editor"], starts_on=start, ends_on=start)

    # When they try every write
    refused = [
        client.post(
            reverse("moderation:rota-absence-add"),
            {"user": org.users["editor"].pk, "starts_on": "2030-01-01", "ends_on": "2030-01-02"},
        ).status_code,
        client.post(reverse("moderation:rota-absence-remove", args=[absence.pk])).status_code,
        client.post(
            reverse("moderation:rota-member-move", args=[editor.pk]), {"direction": "up"}
        ).status_code,
    ]

    # Then each is refused and nothing changed
    assert refused == [403, 403, 403]
    assert list(Absence.objects.values_list("pk", flat=True)) == [absence.pk]
    assert _order(team_rota) == ["monitor", "editor"]
    assert AuditEntry.objects.count() == 0


def test_the_queue_links_to_the_rota_for_the_team_only(client, org):
    assert client.login(username="comms", password=PASSWORD)
    assert reverse("moderation:rota") in client.get(reverse("moderation:queue")).content.decode()
    client.logout()
    assert client.login(username="monitor", password=PASSWORD)
    assert (
        reverse("moderation:rota") not in client.get(reverse("moderation:queue")).content.decode()
    )


def _grow(org, duty, extra):
    from django.contrib.auth import get_user_model

    for n in range(extra):
        user = get_user_model().objects.create(username=f"vagt-{n}")
        RotaMember.objects.create(rota=duty, user=user, position=10 + n, deputy=org.users["comms"])
        start = _today() + timedelta(days=n + 1)
        Absence.objects.create(user=user, starts_on=start, ends_on=start + timedelta(days=1))


def test_page_query_count_does_not_grow(comms_client, org, team_rota, django_assert_num_queries):
    url = reverse("moderation:rota")
    comms_client.get(url)  # warm the session and caches

    with django_assert_num_queries(QUERIES):
        small = comms_client.get(url)
    _grow(org, team_rota, 8)
    with django_assert_num_queries(QUERIES):
        big = comms_client.get(url)

    assert (small.status_code, big.status_code) == (200, 200)
    assert len(big.context["teams"][0]["members"]) == 10
    assert len(big.context["absences"]) == 8


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_rota_page_in_a_browser_is_accessible(page, org):
    from conftest import axe_violations, browser_login, screenshot

    # Given a rota whose monitor is away today, and the page at phone width
    rota(
        org.units["comms"],
        [org.users["monitor"], org.users["editor"]],
        starts_on=_today(),
        deputies={"monitor": org.users["comms_lead"]},
    )
    Absence.objects.create(user=org.users["monitor"], starts_on=_today(), ends_on=_today())
    page.set_viewport_size({"width": 375, "height": 800})
    browser_login(page, "comms")

    # When the team records an absence with the last day before the first
    page.goto(reverse("moderation:rota"))
    page.select_option("#id_user", label="editor")
    page.fill("#id_starts_on", "2030-05-10")
    page.fill("#id_ends_on", "2030-05-09")
    page.click("#add-absence + form button[type=submit]")

    # Then the page (in the municipality's Danish) names the deputy on duty and the error,
    # with no serious violations
    with translation.override("da"):
        covering = translation.gettext("(covering for %(person)s)") % {"person": "monitor"}
        error = translation.gettext("The last day cannot be before the first day.")
    assert covering == "(afløser for monitor)"
    assert covering in page.locator("main").inner_text()
    assert page.locator("#id_ends_on-error").inner_text().strip() == error
    screenshot(page, "moderation-rota")
    assert axe_violations(page) == []
