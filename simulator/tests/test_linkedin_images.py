"""LinkedIn pictures: `POST /rest/images?action=initializeUpload` gives an image URN and an
upload address, the bytes go there with PUT, and a post names the image in `content.media.id`
(Images API, https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api;
Posts API, https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api).
A post naming an image that was never uploaded is refused."""

from __future__ import annotations

import requests

from .helpers import TIMEOUT, account, actions
from .test_publishing import li_body, li_headers, li_post

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


def initialize(sim, org, owner=None):
    return requests.post(
        f"{sim.url}/rest/images",
        params={"action": "initializeUpload"},
        json={"initializeUploadRequest": {"owner": owner or org["urn"]}},
        headers=li_headers(org),
        timeout=TIMEOUT,
    )


def upload(url, org, content=PNG, content_type="image/png"):
    return requests.put(
        url,
        data=content,
        headers={"Authorization": f"Bearer {org['token']}", "Content-Type": content_type},
        timeout=TIMEOUT,
    )


def sim_posts(sim):
    answer = requests.get(f"{sim.url}/_sim/posts", params={"platform": "linkedin"}, timeout=5)
    assert answer.status_code == 200
    return answer.json()["posts"]


def test_initialize_upload_then_post_records_the_picture(sim):
    org = account(sim, "linkedin")
    answer = initialize(sim, org)
    assert answer.status_code == 200, answer.text
    value = answer.json()["value"]
    assert set(value) == {"uploadUrlExpiresAt", "uploadUrl", "image"}
    assert value["image"].startswith("urn:li:image:")
    assert isinstance(value["uploadUrlExpiresAt"], int)

    # The upload takes the bearer token only (no version headers)
    uploaded = upload(value["uploadUrl"], org)
    assert uploaded.status_code == 201, uploaded.text
    [recorded] = actions(sim, platform="linkedin", kind="upload")
    assert recorded["detail"] == f"{len(PNG)} bytes, image/png"

    media = {"id": value["image"], "altText": "Kort over ruten"}
    answer = li_post(sim, org, li_body(org, content={"media": media}))
    assert answer.status_code == 201, answer.text
    [post] = sim_posts(sim)
    assert post["id"] == answer.headers["x-restli-id"]
    assert post["image"] == {
        "id": value["image"],
        "alt": "Kort over ruten",
        "size": len(PNG),
        "content_type": "image/png",
    }
    [action] = actions(sim, platform="linkedin", kind="post")
    assert action["detail"] == f"image: {value['image']}"


def test_a_post_naming_an_image_never_uploaded_is_refused(sim):
    org = account(sim, "linkedin")
    value = initialize(sim, org).json()["value"]

    answer = li_post(sim, org, li_body(org, content={"media": {"id": value["image"]}}))
    assert answer.status_code == 422
    assert "never uploaded" in answer.json()["message"]
    unknown = li_post(sim, org, li_body(org, content={"media": {"id": "urn:li:image:C4E10AQX"}}))
    assert unknown.status_code == 403
    assert sim_posts(sim) == []


def test_initialize_checks_the_owner_and_the_upload_its_address(sim):
    org = account(sim, "linkedin")
    assert initialize(sim, org, owner="urn:li:organization:1").status_code == 403
    value = initialize(sim, org).json()["value"]
    # Another address, an empty body or another verb: refused, nothing recorded
    wrong = value["uploadUrl"].replace("ut=", "ut=x")
    assert upload(wrong, org).status_code == 404
    assert upload(value["uploadUrl"], org, content=b"").status_code == 400
    assert requests.post(value["uploadUrl"], data=PNG, timeout=TIMEOUT).status_code == 401
    assert actions(sim, platform="linkedin", kind="upload") == []
    # Other content than one image is not simulated
    answer = li_post(sim, org, li_body(org, content={"article": {"source": "https://x.dk"}}))
    assert answer.status_code == 422
