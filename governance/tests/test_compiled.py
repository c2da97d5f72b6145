"""Querysets compiled once per key: the same rows as the ORM, read afresh on every call."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance import compiled
from governance.compiled import forget_compiled, values_rows
from governance.models import Membership, OrgUnit, Role
from moderation.models import QueueItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    forget_compiled()
    yield
    forget_compiled()


def test_rows_and_flat_values_match_the_orm_with_converted_types(org):
    # Given items with aware datetimes and booleans (SQLite stores them as text and integers)
    now = timezone.now().replace(microsecond=0)
    for n in range(3):
        QueueItem.objects.create(
            channel=org.channels["central"],
            platform="facebook",
            external_id=f"c-{n}",
            kind="comment",
            text=f"Tekst {n}",
            created_at=now,
            received_at=now - timedelta(minutes=n),
            has_personal_data=n == 1,
        )

    def build():
        return (
            QueueItem.objects.filter(external_id__startswith="c-")
            .order_by("id")
            .values_list("external_id", "received_at", "has_personal_data", "channel__name")
        )

    # When the rows are read through a compiled query, twice
    first = values_rows(("items",), build)
    second = values_rows(("items",), build)
    # Then they equal the ORM's, with the same Python types
    expected = list(build())
    assert first == expected == second
    assert first[1][1] == now - timedelta(minutes=1)
    assert first[1][1].tzinfo is not None
    assert [row[2] for row in first] == [False, True, False]
    flat = values_rows(
        ("ids",),
        lambda: (
            QueueItem.objects.filter(external_id__startswith="c-")
            .order_by("id")
            .values_list("external_id", flat=True)
        ),
    )
    assert flat == ["c-0", "c-1", "c-2"]


def test_each_call_reads_the_rows_afresh_but_compiles_once(org, monkeypatch):
    compiles = []
    original = compiled._Compiled.__init__

    def counting(self, queryset):
        compiles.append(1)
        original(self, queryset)

    monkeypatch.setattr(compiled._Compiled, "__init__", counting)
    user = org.users["editor"]

    def build():
        return (
            Membership.objects.filter(user_id=user.pk)
            .order_by("unit_id")
            .values_list("unit_id", "role")
        )

    before = values_rows(("roles", user.pk), build)
    # A role given between two calls is in the second call's rows: nothing but SQL is kept
    unit = OrgUnit.objects.exclude(pk__in=[unit_id for unit_id, _role in before]).first()
    Membership.objects.create(user=user, unit=unit, role=Role.DEPARTMENT_EXPERT)
    with CaptureQueriesContext(connection) as queries:
        after = values_rows(("roles", user.pk), build)
    assert len(queries) == 1
    assert (unit.pk, Role.DEPARTMENT_EXPERT) in after
    assert len(after) == len(before) + 1
    assert len(compiles) == 1


def test_an_empty_queryset_sends_no_sql():
    with CaptureQueriesContext(connection) as queries:
        rows = values_rows(("none",), lambda: QueueItem.objects.none().values_list("id"))
    assert rows == []
    assert len(queries) == 0


def test_only_values_list_querysets_are_accepted():
    with pytest.raises(TypeError):
        values_rows(("models",), lambda: QueueItem.objects.all())


def test_the_table_keeps_only_the_most_recently_used_entries(org, monkeypatch):
    monkeypatch.setattr(compiled, "MAX_ENTRIES", 3)
    for n in range(5):
        values_rows(("n", n), lambda n=n: QueueItem.objects.filter(pk=n).values_list("id"))
    table = compiled._table("default")
    assert list(table) == [("n", 2), ("n", 3), ("n", 4)]
