"""A channel's history is kept as written: the ORM and the database refuse to change it."""

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import ChannelEvent, EventKind
from governance.append_only import AppendOnlyError

pytestmark = pytest.mark.django_db

REFUSED = "append-only"


def raw(sql, params):
    # In a savepoint: on PostgreSQL a refused statement spoils the rest of the transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_channels_history_cannot_be_changed_or_deleted(org):
    event = ChannelEvent.objects.create(
        channel=org.channels["a"], kind=EventKind.EDITED, comment="Navn rettet"
    )
    before = ChannelEvent.objects.filter(pk=event.pk).values().get()

    with pytest.raises(AppendOnlyError, match=REFUSED):
        ChannelEvent.objects.filter(pk=event.pk).update(comment="Intet skete")
    with pytest.raises(AppendOnlyError, match=REFUSED):
        ChannelEvent.objects.filter(channel=org.channels["a"]).delete()
    with pytest.raises(IntegrityError, match=REFUSED):
        raw("UPDATE accounts_channelevent SET comment = %s WHERE id = %s", ["x", event.pk])
    with pytest.raises(IntegrityError, match=REFUSED):
        raw("DELETE FROM accounts_channelevent WHERE id = %s", [event.pk])

    assert ChannelEvent.objects.filter(pk=event.pk).values().get() == before
