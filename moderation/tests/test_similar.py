"""Similar earlier questions on an item: full-text search on the masked text, stemmed for the
municipality's language, over the earlier items answered through the platform that the reader
may see, with the answer as a draft for the reply box. Runs on SQLite (FTS5) by default and on
PostgreSQL (the `danish` configuration) with DATABASE_URL pointing at one."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from core.testing import PASSWORD
from moderation import similar
from moderation.models import OutboxMessage

from .support import MONDAY, item

pytestmark = pytest.mark.django_db

QUESTION = "Hvorfor blev affaldsspanden ikke tømt i går?"
BIN_ANSWER = "Vi beklager. Skraldebilen kommer forbi igen i morgen."


def answered(channel, text, answer, *, n, days_ago=3, status="sent"):
    """An earlier item with a reply through the outbox in `status` (sent: confirmed)."""
    earlier = item(
        channel, text, n=n, received=MONDAY - timedelta(days=days_ago), status="answered"
    )
    OutboxMessage.objects.create(
        kind="reply",
        status=status,
        idempotency_key=f"similar-{n}",
        channel=channel,
        item=earlier,
        text=answer,
        sent_at=MONDAY - timedelta(days=days_ago) if status == "sent" else None,
    )
    return earlier


def signed_in(username):
    client = Client()
    # The page in the English source text (the municipality's language would be Danish).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def question(org):
    return item(org.channels["central"], QUESTION, n=100)


def test_the_same_complaint_in_other_words_comes_before_one_sharing_a_word(org, question):
    bins = answered(
        org.channels["b"], "Vores affaldsspande er ikke blevet tømt i tre uger", BIN_ANSWER, n=1
    )
    container = answered(
        org.channels["a"],
        "Containeren ved skolen blev tømt alt for sent",
        "Tak, vi ser på det.",
        n=2,
    )
    answered(org.channels["a"], "Hvornår åbner svømmehallen?", "Klokken 6.", n=3)

    found = similar.similar_items(org.users["comms"], question)

    # Across channels, the stemmed "affaldsspand" + "tømt" before "tømt" alone; the swimming
    # pool shares no word and is not found at all.
    assert [other.pk for other in found] == [bins.pk, container.pk]
    assert found[0].answer == BIN_ANSWER
    assert found[0].score > found[1].score > 0


def test_only_earlier_items_with_a_confirmed_answer_count(org, question):
    text = "Affaldsspanden blev ikke tømt"
    item(org.channels["a"], text, n=1, received=MONDAY - timedelta(days=1))  # not answered
    answered(org.channels["a"], text, "Sendes stadig.", n=2, status="pending")
    answered(org.channels["a"], text, "Fejlede.", n=3, status="failed")
    later = answered(org.channels["a"], text, "Senere.", n=4, days_ago=-1)
    confirmed = answered(org.channels["a"], text, BIN_ANSWER, n=5)

    found = similar.similar_items(org.users["comms"], question)

    assert [other.pk for other in found] == [confirmed.pk]
    assert later.pk not in [other.pk for other in similar.similar_items(org.users["comms"], later)]


def test_items_the_reader_may_not_see_are_left_out(org):
    mine = item(org.channels["a"], QUESTION, n=100)
    answered(org.channels["b"], "Affaldsspanden er ikke tømt", "Til B's borgere.", n=1)
    visible = answered(org.channels["a"], "Affaldsspanden er ikke tømt", BIN_ANSWER, n=2)

    assert [o.pk for o in similar.similar_items(org.users["editor"], mine)] == [visible.pk]
    assert len(similar.similar_items(org.users["comms"], mine)) == 2


def test_personal_id_numbers_stay_masked_in_the_question_and_the_answer(org, question):
    answered(
        org.channels["a"],
        "Affaldsspanden er ikke tømt, mit CPR er 070761-4285",
        "Vi har noteret 070761-4285 og tømmer affaldsspanden i morgen.",
        n=1,
    )
    page = signed_in("comms").get(question.get_absolute_url()).content.decode()
    body = signed_in("comms").get(f"/api/v1/items/{question.pk}/similar/").json()

    assert "070761" not in page
    assert "██████-████" in body[0]["text"] and "██████-████" in body[0]["answer"]
    assert "070761" not in str(body)


def test_the_item_page_shows_the_answers_with_a_button_that_drafts_them(org, question):
    earlier = answered(org.channels["b"], "Affaldsspanden er ikke tømt", BIN_ANSWER, n=1)
    comms = signed_in("comms")

    page = comms.get(question.get_absolute_url()).content.decode()
    assert "Similar earlier questions" in page
    assert BIN_ANSWER in page
    assert f'href="?draft={earlier.pk}#id_text"' in page
    assert f'data-text="{BIN_ANSWER}"' in page

    # Without scripts the link reloads the page with the answer in the reply box.
    drafted = comms.get(f"{question.get_absolute_url()}?draft={earlier.pk}")
    assert drafted.context["reply_form"].initial["text"] == BIN_ANSWER
    assert f"{BIN_ANSWER}</textarea>" in drafted.content.decode()


def test_a_draft_from_an_item_the_reader_may_not_see_or_a_bad_id_fills_nothing(org):
    mine = item(org.channels["a"], QUESTION, n=100)
    hidden = answered(org.channels["b"], "Affaldsspanden er ikke tømt", "Til B's borgere.", n=1)
    editor = signed_in("editor")

    for draft in (str(hidden.pk), "abc", "9" * 30, ""):
        response = editor.get(mine.get_absolute_url(), {"draft": draft})
        assert response.status_code == 200
        assert "text" not in response.context["reply_form"].initial
        assert "Til B's borgere" not in response.content.decode()


def test_no_similar_question_says_so(org, question):
    page = signed_in("comms").get(question.get_absolute_url()).content.decode()
    assert "No similar earlier question has an answer yet." in page


def test_the_api_lists_similar_items_with_the_items_permissions(org, question):
    earlier = answered(org.channels["b"], "Affaldsspanden er ikke tømt", BIN_ANSWER, n=1)

    body = signed_in("comms").get(f"/api/v1/items/{question.pk}/similar/").json()
    assert [row["id"] for row in body] == [earlier.pk]
    assert body[0]["answer"] == BIN_ANSWER
    assert body[0]["text"] == "Affaldsspanden er ikke tømt"
    assert body[0]["score"] > 0
    assert body[0]["web_url"].endswith(earlier.get_absolute_url())

    # The editor of department A does not see the central channel's item.
    assert signed_in("editor").get(f"/api/v1/items/{question.pk}/similar/").status_code == 404
    assert Client().get(f"/api/v1/items/{question.pk}/similar/").status_code == 401


def test_the_question_words_leave_out_stop_words_numbers_and_repeats():
    words = similar.significant_words(
        "Hvorfor blev affaldsspanden IKKE tømt? Tømt 2 gange!", "danish"
    )
    assert words == ["affaldsspanden", "tømt", "gange"]


def test_the_sqlite_query_asks_for_the_stems_as_prefixes_with_or():
    query = similar.fts5_query(["affaldsspanden", "affaldsspandene", "tømt"], "danish")
    assert query == '"affaldsspand"* OR "tømt"*'


def test_the_configuration_follows_the_municipality_language(org):
    assert similar.config_for(org.municipality) == "danish"
    org.municipality.default_language = "sv"
    assert similar.config_for(org.municipality) == "swedish"
    org.municipality.default_language = "nb"
    assert similar.config_for(org.municipality) == "norwegian"
