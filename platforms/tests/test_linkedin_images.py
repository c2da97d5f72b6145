"""A picture on a LinkedIn organisation post: uploaded through the Images API (initializeUpload
for the organisation, then the bytes with PUT to the address it gave), then named by the post's
`content.media.id`. The canned answers follow the documented examples:
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
("Initialize Image Upload", "Upload the Image") and
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
("Create an Image Post")."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from platforms.base import PostImage
from platforms.config import LINKEDIN_VERSION
from platforms.errors import BadDataError, NeedsReconnectError, TransientError
from platforms.linkedin import picture_type
from platforms.tests.canned import Canned
from platforms.tests.test_publish import canned, canned_adapter  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TEXT = "Ny legeplads i parken åbner lørdag."


def picture(alt="Børn på den nye legeplads"):
    reads = []

    def read():
        reads.append(1)
        return PNG

    image = PostImage(url="https://kommune.example/p/1/", read=read, alt=alt)
    return image, reads


def documented_initialize(server):
    """The Images API's example answer, with the upload address on the canned server."""
    return {
        "value": {
            "uploadUrlExpiresAt": 1650567510704,
            "uploadUrl": f"{server.url}/dms-uploads/C4E10AQFoyyAjHPMQuQ/uploaded-image/0"
            "?ca=vector_ads&cn=uploads&m=AQJbrN86Zm265gAAAWemyz2pxPSgONtBiZdchrgG872QltnfYjnMd"
            "b2j3A&app=1953784&sync=0&v=beta&ut=2H-IhpbfXrRow1",
            "image": "urn:li:image:C4E10AQFoyyAjHPMQuQ",
        }
    }


def test_the_picture_is_initialized_uploaded_and_named_by_the_post(canned):  # noqa: F811
    canned.answer("POST", "/rest/images", Canned(body=documented_initialize(canned)))
    canned.answer(
        "PUT", "/dms-uploads/C4E10AQFoyyAjHPMQuQ/uploaded-image/0", Canned(status=201, body=None)
    )
    canned.answer(
        "POST",
        "/rest/posts",
        Canned(status=201, body=None, headers={"x-restli-id": "urn%3Ali%3Ashare%3A7002"}),
    )
    image, reads = picture()
    with canned_adapter(canned, "linkedin", account_id="2414183") as adapter:
        result = adapter.publish(TEXT, idempotency_key="k", image=image)

    assert result.external_id == "urn:li:share:7002"
    assert reads == [1]
    initialize, upload, post = canned.seen
    assert (initialize.method, initialize.path, initialize.query) == (
        "POST",
        "/rest/images",
        {"action": "initializeUpload"},
    )
    assert json.loads(initialize.body) == {
        "initializeUploadRequest": {"owner": "urn:li:organization:2414183"}
    }
    # The bytes go to the address as given (its query kept), with the bearer token
    assert (upload.method, upload.body) == ("PUT", PNG)
    assert upload.query["ut"] == "2H-IhpbfXrRow1" and upload.query["app"] == "1953784"
    assert upload.headers["Authorization"] == "Bearer tok"
    assert upload.headers["Content-Type"] == "image/png"
    for seen in (initialize, post):
        assert seen.headers["LinkedIn-Version"] == LINKEDIN_VERSION
        assert seen.headers["X-Restli-Protocol-Version"] == "2.0.0"
        assert seen.headers["Authorization"] == "Bearer tok"
    body = json.loads(post.body)
    assert body["content"] == {
        "media": {"id": "urn:li:image:C4E10AQFoyyAjHPMQuQ", "altText": "Børn på den nye legeplads"}
    }
    assert body["author"] == "urn:li:organization:2414183"
    assert body["lifecycleState"] == "PUBLISHED"


def test_a_picture_without_alt_text_sends_none(canned):  # noqa: F811
    canned.answer("POST", "/rest/images", Canned(body=documented_initialize(canned)))
    canned.answer(
        "PUT", "/dms-uploads/C4E10AQFoyyAjHPMQuQ/uploaded-image/0", Canned(status=201, body=None)
    )
    canned.answer(
        "POST",
        "/rest/posts",
        Canned(status=201, body=None, headers={"x-restli-id": "urn%3Ali%3Ashare%3A7003"}),
    )
    image, _ = picture(alt="")
    with canned_adapter(canned, "linkedin") as adapter:
        adapter.publish(TEXT, idempotency_key="k", image=image)
    assert json.loads(canned.seen[-1].body)["content"] == {
        "media": {"id": "urn:li:image:C4E10AQFoyyAjHPMQuQ"}
    }


def test_an_initialize_answer_without_an_image_urn_is_bad_data_and_nothing_is_posted(canned):  # noqa: F811
    canned.answer("POST", "/rest/images", Canned(body={"value": {"uploadUrl": f"{canned.url}/up"}}))
    image, reads = picture()
    with canned_adapter(canned, "linkedin") as adapter, pytest.raises(BadDataError):
        adapter.publish(TEXT, idempotency_key="k", image=image)
    assert canned.paths() == ["/rest/images"]


def test_a_failed_upload_is_transient_and_nothing_is_posted(canned):  # noqa: F811
    canned.answer("POST", "/rest/images", Canned(body=documented_initialize(canned)))
    canned.answer(
        "PUT",
        "/dms-uploads/C4E10AQFoyyAjHPMQuQ/uploaded-image/0",
        Canned(status=500, body={"status": 500, "message": "Internal Server Error"}),
    )
    image, _ = picture()
    with canned_adapter(canned, "linkedin") as adapter, pytest.raises(TransientError):
        adapter.publish(TEXT, idempotency_key="k", image=image)
    assert "/rest/posts" not in canned.paths()


def test_the_picture_type_comes_from_its_first_bytes():
    assert picture_type(PNG) == "image/png"
    assert picture_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert picture_type(b"GIF89a...") == "image/gif"
    assert picture_type(b"plain") == "application/octet-stream"


# --- against the simulator ----------------------------------------------------------------


def test_the_simulator_records_the_uploaded_picture_on_the_post(sim, clock, make_adapter):
    adapter = make_adapter("linkedin")
    image, reads = picture()

    result = adapter.publish(TEXT, idempotency_key="p1", image=image)

    [upload] = sim.actions(platform="linkedin", kind="upload")
    assert upload["detail"] == f"{len(PNG)} bytes, image/png"
    [listed] = [p for p in sim.get("linkedin/posts") if p["id"] == result.external_id]
    assert listed["image"] == {
        "id": upload["target_id"],
        "alt": "Børn på den nye legeplads",
        "size": len(PNG),
        "content_type": "image/png",
    }
    # The post reads back with its picture, and is found again by its text
    found = adapter.find_own_post(TEXT, since=clock.now - timedelta(minutes=5))
    assert found is not None and found.external_id == result.external_id
    assert found.raw["content"]["media"]["id"] == upload["target_id"]
    assert reads == [1]


def test_an_expired_token_on_the_upload_asks_for_a_reconnect_and_nothing_is_posted(
    sim, clock, make_adapter
):
    adapter = make_adapter("linkedin")
    # initializeUpload passes, the upload itself is refused
    sim.fault("linkedin", "token_expired", skip=1)
    image, _ = picture()
    with pytest.raises(NeedsReconnectError):
        adapter.publish(TEXT, idempotency_key="p2", image=image)
    assert sim.actions(platform="linkedin", kind="post") == []
    assert sim.actions(platform="linkedin", kind="upload") == []
