"""The queue table's rows: what each row says, in every language, as time passes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import set_script_prefix
from django.utils import timezone, translation

from moderation.views import QueueRow

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def render_rows(items, now):
    """The queue table as the page and its live refresh render it."""
    return render_to_string("moderation/includes/queue_rows.html", {"items": items, "now": now})


def row(**values):
    fields = {
        "pk": 7,
        "platform": "facebook",
        "kind": "comment",
        "text": "Hvornår åbner svømmehallen?",
        "author_name": "Borger",
        "received_at": NOW - timedelta(hours=1),
        "answer_due": NOW + timedelta(hours=2, minutes=5),
        "answer_warn_at": NOW + timedelta(hours=1),
        "status": "new",
        "has_personal_data": False,
        "hidden_on_platform": False,
        "answered_at": None,
        "channel_id": 1,
        "channel_name": "Testby Kommune",
        "assigned_username": "",
        "assigned_first_name": "",
        "assigned_last_name": "",
    }
    fields.update(values)
    return QueueRow(**fields)


@pytest.fixture(autouse=True)
def _copenhagen():
    with timezone.override("Europe/Copenhagen"), translation.override("en"):
        yield


def test_the_deadline_counts_down_and_turns_at_risk_then_overdue():
    item = row()
    assert "in 2 h 5 min" in render_rows([item], NOW)
    assert "in 2 h 4 min" in render_rows([item], NOW + timedelta(minutes=1))
    at_risk = render_rows([item], NOW + timedelta(hours=1, minutes=30))
    assert 'class="badge app-badge-warning">at risk: 35 min left' in at_risk
    overdue = render_rows([item], NOW + timedelta(hours=3))
    assert 'class="badge app-badge-error">overdue by 55 min' in overdue


def test_an_answered_or_closed_item_shows_no_countdown():
    answered = row(status="answered", answered_at=NOW)
    closed = row(status="closed", pk=8)
    html = render_rows([answered, closed], NOW + timedelta(hours=5))
    assert "overdue" not in html
    assert html.count("<time") == 2


def test_each_language_reads_its_own_labels():
    item = row()
    with translation.override("da"):
        danish = render_rows([item], NOW)
    with translation.override("sv"):
        swedish = render_rows([item], NOW)
    assert 'data-label="Tekst"' in danish
    assert 'data-label="Text"' in swedish
    assert danish != swedish


def test_times_are_local_and_follow_the_time_zone():
    item = row(answer_due=datetime(2026, 11, 23, 11, 5, tzinfo=UTC))
    copenhagen = render_rows([item], NOW)
    with timezone.override("Europe/London"):
        london = render_rows([item], NOW)
    assert "12:05" in copenhagen
    assert "11:05" in london


def test_every_value_from_a_citizen_or_a_name_is_escaped():
    item = row(
        text='<script>alert("x")</script>',
        author_name="<b>Borger</b>",
        channel_name='Kanal "&" <i>',
        assigned_username="mona",
        assigned_first_name="<Mona>",
    )
    html = render_rows([item], NOW)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Borger&lt;/b&gt;" in html
    assert "Kanal &quot;&amp;&quot; &lt;i&gt;" in html
    assert "&lt;Mona&gt;" in html


def test_a_personal_id_is_masked_in_the_row():
    html = render_rows([row(text="Mit CPR er 070761-4285", has_personal_data=True)], NOW)
    assert "070761" not in html
    assert "██████-████" in html


def test_links_follow_the_script_prefix():
    item = row(pk=42)
    try:
        set_script_prefix("/sociale-medier/")
        prefixed = render_rows([item], NOW)
    finally:
        set_script_prefix("/")
    assert 'href="/sociale-medier/moderation/items/42/"' in prefixed
    assert 'href="/moderation/items/42/"' in render_rows([item], NOW)


def test_the_row_names_the_status_the_platform_and_the_assignee():
    html = render_rows(
        [row(status="acknowledged", assigned_username="mona", assigned_first_name="Mona")], NOW
    )
    assert ">Acknowledged<" in html
    assert ">Testby Kommune · Facebook<" in html
    assert ">Mona<" in html
    assert '<td data-label="Assigned to">–</td>' in render_rows([row()], NOW)
