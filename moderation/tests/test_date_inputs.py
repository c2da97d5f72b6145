"""Date and time fields the browser's pickers fill: their values are ISO whatever the page's
language, or the browser drops them and the field shows empty."""

import re

from core.testing import PASSWORD


def test_the_forward_forms_internal_deadline_is_filled_in_iso_for_the_picker(client, org):
    # Given the team on an item page in Danish, whose date format is "06.12.2026 19:07"
    assert client.login(username="comms", password=PASSWORD)

    # When the page offers the forward form with a suggested internal deadline
    page = client.get(org.items["a"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="da").content
    field = re.search(rb'<input type="datetime-local" name="forward-due_at"[^>]*>', page)

    # Then the value is one a datetime-local picker accepts
    assert field is not None
    assert re.search(rb'value="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"', field.group(0))


def test_the_audit_filters_dates_are_filled_in_iso_for_the_picker(client, org):
    # Given the team filtering the audit log in Danish
    assert client.login(username="comms", password=PASSWORD)

    # When the page shows the dates it filtered by
    page = client.get("/moderation/audit/", {"since": "2026-11-02"}, HTTP_ACCEPT_LANGUAGE="da")

    # Then the picker gets them back as ISO dates
    assert b'type="date"' in page.content
    assert b'value="2026-11-02"' in page.content
