"""The staff reading view, what changed, read confirmations and reminders, the intranet frame,
the Atom feed, and the public house rules."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from governance import actions
from governance.models import GuidelineSettings, PolicySection, ReadConfirmation
from governance.tests.policy_helpers import adopted_policy, new_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    # The test municipality speaks Danish; these tests read the English source texts.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _second_version(org, policy):
    draft = actions.start_draft(policy, acting_user=org.users["comms"])
    draft.answer_time_rules.filter(platform="facebook").update(answer_minutes=1440)
    PolicySection.objects.filter(version=draft, key="tone", language="da").update(
        body="Skriv venligt til hinanden.\n\nHold dig til emnet."
    )
    PolicySection.objects.filter(version=draft, key="tone", language="en").update(
        body="Write kindly to each other.\n\nStay on topic."
    )
    PolicySection.objects.create(
        version=draft, key="nyt", heading="Billeder", audience="employees", body="Spørg først."
    )
    PolicySection.objects.filter(version=draft, key="politikere").delete()
    actions.adopt_version(
        draft, acting_user=org.users["comms"], adopted_by="Byrådet", adopted_on=date(2026, 11, 1)
    )
    return draft


def test_reading_view_shows_the_version_in_force_with_its_numbers(client, org):
    _policy, version = adopted_policy(org)
    client.force_login(org.users["politician"])

    response = client.get(reverse("governance:guidelines"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Politik for sociale medier" in page
    assert "adopted by Byrådet on" in page and "reference BR § 12/2026" in page
    assert "2 days (Calendar time)" in page  # Facebook
    assert "4 hours (Opening hours)" in page  # X
    assert "We remove advertising so the thread stays readable." in page
    assert "<strong>svare</strong>" in page  # Markdown rendered
    assert 'href="#section-medarbejdere"' in page  # table of contents
    assert "guidelines-print.css" in page
    assert "I have read this version" in page


def test_reading_view_in_english_uses_the_english_sections(client, org):
    adopted_policy(org)
    client.force_login(org.users["staff"])
    client.cookies["django_language"] = "en"

    page = client.get(reverse("governance:guidelines")).content.decode()

    assert "Write kindly to each other." in page
    assert "Skriv venligt til hinanden." not in page
    assert "Advertising" in page
    # Sections without an English text fall back to the municipality's language.
    assert "Tavshedspligten gælder også på nettet." in page


def test_search_keeps_only_matching_sections(client, org):
    adopted_policy(org)
    client.force_login(org.users["staff"])

    page = client.get(reverse("governance:guidelines"), {"q": "tavshedspligt"}).content.decode()

    assert "1 section matches “tavshedspligt”." in page
    assert 'id="section-medarbejdere"' in page
    assert 'id="section-politikere"' not in page


def test_markdown_is_rendered_safely(client, org):
    # (written into a draft: an adopted version's text no longer changes)
    policy, _version = adopted_policy(org)
    draft = new_draft(org, policy)
    PolicySection.objects.filter(version=draft, key="formaal").update(
        body="Hej <script>alert(1)</script> [klik](javascript:alert(2)) <img src=x onerror=y>"
    )
    actions.adopt_version(
        draft,
        acting_user=org.users["comms_lead"],
        adopted_by="Byrådet",
        adopted_on=date(2026, 2, 1),
    )
    client.force_login(org.users["staff"])

    page = client.get(reverse("governance:guidelines")).content.decode()

    assert "<script>alert(1)" not in page
    assert "javascript:alert(2)" not in page
    assert "onerror" not in page


def test_without_a_policy_the_reading_view_says_so(client, org):
    client.force_login(org.users["staff"])

    response = client.get(reverse("governance:guidelines"))

    assert "No version of the social-media policy is in force yet." in response.content.decode()


def test_confirming_records_once_and_shows_the_confirmation(client, org):
    _policy, version = adopted_policy(org)
    client.force_login(org.users["staff"])
    url = reverse("governance:guidelines-confirm")

    first = client.post(url, {"version": version.pk})
    client.post(url, {"version": version.pk})

    assert first.status_code == 302
    assert ReadConfirmation.objects.filter(user=org.users["staff"], version=version).count() == 1
    assert AuditEntry.objects.filter(action="guidelines.confirm").count() == 1
    page = client.get(reverse("governance:guidelines")).content.decode()
    assert "that you have read this version" in page
    assert "I have read this version" not in page


def test_confirming_a_page_read_before_a_new_version_confirms_nothing(client, org):
    policy, first = adopted_policy(org)
    _second_version(org, policy)
    client.force_login(org.users["staff"])

    response = client.post(reverse("governance:guidelines-confirm"), {"version": first.pk})

    assert response.status_code == 302
    assert not ReadConfirmation.objects.exists()


def test_change_view_shows_changed_sections_and_numbers(client, org):
    policy, _first = adopted_policy(org)
    _second_version(org, policy)
    client.force_login(org.users["staff"])

    response = client.get(reverse("governance:guidelines-changes"))

    rules = response.context["rules"]
    assert [(r.rule, r.before, r.after) for r in rules] == [
        ("Facebook · Any kind: answer", "2 days (Calendar time)", "1 day (Calendar time)")
    ]
    sections = {c.heading: (c.status, c.lines) for c in response.context["sections"]}
    assert sections["Good tone"] == (
        "changed",
        [(" ", "Write kindly to each other."), ("+", "Stay on topic.")],
    )
    assert sections["Billeder"] == ("added", [("+", "Spørg først.")])
    assert sections["Politikere"] == ("removed", [("-", "Brug dine egne profiler.")])
    assert sections["Formål"] == ("unchanged", [])


def test_read_status_per_unit_and_reminder_mail(client, org, django_capture_on_commit_callbacks):
    _policy, version = adopted_policy(org)
    actions.confirm_reading(version, acting_user=org.users["editor"])
    client.force_login(org.users["comms"])

    response = client.get(reverse("governance:guidelines-readers"))

    rows = {row["unit"].name: row for row in response.context["rows"]}
    assert [p["user"].username for p in rows["Afdeling A"]["confirmed"]] == ["editor"]
    assert [p["user"].username for p in rows["Afdeling A"]["missing"]] == ["expert", "staff"]

    with django_capture_on_commit_callbacks(execute=True):
        remind = client.post(
            reverse("governance:guidelines-remind", kwargs={"unit_id": org.units["dept_a"].pk})
        )

    assert remind.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == [
        "expert@testby.example",
        "staff@testby.example",
    ]
    assert "/guidelines/" in mail.outbox[0].body
    assert AuditEntry.objects.get(action="guidelines.remind").data == {
        "unit": org.units["dept_a"].pk,
        "recipients": 2,
    }


def test_read_status_page_queries_do_not_grow_with_people(client, org, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    from governance.models import Membership

    adopted_policy(org)
    client.force_login(org.users["comms"])
    client.get(reverse("governance:guidelines-readers"))  # warm the session and caches
    with django_assert_num_queries(7):
        client.get(reverse("governance:guidelines-readers"))
    for n in range(15):
        user = get_user_model().objects.create_user(f"person{n}", f"p{n}@testby.example")
        Membership.objects.create(user=user, unit=org.units["dept_b"], role="staff")
    with django_assert_num_queries(7):
        client.get(reverse("governance:guidelines-readers"))


def test_embed_view_may_be_framed_only_by_listed_origins(client, org):
    adopted_policy(org)
    client.force_login(org.users["staff"])
    url = reverse("governance:guidelines-embed")

    closed = client.get(url)
    GuidelineSettings.objects.create(
        municipality=org.municipality,
        frame_origins="https://intranet.testby.example\nhttps://medarbejder.testby.example",
    )
    open_ = client.get(url)

    # The site's whole policy, with only the framing origins changed.
    closed_policy = dict(d.split(" ", 1) for d in closed["Content-Security-Policy"].split("; "))
    open_policy = dict(d.split(" ", 1) for d in open_["Content-Security-Policy"].split("; "))
    assert closed_policy["frame-ancestors"] == "'none'"
    assert closed_policy["script-src"] == "'self'"
    assert closed["X-Frame-Options"] == "DENY"
    assert open_policy.pop("frame-ancestors") == (
        "https://intranet.testby.example https://medarbejder.testby.example"
    )
    assert open_policy == {k: v for k, v in closed_policy.items() if k != "frame-ancestors"}
    assert "X-Frame-Options" not in open_
    assert 'class="app-nav"' not in open_.content.decode()
    # The ordinary reading view stays unframeable.
    assert client.get(reverse("governance:guidelines"))["X-Frame-Options"] == "DENY"


def test_feed_lists_adopted_versions(client, org):
    policy, _first = adopted_policy(org)
    _second_version(org, policy)
    _draft = actions.start_draft(policy, acting_user=org.users["comms"])
    client.force_login(org.users["staff"])

    response = client.get(reverse("governance:guidelines-feed"))

    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert body.count("<entry>") == 2
    assert "Politik for sociale medier, version 2" in body
    assert "version 3" not in body


def test_house_rules_are_public_and_per_language(client, org):
    adopted_policy(org)

    danish = client.get(reverse("governance:house-rules", args=["da"]))
    english = client.get(reverse("governance:house-rules", args=["en"]))

    assert danish.status_code == 200 and english.status_code == 200
    da_page, en_page = danish.content.decode(), english.content.decode()
    assert '<html lang="da">' in da_page and '<html lang="en">' in en_page
    assert "Skriv venligt til hinanden." in da_page
    assert "Personlige sager behandler vi ikke her." in da_page
    assert "Reklame fjerner vi, så tråden kan læses." in da_page
    assert "Write kindly to each other." in en_page
    assert "We remove advertising so the thread stays readable." in en_page
    assert "What we remove, and why" in en_page
    # Only citizens' sections appear, never the staff rules.
    assert "Tavshedspligten" not in da_page
    assert client.get("/guidelines/house-rules/xx/").status_code == 404


def test_public_guidelines_switch_opens_the_reading_view_to_everyone(client, org):
    adopted_policy(org)
    url = reverse("governance:guidelines")
    assert client.get(url).status_code == 302

    GuidelineSettings.objects.create(municipality=org.municipality, guidelines_public=True)

    response = client.get(url)
    assert response.status_code == 200
    assert "I have read this version" not in response.content.decode()
    assert client.get(reverse("governance:guidelines-feed")).status_code == 200
    assert client.get(reverse("governance:guidelines-changes")).status_code == 200
    assert client.get(reverse("governance:guidelines-readers")).status_code == 302
    assert client.get(reverse("governance:policy-list")).status_code == 302
