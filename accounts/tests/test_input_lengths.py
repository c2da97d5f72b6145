"""The channel API takes text of the same length as the channel pages: an over-long value is
a 400 naming the field, and nothing is created or decided."""

import pytest

from accounts import limits
from accounts.api import (
    ChannelRequestSerializer,
    ClosingInputSerializer,
    CommentInputSerializer,
    RequiredCommentSerializer,
)
from accounts.forms import ChannelRequestForm, ClosingRequestForm, CommentForm, DecisionForm
from accounts.models import Channel, ChannelClosingRequest, ChannelRequest
from core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_api_and_the_pages_share_every_length_limit():
    request_fields = ChannelRequestSerializer().fields
    pairs = [
        (request_fields["name"], ChannelRequestForm.base_fields["name"], limits.NAME),
        (request_fields["handle"], ChannelRequestForm.base_fields["handle"], limits.HANDLE),
        (request_fields["url"], ChannelRequestForm.base_fields["url"], limits.URL),
        (request_fields["purpose"], ChannelRequestForm.base_fields["purpose"], limits.TEXT),
        (
            request_fields["target_groups"],
            ChannelRequestForm.base_fields["target_groups"],
            limits.TEXT,
        ),
        (request_fields["message"], ChannelRequestForm.base_fields["message"], limits.TEXT),
        (
            ClosingInputSerializer().fields["reason"],
            ClosingRequestForm.base_fields["reason"],
            limits.TEXT,
        ),
        (
            ClosingInputSerializer().fields["notice_text"],
            ClosingRequestForm.base_fields["notice_text"],
            limits.TEXT,
        ),
        (
            CommentInputSerializer().fields["comment"],
            CommentForm.base_fields["comment"],
            limits.COMMENT,
        ),
        (
            RequiredCommentSerializer().fields["comment"],
            DecisionForm.base_fields["comment"],
            limits.COMMENT,
        ),
    ]
    for api_field, form_field, expected in pairs:
        assert (api_field.max_length, form_field.max_length) == (expected, expected)


@pytest.mark.parametrize(
    ("field", "length"),
    [("purpose", 4001), ("message", 1_000_000), ("handle", 201), ("name", 201)],
)
def test_a_channel_request_with_an_over_long_field_is_a_400(client, org, field, length):
    assert client.login(username="staff", password=PASSWORD)
    channels = Channel.objects.count()
    data = {
        "platform": "linkedin",
        "name": "Afdeling A på LinkedIn",
        "department": org.units["dept_a"].pk,
        "purpose": "Rekruttering",
        "target_groups": "Fagfolk",
        "message": "Job og arbejdsliv i afdelingen.",
        "responsible": org.users["editor"].pk,
        "deputy": org.users["expert"].pk,
        field: "x" * length,
    }
    response = client.post("/api/v1/channel-requests/", data, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert (Channel.objects.count(), ChannelRequest.objects.count()) == (channels, 0)


@pytest.mark.parametrize("field", ["reason", "notice_text"])
def test_a_closing_request_with_an_over_long_text_is_a_400(client, org, field):
    assert client.login(username="comms_lead", password=PASSWORD)
    data = {"reason": "Ikke brugt", "notice_text": "Find os på kommunens side.", field: "x" * 4001}
    response = client.post(
        f"/api/v1/channels/{org.channels['central'].pk}/request-closing/",
        data,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert ChannelClosingRequest.objects.count() == 0
