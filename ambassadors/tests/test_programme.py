"""The ambassador programme: joining and leaving (audited, voluntary), course seats, the weekly
e-mail (once per person and week, in each person's language), the API, and the pages' query
counts."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from ambassadors import actions, weekly
from ambassadors.models import Course, CourseSignup, Membership, WeeklyMail
from ambassadors.tests.models_for_cases import course, guide
from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import PersonPreference
from strategy.models import OwnPost, PostSource


def _login(client, persona="staff", language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert client.login(username=persona, password=PASSWORD)


# --- membership --------------------------------------------------------------------------------


def test_join_and_leave_are_voluntary_and_audited(org):
    staff = org.users["staff"]

    actions.join(staff, acting_user=staff)
    with pytest.raises(actions.ProgrammeError):
        actions.join(staff, acting_user=staff)
    actions.leave(staff, acting_user=staff)
    with pytest.raises(actions.ProgrammeError):
        actions.leave(staff, acting_user=staff)
    actions.join(staff, acting_user=staff)

    membership = Membership.objects.get()
    assert membership.active and membership.left_at is None
    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "before", "after"))
    assert entries == [
        ("ambassadors.joined", {}, {"active": True}),
        ("ambassadors.left", {"active": True}, {"active": False}),
        ("ambassadors.joined", {"active": False}, {"active": True}),
    ]


def test_nobody_joins_for_someone_else(org):
    with pytest.raises(actions.ProgrammeError):
        actions.join(org.users["staff"], acting_user=org.users["comms"])
    assert not Membership.objects.exists()
    assert not AuditEntry.objects.exists()


# --- courses -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _english():
    # The refusals are read in English here, whatever an earlier test left active.
    with translation.override("en"):
        yield


def test_seats_run_out_and_come_back(org):
    small = course(seats=2)
    actions.sign_up(small, acting_user=org.users["staff"])
    actions.sign_up(small, acting_user=org.users["expert"])

    with pytest.raises(actions.ProgrammeError, match="full"):
        actions.sign_up(small, acting_user=org.users["editor"])
    with pytest.raises(actions.ProgrammeError, match="already have a seat"):
        actions.sign_up(small, acting_user=org.users["staff"])
    actions.cancel(small, acting_user=org.users["staff"])
    actions.sign_up(small, acting_user=org.users["editor"])

    seated = set(
        CourseSignup.objects.filter(cancelled_at__isnull=True).values_list(
            "user__username", flat=True
        )
    )
    assert seated == {"expert", "editor"}
    assert AuditEntry.objects.filter(action="ambassadors.course_signed_up").count() == 3
    assert AuditEntry.objects.filter(action="ambassadors.course_cancelled").count() == 1


def test_no_seat_on_a_course_that_has_started(org):
    started = course()
    with pytest.raises(actions.ProgrammeError, match="started"):
        actions.sign_up(started, acting_user=org.users["staff"], now=started.starts_at)
    assert not CourseSignup.objects.exists()


def test_a_course_cannot_get_fewer_seats_than_taken(client, org):
    full = course(seats=2)
    actions.sign_up(full, acting_user=org.users["staff"])
    actions.sign_up(full, acting_user=org.users["expert"])
    _login(client, "comms")
    data = {
        "title": full.title,
        "starts_at": timezone.localtime(full.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(full.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "place": full.place,
        "seats": "1",
        "published": "on",
    }

    response = client.post(reverse("ambassadors:course-edit", args=[full.pk]), data)

    assert response.status_code == 200
    assert Course.objects.get(pk=full.pk).seats == 2


def test_a_course_needs_a_place_or_a_link(client, org):
    _login(client, "comms")
    starts = timezone.localtime() + timedelta(days=3)
    data = {
        "title": "Kursus uden sted",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "seats": "10",
    }

    response = client.post(reverse("ambassadors:course-create"), data)

    assert response.status_code == 200
    assert not Course.objects.exists()
    data["online_link"] = "https://teams.example/kursus"
    assert client.post(reverse("ambassadors:course-create"), data).status_code == 302
    assert Course.objects.get().online_link == "https://teams.example/kursus"


# --- the weekly e-mail -------------------------------------------------------------------------


def _shareable(org):
    return OwnPost.objects.create(
        channel=org.channels["central"],
        external_id="share-1",
        published_at=timezone.now() - timedelta(days=1),
        text="Vi søger sommerferieafløsere",
        permalink="https://www.linkedin.com/feed/update/urn:li:share:1/",
        source=PostSource.FOUND,
        good_to_share=True,
        share_text="Kender du en, der vil arbejde i kommunen i sommer?",
        marked_at=timezone.now() - timedelta(hours=2),
    )


def test_weekly_email_once_per_week_in_each_language(org):
    _shareable(org)
    for persona, language in (
        ("staff", "da"),
        ("expert", "sv"),
        ("editor", "nb"),
        ("monitor", "en"),
    ):
        user = org.users[persona]
        PersonPreference.objects.update_or_create(user=user, defaults={"language": language})
        actions.join(user, acting_user=user)
    now = timezone.now()

    sent = weekly.send_weekly(now)
    again = weekly.send_weekly(now + timedelta(hours=3))

    assert (sent, again) == (4, 0)
    by_person = {message.to[0].split("@")[0]: message for message in mail.outbox}
    assert by_person["staff"].subject.startswith("Opslag at dele i denne uge")
    assert by_person["expert"].subject.startswith("Inlägg att dela denna vecka")
    assert by_person["editor"].subject.startswith("Innlegg å dele denne uken")
    assert by_person["monitor"].subject.startswith("Posts to share this week")
    body = by_person["staff"].body
    assert "Vi søger sommerferieafløsere" in body
    assert "Kender du en, der vil arbejde i kommunen i sommer?" in body
    assert "https://www.linkedin.com/feed/update/urn:li:share:1/" in body
    assert "/guidelines/ambassadors/" in body
    assert WeeklyMail.objects.filter(sent_at__isnull=False).count() == 4
    # The next week, with a post marked that week, it goes out again.
    OwnPost.objects.filter(external_id="share-1").update(marked_at=now + timedelta(days=6))
    assert weekly.send_weekly(now + timedelta(days=7)) == 4


def test_no_weekly_email_without_posts_or_after_leaving(org):
    staff = org.users["staff"]
    actions.join(staff, acting_user=staff)
    assert weekly.send_weekly() == 0
    _shareable(org)
    actions.leave(staff, acting_user=staff)
    assert weekly.send_weekly() == 0
    assert mail.outbox == []


def test_a_failed_send_is_tried_again(org, monkeypatch):
    _shareable(org)
    staff = org.users["staff"]
    actions.join(staff, acting_user=staff)

    def refuse(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(weekly, "send_mail", refuse)
    assert weekly.send_weekly() == 0
    monkeypatch.undo()
    assert weekly.send_weekly() == 1


# --- pages and API -----------------------------------------------------------------------------


def test_programme_page_in_danish_and_english(client, org):
    guide()
    course()
    _shareable(org)
    _login(client, language="da")
    da = client.get(reverse("ambassadors:programme")).content.decode()
    _login(client, language="en")
    en = client.get(reverse("ambassadors:programme")).content.decode()

    assert "Ambassadørprogram" in da and "Meld dig ind i programmet" in da
    assert "Ambassador programme" in en and "Join the programme" in en
    assert "Sådan deler du et opslag" in en and "Ambassadør på LinkedIn" in en
    assert "Kender du en, der vil arbejde i kommunen i sommer?" in en


def test_join_page_flow(client, org):
    _login(client)
    assert client.post(reverse("ambassadors:join")).status_code == 302
    assert Membership.objects.get().user == org.users["staff"]
    assert client.post(reverse("ambassadors:leave")).status_code == 302
    assert not Membership.objects.get().active


def _fill(org, count):
    for number in range(count):
        starts = timezone.now() + timedelta(days=number + 1)
        Course.objects.create(
            title=f"Kursus {count}-{number}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            place="Rådhuset",
            seats=5,
        )
        guide_obj = guide()
        guide_obj.pk = None
        guide_obj.title = f"Vejledning {count}-{number}"
        guide_obj.save()
        _share = OwnPost.objects.create(
            channel=org.channels["central"],
            external_id=f"fill-{count}-{number}",
            published_at=timezone.now(),
            source=PostSource.FOUND,
            good_to_share=True,
            marked_at=timezone.now(),
        )


@pytest.mark.parametrize(
    ("route", "persona"),
    [
        ("ambassadors:programme", "staff"),
        ("ambassadors:manage", "comms"),
        ("ambassador-course-list", "staff"),
        ("ambassador-guide-list", "staff"),
    ],
)
def test_lists_keep_their_query_count(client, org, django_assert_num_queries, route, persona):
    _login(client, persona)
    _fill(org, 2)
    response = client.get(reverse(route))
    assert response.status_code == 200
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(reverse(route))
    _fill(org, 12)
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(reverse(route)).status_code == 200


def test_api_membership_and_course_seat(client, org):
    upcoming = course()
    _login(client)

    assert client.get(reverse("ambassador-me")).json()["active"] is False
    joined = client.post(reverse("ambassador-me")).json()
    seat = client.post(reverse("ambassador-course-sign-up", args=[upcoming.pk]))
    again = client.post(reverse("ambassador-course-sign-up", args=[upcoming.pk]))
    left = client.delete(reverse("ambassador-me")).json()

    assert joined["active"] is True
    assert seat.status_code == 200 and seat.json()["seats_taken"] == 1
    assert seat.json()["has_seat"] is True
    assert again.status_code == 400 and again.json()["detail"]
    assert left["active"] is False and left["course_seats"] == [upcoming.pk]


def test_api_team_writes_a_guide_through_the_same_rules(client, org):
    _login(client, "comms")

    created = client.post(
        reverse("ambassador-guide-list"),
        {"title": "Tone og stil", "body": "Skriv kort.", "published": False},
        content_type="application/json",
    )
    changed = client.patch(
        reverse("ambassador-guide-detail", args=[created.json()["id"]]),
        {"title": "Tone og stil på LinkedIn"},
        content_type="application/json",
    )

    assert created.status_code == 201
    assert changed.status_code == 200
    assert changed.json()["title"] == "Tone og stil på LinkedIn"
    assert changed.json()["published"] is False
    assert AuditEntry.objects.filter(action="ambassadors.guide_saved").count() == 2
    _login(client, "staff")
    listed = client.get(reverse("ambassador-guide-list")).json()
    assert all(item["title"] != "Tone og stil på LinkedIn" for item in listed["results"])
