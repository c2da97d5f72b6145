"""Both kinds of request take their decision fields from one abstract model, and the models agree
with the migrations (sharing the fields changed no table)."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import ChannelClosingRequest, ChannelRequest, Decided

DECISION_FIELDS = ["decision", "decided_by", "decided_at", "decision_comment"]


@pytest.mark.parametrize("model", [ChannelRequest, ChannelClosingRequest])
def test_both_requests_take_their_decision_fields_from_decided(model):
    assert issubclass(model, Decided)
    columns = {field.name: field.column for field in model._meta.concrete_fields}
    assert [columns[name] for name in DECISION_FIELDS] == [
        "decision",
        "decided_by_id",
        "decided_at",
        "decision_comment",
    ]


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "No changes detected"
