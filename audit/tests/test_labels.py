"""The audit trail in words: times of the before and after in the reader's time zone and
language, not as stored ISO text."""

from django.utils import timezone, translation

from audit.labels import changes_in_words
from audit.models import AuditEntry


def test_a_changed_time_reads_as_a_local_date_and_time():
    # Given an answer recorded with the moment it was given (stored as ISO text, in UTC)
    entry = AuditEntry(
        action="reply",
        object_type="moderation.queueitem",
        before={"answered_at": None, "status": "new"},
        after={"answered_at": "2026-12-06T06:08:01.224662+00:00", "status": "answered"},
    )

    # When it is read in Danish in Copenhagen
    with translation.override("da"), timezone.override("Europe/Copenhagen"):
        lines = changes_in_words(entry)

    # Then the time is the local wall-clock time, and the status its label
    assert lines == ["besvaret: – → 06.12.2026 07:08", "status: Ny → Besvaret"]
