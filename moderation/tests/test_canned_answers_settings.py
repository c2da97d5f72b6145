"""Canned answers: listed, created, edited and deleted by the communications lead through the
settings page and the API; placeholders checked (an unknown one refused with a clear error and
nothing saved); the item page offers those for the item's platform with the placeholders filled
in for the item."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation.canned import fill, placeholder_errors
from moderation.models import CannedAnswer

pytestmark = pytest.mark.django_db

TEXT = "Hej {author}. Tak for din besked til {channel} i {municipality}."


def _login(client, persona="comms_lead"):
    assert client.login(username=persona, password=PASSWORD)
    return client


def _form(**values):
    return {
        "title": "Tak",
        "code": "",
        "language": "da",
        "platform": "facebook",
        "text": TEXT,
        "order": "0",
        **values,
    }


def test_placeholder_rules():
    assert placeholder_errors(TEXT) == []
    assert placeholder_errors("Hej {name} og {navn}") == [
        "Unknown placeholder {name}. The placeholders are: {author}, {channel}, {municipality}.",
        "Unknown placeholder {navn}. The placeholders are: {author}, {channel}, {municipality}.",
    ]
    assert placeholder_errors("Hej {author") == [
        "A brace is not closed. Write a placeholder with a brace on each side, e.g. {author}."
    ]
    assert fill("Hej {author}, {x}", {"author": "Bo"}) == "Hej Bo, {x}"


def test_the_lead_creates_edits_and_deletes_a_canned_answer(client, org):
    _login(client)
    created = client.post(reverse("settings-canned-answers"), _form())
    assert created.status_code == 302
    answer = CannedAnswer.objects.get()
    assert (answer.code, answer.language, answer.platform, answer.text) == (
        "tak",
        "da",
        "facebook",
        TEXT,
    )
    assert "Tak" in client.get(reverse("settings-canned-answers")).content.decode()

    edited = client.post(
        reverse("settings-canned-answer-edit", args=[answer.pk]),
        _form(code="tak", platform="", text="Tak, {author}!"),
    )
    assert edited.status_code == 302
    answer.refresh_from_db()
    assert (answer.platform, answer.text) == ("", "Tak, {author}!")
    update = AuditEntry.objects.get(action="canned_answer_update")
    assert update.before == {"platform": "facebook", "text": TEXT}
    assert update.after == {"platform": "", "text": "Tak, {author}!"}

    deleted = client.post(reverse("settings-canned-answer-delete", args=[answer.pk]))
    assert deleted.status_code == 302
    assert not CannedAnswer.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="canned_answer")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["canned_answer_create", "canned_answer_update", "canned_answer_delete"]


def test_an_unknown_placeholder_is_refused_and_nothing_saved(client, org):
    response = _login(client).post(
        reverse("settings-canned-answers"), _form(text="Hej {forfatter}")
    )
    assert response.status_code == 400
    assert "Unknown placeholder {forfatter}." in response.content.decode()
    assert not CannedAnswer.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_edit_with_an_unknown_placeholder_changes_nothing(client, org):
    answer = CannedAnswer.objects.create(
        municipality=org.municipality, code="tak", title="Tak", text=TEXT
    )
    response = _login(client).post(
        reverse("settings-canned-answer-edit", args=[answer.pk]), _form(text="{kanal}")
    )
    assert response.status_code == 400
    answer.refresh_from_db()
    assert answer.text == TEXT


@pytest.mark.parametrize("persona", ["comms", "monitor", "editor", "staff"])
def test_other_roles_cannot_manage_canned_answers(client, org, persona):
    answer = CannedAnswer.objects.create(
        municipality=org.municipality, code="tak", title="Tak", text=TEXT
    )
    _login(client, persona)
    statuses = [
        client.get(reverse("settings-canned-answers")).status_code,
        client.post(reverse("settings-canned-answers"), _form(code="ny")).status_code,
        client.post(reverse("settings-canned-answer-delete", args=[answer.pk])).status_code,
        client.post(
            reverse("canned-answer-list"),
            {"code": "ny", "title": "Ny", "text": "Hej"},
            content_type="application/json",
        ).status_code,
    ]
    assert statuses == [403, 403, 403, 403]
    assert list(CannedAnswer.objects.values_list("code", flat=True)) == ["tak"]


def test_api_creates_and_refuses_unknown_placeholders(client, org):
    _login(client)
    url = reverse("canned-answer-list")
    bad = client.post(
        url, {"code": "tak", "title": "Tak", "text": "Hej {name}"}, content_type="application/json"
    )
    good = client.post(
        url,
        {"code": "tak", "title": "Tak", "text": TEXT, "language": "da", "platform": "facebook"},
        content_type="application/json",
    )
    twice = client.post(
        url,
        {"code": "tak", "title": "Igen", "text": "Tak", "language": "da", "platform": "facebook"},
        content_type="application/json",
    )

    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "text": [
            "Unknown placeholder {name}. The placeholders are: {author}, {channel}, {municipality}."
        ]
    }
    assert good.status_code == 201
    assert twice.status_code == 400
    assert list(twice.json()["errors"]) == ["code"]
    assert CannedAnswer.objects.count() == 1
    # Those who work the queue read them
    client.logout()
    _login(client, "monitor")
    listed = client.get(url, {"platform": "facebook"})
    assert [a["code"] for a in listed.json()["results"]] == ["tak"]


def test_the_item_page_offers_the_platforms_answers_filled_in(client, org):
    CannedAnswer.objects.create(
        municipality=org.municipality, code="fb", title="Facebook", text=TEXT, platform="facebook"
    )
    CannedAnswer.objects.create(
        municipality=org.municipality, code="ig", title="Instagram", text="IG", platform="instagram"
    )
    CannedAnswer.objects.create(
        municipality=org.municipality, code="alle", title="Alle", text="Tak, {author}."
    )
    item = org.items["a"]  # Facebook, by "Borger a" on "Afdeling A på Facebook"

    response = _login(client, "comms").get(reverse("moderation:item-detail", args=[item.pk]))

    offered = {c.code: c.filled for c in response.context["canned"]}
    assert offered == {
        "fb": "Hej Borger a. Tak for din besked til Afdeling A på Facebook i Testby Kommune.",
        "alle": "Tak, Borger a.",
    }
    assert 'data-text="Tak, Borger a."' in response.content.decode()
