"""How notices reach each person: chosen on their own page or through the API; e-mail at once
only for those who chose it; the daily digest sends one e-mail per person and day, in their
language, with their unread notices, and nothing to those who chose "now" or in-app only."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import PASSWORD
from governance.models import PersonPreference
from moderation.models import Notification, NotificationKind
from moderation.notify import notify, send_emails
from moderation.tasks import send_digests

pytestmark = pytest.mark.django_db


def _choose(user, delivery, language=""):
    PersonPreference.objects.update_or_create(
        user=user, defaults={"notifications": delivery, "language": language}
    )


def test_each_person_chooses_on_their_own_page(client, org):
    assert client.login(username="expert", password=PASSWORD)
    page = client.get(reverse("me-notifications"))
    assert page.status_code == 200
    assert page.context["form"]["notifications"].value() == "email_now"
    assert re.search(r'value="email_now"[^>]* checked>', page.content.decode())

    response = client.post(reverse("me-notifications"), {"notifications": "email_digest"})

    assert response.status_code == 302
    assert PersonPreference.objects.get(user=org.users["expert"]).notifications == "email_digest"
    entry = AuditEntry.objects.get(action="notification_preference_set")
    assert (entry.actor, entry.before, entry.after) == (
        org.users["expert"],
        {"notifications": "email_now"},
        {"notifications": "email_digest"},
    )


def test_a_bad_choice_is_refused(client, org):
    assert client.login(username="expert", password=PASSWORD)
    response = client.post(reverse("me-notifications"), {"notifications": "pigeon"})
    assert response.status_code == 400
    assert not PersonPreference.objects.filter(user=org.users["expert"]).exists()


def test_the_header_links_the_name_to_the_profile_which_links_the_choice(client, org):
    assert client.login(username="staff", password=PASSWORD)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'<a class="app-user" href="{reverse("profile:page")}"' in page
    profile = client.get(reverse("profile:page")).content.decode()
    assert f'href="{reverse("me-notifications")}"' in profile


def test_outsiders_have_no_such_page(client, org):
    assert client.login(username="outsider", password=PASSWORD)
    assert client.get(reverse("me-notifications")).status_code == 403
    assert client.get(reverse("api-me-notifications")).status_code == 403


def test_api_reads_and_sets_the_own_choice(client, org):
    assert client.login(username="monitor", password=PASSWORD)
    url = reverse("api-me-notifications")
    assert client.get(url).json() == {"notifications": "email_now", "digest_weekday": 0}
    put = client.put(url, {"notifications": "in_app"}, content_type="application/json")
    bad = client.put(url, {"notifications": "sms"}, content_type="application/json")
    weekly = client.put(
        url, {"notifications": "email_weekly", "digest_weekday": 4}, content_type="application/json"
    )
    bad_day = client.put(
        url, {"notifications": "email_weekly", "digest_weekday": 7}, content_type="application/json"
    )
    assert put.json() == {"notifications": "in_app", "digest_weekday": 0}
    assert bad.status_code == 400
    assert weekly.json() == {"notifications": "email_weekly", "digest_weekday": 4}
    assert bad_day.status_code == 400
    assert client.get(url).json() == {"notifications": "email_weekly", "digest_weekday": 4}


def test_only_those_who_chose_now_get_an_email_at_once(org):
    _choose(org.users["comms"], "email_digest")
    _choose(org.users["monitor"], "in_app")
    notes = notify(
        [org.users["comms"], org.users["monitor"], org.users["editor"]],
        NotificationKind.CRISIS,
        "Krisetilstand",
    )

    sent = send_emails([n.pk for n in notes])

    assert sent == 1
    assert [m.to for m in mail.outbox] == [["editor@testby.example"]]
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 1


def _notices(users, n=2):
    for i in range(n):
        for user in users:
            Notification.objects.create(
                user=user, kind=NotificationKind.CRISIS, message=f"Besked {i + 1}"
            )


def test_the_digest_sends_one_email_per_person_in_their_language(org):
    _choose(org.users["comms"], "email_digest", language="sv")
    _choose(org.users["expert"], "email_digest", language="en")
    _choose(org.users["editor"], "email_now")
    with time_machine.travel(datetime(2026, 11, 17, 5, 0, tzinfo=UTC), tick=False):
        _notices([org.users["comms"], org.users["expert"], org.users["editor"]])
    Notification.objects.filter(user=org.users["expert"], message="Besked 2").update(
        read_at=datetime(2026, 11, 17, 5, 30, tzinfo=UTC)
    )

    with time_machine.travel(datetime(2026, 11, 17, 6, 0, tzinfo=UTC), tick=False):
        sent = send_digests.apply().get()
        again = send_digests.apply().get()

    assert (sent, again) == (2, 0)
    by_person = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_person) == ["comms@testby.example", "expert@testby.example"]
    swedish, english = by_person["comms@testby.example"], by_person["expert@testby.example"]
    assert swedish.subject == "Dina meddelanden: 2 olästa den 2026-11-17"
    assert "Besked 1" in swedish.body and "Besked 2" in swedish.body
    assert english.subject == "Your notices: 1 unread on 17/11/2026"
    assert "Besked 1" in english.body and "Besked 2" not in english.body
    assert "/governance/me/notifications/" in english.body
    # What went out is marked; the read notice and the "now" person's are left alone
    assert set(
        Notification.objects.filter(emailed_at__isnull=False).values_list(
            "user__username", "message"
        )
    ) == {("comms", "Besked 1"), ("comms", "Besked 2"), ("expert", "Besked 1")}


def test_the_next_days_digest_brings_only_the_new_notices(org):
    _choose(org.users["comms"], "email_digest", language="da")
    with time_machine.travel(datetime(2026, 11, 17, 6, 0, tzinfo=UTC), tick=False):
        _notices([org.users["comms"]], n=1)
        send_digests.apply()
        _notices([org.users["comms"]], n=1)  # later the same day: waits for tomorrow
        assert send_digests.apply().get() == 0
    with time_machine.travel(datetime(2026, 11, 18, 6, 0, tzinfo=UTC), tick=False):
        assert send_digests.apply().get() == 1

    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Dine meddelelser: 1 ulæst d. 18.11.2026"


def test_the_digest_is_in_the_beat_schedule():
    from config.celery import beat_schedule

    entry = beat_schedule()["moderation-send-digests"]
    assert entry["task"] == "moderation.send_digests"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {0})
