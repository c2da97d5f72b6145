"""Small helpers the simulator tests share: the default accounts and control-API shortcuts."""

from __future__ import annotations

from typing import Any

import requests

TIMEOUT = 5


def account(sim, platform: str) -> dict[str, Any]:
    accounts = requests.get(f"{sim.url}/_sim/accounts", timeout=TIMEOUT).json()
    return next(entry for entry in accounts if entry["platform"] == platform)


def control(sim, method: str, path: str, payload: dict | None = None) -> requests.Response:
    return requests.request(method, f"{sim.url}/_sim/{path}", json=payload, timeout=TIMEOUT)


def add_comment(sim, platform: str, message: str, author: str = "Borger 1", **extra) -> dict:
    response = control(
        sim, "POST", f"{platform}/comments", {"message": message, "author_name": author, **extra}
    )
    assert response.status_code == 200, response.text
    return response.json()


def add_fault(sim, platform: str, kind: str, **extra) -> dict:
    response = control(sim, "POST", "faults", {"platform": platform, "kind": kind, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def actions(sim, **filters) -> list[dict]:
    return requests.get(f"{sim.url}/_sim/actions", params=filters, timeout=TIMEOUT).json()


def subscribe_app(sim, platform: str, fields: str = "feed,messages", **params) -> requests.Response:
    """Install the app on the account's Page for `fields`, as the product does on connect."""
    spec = account(sim, platform)
    page = spec.get("page_id") or spec["id"]
    return requests.post(
        f"{sim.url}/v25.0/{page}/subscribed_apps",
        data={"subscribed_fields": fields, **params},
        headers={"Authorization": f"Bearer {spec['token']}"},
        timeout=TIMEOUT,
    )
