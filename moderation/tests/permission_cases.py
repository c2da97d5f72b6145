"""Permission-matrix cases for the moderation queue, its actions, forwarded questions, crisis
mode, records, the audit log, the SLA preview and the on-duty rota."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from core.testing import Case, expect

_QUEUE = expect(200, anonymous=302, outsider=403, staff=403, politician=403)
# Item "a" sits on department A's channel: its editor, centre A's manager, the team.
_SEES_ITEM_A = {"editor": 200, "manager_a": 200, "comms": 200, "comms_lead": 200, "superuser": 200}
# Who may act on item "a": its channel's editor and the team; centre A's manager only looks.
_HANDLES_A_PAGE = expect(
    404,
    anonymous=302,
    outsider=403,
    manager_a=403,
    editor=302,
    comms=302,
    comms_lead=302,
    superuser=302,
)
# Who may handle items at all: the channel editors, the on-duty monitors and the team.
_HANDLERS = ("editor", "monitor", "comms", "comms_lead", "superuser")
_HANDLES_ITEMS_PAGE = expect(403, anonymous=302, **dict.fromkeys(_HANDLERS, 302))
_HANDLES_ITEMS_API = expect(403, **dict.fromkeys(_HANDLERS, 200))
_TEAM_PAGE = expect(403, anonymous=302, comms=200, comms_lead=200, superuser=200)
_TEAM_API = expect(403, comms=200, comms_lead=200, superuser=200)
_TEAM_WRITE = expect(403, anonymous=302, comms=302, comms_lead=302, superuser=302)


def _api_handles_a(allowed_status):
    # Monitors may handle items in general, but item "a" is outside their channels: 404.
    return expect(
        403,
        monitor=404,
        editor=allowed_status,
        comms=allowed_status,
        comms_lead=allowed_status,
        superuser=allowed_status,
    )


def _item_a_unchanged(org, response):
    from audit.models import AuditEntry
    from moderation.models import OutboxMessage, QueueItem

    item = QueueItem.objects.get(pk=org.items["a"].pk)
    assert (item.status, item.first_responded_at, item.assigned_to_id) == ("new", None, None)
    assert AuditEntry.objects.filter(item=item).count() == 0
    assert OutboxMessage.objects.filter(item=item).count() == 0


def _record(org):
    from moderation.models import Record

    item = org.items["a"]
    return Record.objects.create(
        item=item,
        platform=item.platform,
        external_id=item.external_id,
        channel_name=item.channel.name,
        author_name=item.author_name,
        text=item.text,
        text_unmasked=item.text,
        created_at=item.created_at,
        received_at=item.received_at,
        captured_at=timezone.now(),
        captured_by=org.users["comms"],
    )


def _record_not_exported(org, response):
    from moderation.models import Record

    assert Record.objects.filter(exported_at__isnull=False).count() == 0


def _no_reading_logged(org, response):
    from audit.models import AuditEntry

    assert not AuditEntry.objects.filter(action="read_record_as_written").exists()
    assert "070761" not in response.content.decode()


def _forwarding(org):
    from moderation.models import Forwarding

    return Forwarding.objects.create(
        item=org.items["a"],
        to_unit=org.units["dept_a"],
        to_user=org.users["expert"],
        due_at=timezone.now() + timedelta(hours=2),
        forwarded_by=org.users["comms"],
    )


def _forwarding_open(org, response):
    from moderation.models import Forwarding

    assert list(Forwarding.objects.values_list("status", "answer_text")) == [("open", "")]


def _audit_entry(org):
    from audit import record

    return record("acknowledge", actor=org.users["comms"], item=org.items["a"])


def _notification(org):
    from moderation.models import Notification

    return Notification.objects.create(
        user=org.users["comms"], kind="assigned", item=org.items["a"], message="Til dig"
    )


def _notification_unread(org, response):
    from moderation.models import Notification

    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def _metadata_unchanged(org, response):
    from moderation.models import Record

    assert list(Record.objects.values_list("subject", flat=True)) == [""]


def _no_crisis(org, response):
    from moderation.models import CrisisPeriod

    assert CrisisPeriod.objects.count() == 0


def _rota(org):
    from datetime import date

    from moderation.models import DutyRota, RotaMember

    rota = DutyRota.objects.create(team=org.units["comms"], starts_on=date(2026, 1, 5))
    for position, name in enumerate(("monitor", "comms")):
        RotaMember.objects.create(rota=rota, user=org.users[name], position=position)
    return rota


def _rota_member(org):
    return _rota(org).members.get(user=org.users["monitor"])


def _future_absence(org):
    from moderation.models import Absence

    _rota(org)
    start = timezone.localdate() + timedelta(days=30)
    return Absence.objects.create(user=org.users["monitor"], starts_on=start, ends_on=start)


_ABSENCE_DATA = {"starts_on": "2030-03-04", "ends_on": "2030-03-05", "note": "Kursus"}


def _absence_url(org):
    # The matrix builds the URL before it posts, so the person's id (known only once the org
    # exists) is filled into the posted data here.
    _rota(org)
    _ABSENCE_DATA["user"] = org.users["monitor"].pk
    return reverse("moderation:rota-absence-add")


def _no_absence(org, response):
    from audit.models import AuditEntry
    from moderation.models import Absence

    assert Absence.objects.count() == 0
    assert AuditEntry.objects.filter(action__startswith="rota_").count() == 0


def _absence_kept(org, response):
    from audit.models import AuditEntry
    from moderation.models import Absence

    assert Absence.objects.count() == 1
    assert AuditEntry.objects.filter(action__startswith="rota_").count() == 0


def _order_unchanged(org, response):
    from audit.models import AuditEntry
    from moderation.models import RotaMember

    order = RotaMember.objects.order_by("position").values_list("user__username", flat=True)
    assert list(order) == ["monitor", "comms"]
    assert AuditEntry.objects.filter(action__startswith="rota_").count() == 0


def _item_api(action):
    return lambda org: reverse(f"item-{action}", args=[org.items["a"].pk])


def _label(org):
    from moderation.models import Label

    return Label.objects.get_or_create(municipality=org.municipality, name="Parkering")[0]


def _api_action(action, data, allowed_status):
    return Case(
        f"item-{action}",
        _item_api(action),
        _api_handles_a(allowed_status),
        method="post",
        data=data,
        unchanged=_item_a_unchanged,
    )


CASES = [
    Case("moderation:queue", lambda org: reverse("moderation:queue"), _QUEUE),
    Case("moderation:queue-counts", lambda org: reverse("moderation:queue-counts"), _QUEUE),
    Case(
        "moderation:item-detail",
        lambda org: reverse("moderation:item-detail", args=[org.items["a"].pk]),
        expect(404, anonymous=302, outsider=403, **_SEES_ITEM_A),
    ),
    Case(
        "moderation:item-action",
        lambda org: reverse("moderation:item-action", args=[org.items["a"].pk, "acknowledge"]),
        _HANDLES_A_PAGE,
        method="post",
        unchanged=_item_a_unchanged,
    ),
    # Adding a label by hand from the item's page: the same rule as every other action.
    Case(
        "moderation:item-action",
        lambda org: reverse("moderation:item-action", args=[org.items["a"].pk, "add_label"]),
        # A number that names no label: an allowed person sees the page again with why.
        expect(
            404,
            anonymous=302,
            outsider=403,
            manager_a=403,
            **dict.fromkeys(("editor", "comms", "comms_lead", "superuser"), 400),
        ),
        method="post",
        data={"label": "999999"},
        unchanged=_item_a_unchanged,
    ),
    Case(
        "moderation:forwarded",
        lambda org: reverse("moderation:forwarded"),
        expect(403, anonymous=302, expert=200, comms=200, comms_lead=200, superuser=200),
    ),
    # A bulk step on an id that names no item: those who handle items get the outcome (every
    # item skipped), the others are refused at the door.
    Case(
        "moderation:queue-bulk",
        lambda org: reverse("moderation:queue-bulk"),
        _HANDLES_ITEMS_PAGE,
        method="post",
        data={"action": "acknowledge", "ids": ["999999"]},
        unchanged=_item_a_unchanged,
    ),
    Case(
        "item-bulk",
        lambda org: reverse("item-bulk"),
        _HANDLES_ITEMS_API,
        method="post",
        data={"action": "acknowledge", "ids": [999999]},
        unchanged=_item_a_unchanged,
    ),
    Case("moderation:notifications", lambda org: reverse("moderation:notifications"), _QUEUE),
    Case(
        "moderation:notifications-unread",
        lambda org: reverse("moderation:notifications-unread"),
        _QUEUE,
    ),
    # Who else is on the item: seen (and heard) only by those who may see it.
    Case(
        "moderation:item-presence",
        lambda org: reverse("moderation:item-presence", args=[org.items["a"].pk]),
        expect(404, anonymous=302, outsider=403, **_SEES_ITEM_A),
    ),
    Case(
        "moderation:item-presence",
        lambda org: reverse("moderation:item-presence", args=[org.items["a"].pk]),
        expect(404, anonymous=302, outsider=403, **_SEES_ITEM_A),
        method="post",
        data={"state": "writing"},
    ),
    Case("moderation:crisis", lambda org: reverse("moderation:crisis"), _TEAM_PAGE),
    Case("moderation:rota", lambda org: reverse("moderation:rota"), _TEAM_PAGE),
    Case(
        "moderation:rota-absence-add",
        _absence_url,
        _TEAM_WRITE,
        method="post",
        data=_ABSENCE_DATA,
        unchanged=_no_absence,
    ),
    Case(
        "moderation:rota-absence-remove",
        lambda org: reverse("moderation:rota-absence-remove", args=[_future_absence(org).pk]),
        _TEAM_WRITE,
        method="post",
        unchanged=_absence_kept,
    ),
    Case(
        "moderation:rota-member-move",
        lambda org: reverse("moderation:rota-member-move", args=[_rota_member(org).pk]),
        _TEAM_WRITE,
        method="post",
        data={"direction": "down"},
        unchanged=_order_unchanged,
    ),
    Case(
        "moderation:record-detail",
        lambda org: reverse("moderation:record-detail", args=[_record(org).pk]),
        _TEAM_PAGE,
    ),
    Case(
        "moderation:record-pdf",
        lambda org: reverse("moderation:record-pdf", args=[_record(org).pk]),
        _TEAM_PAGE,
    ),
    Case(
        "moderation:record-export",
        lambda org: reverse("moderation:record-export", args=[_record(org).pk]),
        expect(403, anonymous=302, comms=302, comms_lead=302, superuser=302),
        method="post",
        data={"exporter": "file"},
        unchanged=_record_not_exported,
    ),
    Case(
        "moderation:record-as-written",
        lambda org: reverse("moderation:record-as-written", args=[_record(org).pk]),
        expect(403, anonymous=302, comms=200, comms_lead=200, superuser=200),
        method="post",
        data={"purpose": "Aktindsigt 26-1"},
        unchanged=_no_reading_logged,
    ),
    Case("moderation:audit-log", lambda org: reverse("moderation:audit-log"), _TEAM_PAGE),
    Case(
        "item-list",
        lambda org: reverse("item-list"),
        expect(200, anonymous=401, outsider=403, staff=403, politician=403),
    ),
    Case(
        "item-detail",
        lambda org: reverse("item-detail", args=[org.items["a"].pk]),
        expect(404, anonymous=401, outsider=403, staff=403, politician=403, **_SEES_ITEM_A),
    ),
    Case(
        "item-similar",
        lambda org: reverse("item-similar", args=[org.items["a"].pk]),
        expect(404, anonymous=401, outsider=403, staff=403, politician=403, **_SEES_ITEM_A),
    ),
    _api_action("acknowledge", {}, 200),
    _api_action("reply", {"text": "Tak for spørgsmålet", "idempotency_key": "matrix-1"}, 200),
    _api_action("forward", {}, 400),
    _api_action("close", {"reason": "Ros"}, 200),
    _api_action("assign", {"to_user": None}, 200),
    _api_action("hide", {"reason": "no-such-reason"}, 400),
    _api_action("unhide", {}, 200),
    _api_action("tell-author", {"reason": "no-such-reason", "text": "Derfor"}, 400),
    _api_action("delete", {"reason": "no-such-reason"}, 400),
    # Nothing of item "a" failed on the platform: an allowed person is told there is nothing to
    # send again.
    _api_action("retry", {}, 409),
    _api_action("record", {"subject": "Affald"}, 200),
    # A number that names no label: an allowed person is told to choose one of the labels.
    _api_action("labels", {"label": 999999}, 400),
    # Taking off a label the item does not have: done (nothing to do) for an allowed person.
    Case(
        "item-label",
        lambda org: reverse("item-label", args=[org.items["a"].pk, _label(org).pk]),
        _api_handles_a(200),
        method="delete",
        unchanged=_item_a_unchanged,
    ),
    Case(
        "forwarding-list",
        lambda org: reverse("forwarding-list"),
        expect(403, expert=200, comms=200, comms_lead=200, superuser=200),
    ),
    Case(
        "forwarding-detail",
        lambda org: reverse("forwarding-detail", args=[_forwarding(org).pk]),
        expect(403, expert=200, comms=404, comms_lead=404, superuser=404),
    ),
    Case(
        "forwarding-send-back",
        lambda org: reverse("forwarding-send-back", args=[_forwarding(org).pk]),
        expect(403, expert=200, comms=404, comms_lead=404, superuser=404),
        method="post",
        data={"answer": "Containerne tømmes tirsdag."},
        unchanged=_forwarding_open,
    ),
    Case("audit-entry-list", lambda org: reverse("audit-entry-list"), _TEAM_API),
    Case(
        "audit-entry-detail",
        lambda org: reverse("audit-entry-detail", args=[_audit_entry(org).pk]),
        _TEAM_API,
    ),
    Case(
        "sla-preview",
        lambda org: (
            reverse("sla-preview")
            + f"?channel={org.channels['a'].pk}&received_at="
            + datetime(2026, 11, 16, 9, tzinfo=UTC).isoformat().replace("+", "%2B")
        ),
        # Everyone in the organisation may ask for channels they can see; others get 400.
        expect(200, anonymous=401, outsider=403, politician=400, monitor=400, manager_b=400),
    ),
    Case("record-list", lambda org: reverse("record-list"), _TEAM_API),
    Case(
        "record-detail",
        lambda org: reverse("record-detail", args=[_record(org).pk]),
        expect(403, comms=200, comms_lead=200, superuser=200),
        method="patch",
        data={"subject": "Affald"},
        unchanged=_metadata_unchanged,
    ),
    Case(
        "record-export",
        lambda org: reverse("record-export", args=[_record(org).pk]),
        # Allowed, but no exporter is configured in tests: a 400 that says so.
        expect(403, comms=400, comms_lead=400, superuser=400),
        method="post",
        data={"exporter": "file"},
        unchanged=_record_not_exported,
    ),
    Case(
        "record-as-written",
        lambda org: reverse("record-as-written", args=[_record(org).pk]),
        expect(403, comms=200, comms_lead=200, superuser=200),
        method="post",
        data={"purpose": "Aktindsigt 26-1"},
        unchanged=_no_reading_logged,
    ),
    Case(
        "notification-list",
        lambda org: reverse("notification-list"),
        expect(200, anonymous=401, outsider=403, staff=403, politician=403),
    ),
    Case(
        "notification-detail",
        lambda org: reverse("notification-detail", args=[_notification(org).pk]),
        expect(404, anonymous=401, outsider=403, staff=403, politician=403, comms=200),
    ),
    Case(
        "notification-read",
        lambda org: reverse("notification-read", args=[_notification(org).pk]),
        expect(404, anonymous=401, outsider=403, staff=403, politician=403, comms=200),
        method="post",
        unchanged=_notification_unread,
    ),
    Case(
        "crisis-mode",
        lambda org: reverse("crisis-mode"),
        expect(403, comms=200, comms_lead=200, superuser=200),
        method="post",
        data={"on": True, "reason": "Storm"},
        unchanged=_no_crisis,
    ),
]

# --- Setting up the rota (the team, like the rest of the page) and canned answers (read by
# those who work the queue; written by the communications lead, see governance's cases).

_ROTA_MEMBER_DATA: dict = {}
_DEPUTY_DATA: dict = {}
_ROTA_DATA: dict = {"starts_on": "2026-11-16", "turn_days": "7"}


def _rota_create_url(org):
    _ROTA_DATA["team"] = org.units["dept_a"].pk
    return reverse("moderation:rota-create")


def _member_add_url(org):
    _ROTA_MEMBER_DATA["user"] = org.users["comms_lead"].pk
    return reverse("moderation:rota-member-add", args=[_rota(org).pk])


def _deputy_url(org):
    member = _rota_member(org)
    _DEPUTY_DATA["deputy"] = org.users["comms"].pk
    return reverse("moderation:rota-member-deputy", args=[member.pk])


def _rota_unchanged(org, response):
    from audit.models import AuditEntry
    from moderation.models import DutyRota, RotaMember

    rows = RotaMember.objects.order_by("position").values_list("user__username", "deputy")
    assert list(rows) == [("monitor", None), ("comms", None)]
    assert DutyRota.objects.count() == 1
    assert AuditEntry.objects.filter(action__startswith="rota_").count() == 0


def _turns_unchanged(org, response):
    from datetime import date

    from audit.models import AuditEntry
    from moderation.models import DutyRota

    assert list(DutyRota.objects.values_list("starts_on", "turn_days")) == [(date(2026, 1, 5), 7)]
    assert not AuditEntry.objects.filter(action="rota_change").exists()


def _no_rota(org, response):
    from moderation.models import DutyRota

    assert DutyRota.objects.count() == 0


def _canned(org):
    from moderation.models import CannedAnswer

    return CannedAnswer.objects.create(
        municipality=org.municipality, code="tak", title="Tak", text="Tak, {author}."
    )


_QUEUE_API = expect(200, anonymous=401, outsider=403, staff=403, politician=403)

CASES += [
    Case(
        "moderation:rota-create",
        _rota_create_url,
        _TEAM_WRITE,
        method="post",
        data=_ROTA_DATA,
        unchanged=_no_rota,
    ),
    Case(
        "moderation:rota-member-add",
        _member_add_url,
        _TEAM_WRITE,
        method="post",
        data=_ROTA_MEMBER_DATA,
        unchanged=_rota_unchanged,
    ),
    Case(
        "moderation:rota-member-deputy",
        _deputy_url,
        _TEAM_WRITE,
        method="post",
        data=_DEPUTY_DATA,
        unchanged=_rota_unchanged,
    ),
    Case(
        "moderation:rota-member-remove",
        lambda org: reverse("moderation:rota-member-remove", args=[_rota_member(org).pk]),
        _TEAM_WRITE,
        method="post",
        unchanged=_rota_unchanged,
    ),
    Case(
        "moderation:rota-turns",
        lambda org: reverse("moderation:rota-turns", args=[_rota(org).pk]),
        _TEAM_WRITE,
        method="post",
        data={"starts_on": "2026-11-16", "turn_days": "14"},
        unchanged=_turns_unchanged,
    ),
    Case(
        "rota-detail",
        lambda org: reverse("rota-detail", args=[_rota(org).pk]),
        _TEAM_API,
        method="patch",
        data={"turn_days": 14},
        unchanged=_turns_unchanged,
    ),
    Case("rota-list", lambda org: reverse("rota-list"), _TEAM_API),
    Case("rota-detail", lambda org: reverse("rota-detail", args=[_rota(org).pk]), _TEAM_API),
    Case("rota-member-list", lambda org: reverse("rota-member-list"), _TEAM_API),
    Case(
        "rota-member-detail",
        lambda org: reverse("rota-member-detail", args=[_rota_member(org).pk]),
        _TEAM_API,
    ),
    Case(
        "rota-member-move",
        lambda org: reverse("rota-member-move", args=[_rota_member(org).pk]),
        _TEAM_API,
        method="post",
        data={"direction": "down"},
        unchanged=_rota_unchanged,
    ),
    Case("absence-list", lambda org: reverse("absence-list"), _TEAM_API),
    Case(
        "absence-detail",
        lambda org: reverse("absence-detail", args=[_future_absence(org).pk]),
        _TEAM_API,
    ),
    Case("canned-answer-list", lambda org: reverse("canned-answer-list"), _QUEUE_API),
    Case(
        "canned-answer-detail",
        lambda org: reverse("canned-answer-detail", args=[_canned(org).pk]),
        _QUEUE_API,
    ),
]

# --- Alert destinations (Teams, Slack): the communications lead every unit's, a centre manager
# their centre's (department A's destination is centre A's manager's, not centre B's).

_ALERT_DATA: dict = {
    "name": "Teams: Afdeling A",
    "kind": "teams_workflow",
    "url": "http://127.0.0.1:9/_sim/hooks/teams/a",
    "events": ["new_item", "sla_breach"],
    "language": "da",
    "enabled": "on",
}
_ALERT_MANAGERS = {"manager_a": 200, "comms_lead": 200, "superuser": 200}
_ALERT_PAGE = expect(403, anonymous=302, manager_b=200, **_ALERT_MANAGERS)
_ALERT_OBJECT_PAGE = expect(403, anonymous=302, manager_b=404, **_ALERT_MANAGERS)
_ALERT_WRITE = expect(403, anonymous=302, manager_a=302, comms_lead=302, superuser=302)
_ALERT_OBJECT_WRITE = {**_ALERT_WRITE, "manager_b": 404}
_ALERT_API = expect(403, anonymous=401, manager_b=200, **_ALERT_MANAGERS)
_ALERT_OBJECT_API = expect(403, anonymous=401, manager_b=404, **_ALERT_MANAGERS)


def _alert_hook(org):
    from moderation.alert_actions import create_hook
    from moderation.models import AlertHook

    found = AlertHook.objects.filter(unit=org.units["dept_a"]).first()
    return found or create_hook(
        acting_user=None,
        unit=org.units["dept_a"],
        name="Slack: Afdeling A",
        kind="slack",
        url="http://127.0.0.1:9/_sim/hooks/slack/a",
        events=["sla_breach"],
        language="da",
    )


def _alerts_url(org):
    _ALERT_DATA["unit"] = org.units["dept_a"].pk
    return reverse("settings-alerts")


def _no_new_hook(org, response):
    from moderation.models import AlertHook

    assert not AlertHook.objects.filter(name="Teams: Afdeling A").exists()


def _hook_unchanged(org, response):
    from audit.models import AuditEntry
    from moderation.models import AlertHook

    hook = AlertHook.objects.get(unit=org.units["dept_a"])
    assert (hook.name, hook.enabled, hook.events) == ("Slack: Afdeling A", True, ["sla_breach"])
    assert not AuditEntry.objects.filter(action__in=["alert_hook.test", "alert_hook.delete"])


CASES += [
    Case("settings-alerts", lambda org: reverse("settings-alerts"), _ALERT_PAGE),
    Case(
        "settings-alerts",
        _alerts_url,
        # Centre B's manager may open the page, but department A is not among the units offered
        {**_ALERT_WRITE, "manager_b": 400},
        method="post",
        data=_ALERT_DATA,
        unchanged=_no_new_hook,
    ),
    Case(
        "settings-alert-edit",
        lambda org: reverse("settings-alert-edit", args=[_alert_hook(org).pk]),
        _ALERT_OBJECT_PAGE,
    ),
    Case(
        "settings-alert-test",
        lambda org: reverse("settings-alert-test", args=[_alert_hook(org).pk]),
        _ALERT_OBJECT_WRITE,
        method="post",
        unchanged=_hook_unchanged,
    ),
    Case(
        "settings-alert-delete",
        lambda org: reverse("settings-alert-delete", args=[_alert_hook(org).pk]),
        _ALERT_OBJECT_WRITE,
        method="post",
        unchanged=_hook_unchanged,
    ),
    Case("alert-hook-list", lambda org: reverse("alert-hook-list"), _ALERT_API),
    Case(
        "alert-hook-detail",
        lambda org: reverse("alert-hook-detail", args=[_alert_hook(org).pk]),
        _ALERT_OBJECT_API,
    ),
    Case(
        "alert-hook-test",
        lambda org: reverse("alert-hook-test", args=[_alert_hook(org).pk]),
        {**_ALERT_OBJECT_API, "manager_a": 202, "comms_lead": 202, "superuser": 202},
        method="post",
        unchanged=_hook_unchanged,
    ),
]

# --- Inbox rules and labels: the communications team reads the rules, their history and dry
# runs; the communications lead and the system administrator change them. Labels are read by
# everyone who works the queue.


def _label(org):
    from moderation import rule_actions

    return rule_actions.create_label(
        org.municipality, acting_user=org.users["comms_lead"], name="Parkering"
    )


def _inbox_rule(org):
    from moderation import rule_actions

    return rule_actions.create_rule(
        org.municipality,
        acting_user=org.users["comms_lead"],
        name="Parkering",
        conditions={"words": ["parkering"]},
        actions={"priority": 1},
    )


def _rules_unchanged(org, response):
    from moderation.models import InboxRule, Label, RuleVersion

    rows = list(InboxRule.objects.values_list("name", "enabled", "version", "archived_at"))
    assert rows in ([], [("Parkering", True, 1, None)])
    assert RuleVersion.objects.count() == len(rows)
    assert list(Label.objects.values_list("name", flat=True)) in ([], ["Parkering"])


_LEAD_PAGE = expect(403, anonymous=302, comms_lead=200, superuser=200)
_LEAD_WRITE = expect(403, anonymous=302, comms_lead=302, superuser=302)
_LEAD_API_WRITE = expect(403, anonymous=401, comms_lead=201, superuser=201)
_LEAD_API_CHANGE = expect(403, anonymous=401, comms_lead=200, superuser=200)
_LEAD_API_DELETE = expect(403, anonymous=401, comms_lead=204, superuser=204)
_TEAM_API_READ = expect(403, anonymous=401, comms=200, comms_lead=200, superuser=200)
_RULE_FORM = {"name": "Ny", "enabled": "on", "words": "parkering", "priority": "1"}
_RULE_JSON = {"name": "Ny", "conditions": {"words": ["p-plads"]}, "actions": {"priority": 2}}

CASES += [
    Case("settings:rules", lambda org: reverse("settings:rules"), _TEAM_PAGE),
    Case("settings:rule-create", lambda org: reverse("settings:rule-create"), _LEAD_PAGE),
    Case(
        "settings:rule-create",
        lambda org: reverse("settings:rule-create"),
        _LEAD_WRITE,
        method="post",
        data=_RULE_FORM,
        unchanged=_rules_unchanged,
    ),
    Case(
        "settings:rule",
        lambda org: reverse("settings:rule", args=[_inbox_rule(org).pk]),
        _LEAD_PAGE,
    ),
    Case(
        "settings:rule",
        lambda org: reverse("settings:rule", args=[_inbox_rule(org).pk]),
        _LEAD_WRITE,
        method="post",
        data=_RULE_FORM,
        unchanged=_rules_unchanged,
    ),
    Case(
        "settings:rule-history",
        lambda org: reverse("settings:rule-history", args=[_inbox_rule(org).pk]),
        _TEAM_PAGE,
    ),
    Case(
        "settings:rule-step",
        lambda org: reverse("settings:rule-step", args=[_inbox_rule(org).pk, "disable"]),
        _LEAD_WRITE,
        method="post",
        unchanged=_rules_unchanged,
    ),
    Case(
        "settings:rule-dry-run",
        lambda org: reverse("settings:rule-dry-run"),
        expect(403, anonymous=302, comms=200, comms_lead=200, superuser=200),
        method="post",
        data=_RULE_FORM,
        unchanged=_rules_unchanged,
    ),
    Case(
        "settings:label-create",
        lambda org: reverse("settings:label-create"),
        _LEAD_WRITE,
        method="post",
        data={"name": "Ros", "colour": "green"},
        unchanged=_rules_unchanged,
    ),
    Case(
        "settings:label-delete",
        lambda org: reverse("settings:label-delete", args=[_label(org).pk]),
        _LEAD_WRITE,
        method="post",
        unchanged=_rules_unchanged,
    ),
    Case("inbox-rule-list", lambda org: reverse("inbox-rule-list"), _TEAM_API_READ),
    Case(
        "inbox-rule-list",
        lambda org: reverse("inbox-rule-list"),
        _LEAD_API_WRITE,
        method="post",
        data=_RULE_JSON,
        unchanged=_rules_unchanged,
    ),
    Case(
        "inbox-rule-detail",
        lambda org: reverse("inbox-rule-detail", args=[_inbox_rule(org).pk]),
        _TEAM_API_READ,
    ),
    Case(
        "inbox-rule-detail",
        lambda org: reverse("inbox-rule-detail", args=[_inbox_rule(org).pk]),
        _LEAD_API_CHANGE,
        method="patch",
        data={"enabled": False},
        unchanged=_rules_unchanged,
    ),
    Case(
        "inbox-rule-detail",
        lambda org: reverse("inbox-rule-detail", args=[_inbox_rule(org).pk]),
        _LEAD_API_DELETE,
        method="delete",
        unchanged=_rules_unchanged,
    ),
    Case(
        "inbox-rule-versions",
        lambda org: reverse("inbox-rule-versions", args=[_inbox_rule(org).pk]),
        _TEAM_API_READ,
    ),
    Case(
        "inbox-rule-dry-run",
        lambda org: reverse("inbox-rule-dry-run"),
        _TEAM_API_READ,
        method="post",
        data={"conditions": {"words": ["parkering"]}, "actions": {"priority": 1}},
        unchanged=_rules_unchanged,
    ),
    Case("label-list", lambda org: reverse("label-list"), _QUEUE_API),
    Case("label-detail", lambda org: reverse("label-detail", args=[_label(org).pk]), _QUEUE_API),
    Case(
        "label-list",
        lambda org: reverse("label-list"),
        _LEAD_API_WRITE,
        method="post",
        data={"name": "Ros", "colour": "green"},
        unchanged=_rules_unchanged,
    ),
    Case(
        "label-detail",
        lambda org: reverse("label-detail", args=[_label(org).pk]),
        _LEAD_API_DELETE,
        method="delete",
        unchanged=_rules_unchanged,
    ),
]
