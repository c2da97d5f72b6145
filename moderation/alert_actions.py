"""Actions on a team's alert destinations: add, change, delete, send a test message. Each change
is audited in its transaction; the URL is encrypted before it is stored and never written to
the audit trail. (What a delivery does to a destination, switching it off after a permanent
error, is in `moderation.alerts.record_delivery`.)"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

import audit
from accounts.crypto import encrypt_token
from core.permissions import can

from .actions import ActionError
from .models import AlertEvent, AlertHook, AlertKind, DeliveryStatus

RULE = "moderation.manage_alert_hooks"
FIELDS = ("unit", "name", "kind", "events", "language", "enabled")
AUDITED = ("unit", "name", "kind", "url_hint", "events", "language", "enabled")

# The hosts each receiver's documentation gives its webhook URLs (a suffix matches the host or
# any subdomain of it). With the simulator enabled (development, tests) its loopback addresses
# stand in for all of them.
HOSTS = {
    AlertKind.TEAMS_WORKFLOW: ("logic.azure.com", "powerplatform.com", "powerautomate.com"),
    AlertKind.TEAMS_INCOMING_WEBHOOK: ("webhook.office.com",),
    AlertKind.SLACK: ("hooks.slack.com",),
}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _host_allowed(host, kind):
    return any(host == suffix or host.endswith("." + suffix) for suffix in HOSTS[kind])


def check_url(url: str, kind: str) -> str:
    """The URL trimmed, or ActionError(field="url") saying what is wrong with it."""
    url = (url or "").strip()
    if not url:
        raise ActionError(_("Paste the webhook URL."), field="url")
    if len(url) > 2000:
        raise ActionError(_("The webhook URL is too long."), field="url")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if settings.SIMULATOR_ENABLED and host in LOOPBACK and parts.scheme in ("http", "https"):
        return url
    if parts.scheme != "https" or not host:
        raise ActionError(_("The webhook URL must start with https://."), field="url")
    if kind in HOSTS and not _host_allowed(host, kind):
        raise ActionError(
            _("This is not a %(kind)s address: it should be on %(hosts)s.")
            % {"kind": AlertKind(kind).label, "hosts": ", ".join(HOSTS[kind])},
            field="url",
        )
    return url


def mask_url(url: str) -> str:
    """What the pages show of a URL: the scheme, the host and its last four characters."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…{url[-4:]}"


def _check(values, acting_user, *, unit):
    events = values.get("events", [])
    if not isinstance(events, list) or any(e not in AlertEvent.values for e in events):
        raise ActionError(_("Choose events from the list."), field="events")
    if not events:
        raise ActionError(_("Choose at least one event."), field="events")
    values["events"] = [e for e in AlertEvent.values if e in events]
    if unit.closed_at is not None:
        raise ActionError(_("This unit is closed."), field="unit")
    if acting_user is not None and not can(acting_user, RULE, unit):
        raise ActionError(_("You may not manage the alerts of this unit."), field="unit")


def _clash(unit, name, exclude=None):
    rows = AlertHook.objects.filter(unit=unit, name=name)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    if rows.exists():
        raise ActionError(_("This unit already has a destination with this name."), field="name")


def create_hook(*, acting_user, unit, name, kind, url, events, language, enabled=True):
    """A new destination for `unit`; the URL is checked and stored encrypted. Audited."""
    values = {"events": list(events or [])}
    _check(values, acting_user, unit=unit)
    url = check_url(url, kind)
    with transaction.atomic():
        _clash(unit, name)
        hook = AlertHook.objects.create(
            unit=unit,
            name=name,
            kind=kind,
            url_encrypted=encrypt_token(url),
            url_hint=mask_url(url),
            events=values["events"],
            language=language,
            enabled=enabled,
        )
        audit.record(
            "alert_hook.create", actor=acting_user, obj=hook, after=audit.snapshot(hook, *AUDITED)
        )
    return hook


def update_hook(hook, *, acting_user, url="", **values):
    """Change a destination; a blank `url` keeps the stored one. Switching a destination on
    again clears its last error. Audited with before and after (the URL masked)."""
    with transaction.atomic():
        hook = AlertHook.objects.select_for_update().select_related("unit").get(pk=hook.pk)
        merged = {name: values.get(name, getattr(hook, name)) for name in FIELDS}
        _check(merged, acting_user, unit=merged["unit"])
        _clash(merged["unit"], merged["name"], exclude=hook)
        before = audit.snapshot(hook, *AUDITED)
        changed = [name for name in FIELDS if getattr(hook, name) != merged[name]]
        if url:
            url = check_url(url, merged["kind"])
            hook.url_encrypted = encrypt_token(url)
            hook.url_hint = mask_url(url)
            changed += ["url_encrypted", "url_hint"]
        elif "kind" in changed:
            raise ActionError(_("Paste the URL again when changing the kind."), field="url")
        if not changed:
            return hook
        for name in FIELDS:
            setattr(hook, name, merged[name])
        if merged["enabled"] and hook.last_status == DeliveryStatus.DISABLED:
            hook.last_status, hook.last_error = "", ""
            changed += ["last_status", "last_error"]
        hook.save(update_fields=changed)
        audit.record(
            "alert_hook.update",
            actor=acting_user,
            obj=hook,
            before=before,
            after=audit.snapshot(hook, *AUDITED),
        )
    return hook


def delete_hook(hook, *, acting_user):
    with transaction.atomic():
        hook = AlertHook.objects.select_for_update().get(pk=hook.pk)
        audit.record(
            "alert_hook.delete",
            actor=acting_user,
            obj=hook,
            before=audit.snapshot(hook, *AUDITED),
        )
        hook.delete()


def send_test(hook, *, acting_user):
    """Queue a test message to the destination (also when it is switched off, to check a
    repaired URL before switching it on). Audited; the outcome shows on the destination."""
    from .alerts import TEST, _queue

    with transaction.atomic():
        hook = AlertHook.objects.select_for_update().get(pk=hook.pk)
        audit.record("alert_hook.test", actor=acting_user, obj=hook)
        _queue(hook.pk, TEST, [], {})
    return hook
