"""Every address the URL resolver knows × GET, POST, PUT, PATCH, DELETE × every persona.

Generated, not listed: a new route is asked the moment it is routed. URL arguments are filled
with real objects of the personas' organisation (department A's channel, item, requests...). For
each request:
- never a server error;
- API routes answer as their permission rules say: 405 for a method the view does not offer,
  401 without credentials, 403 for non-members, for an action without a rule and for a rule the
  user fails, 403/404 when the rule fails for the object in the address; an allowed caller is
  never refused with 401/403/405; every API error has the one error body;
- pages of members only send anonymous visitors to the login page and refuse non-members, and
  a page whose rule the user fails for everything is refused (403/404);
- on every refusal nothing changed: the state of the key tables is compared before and after.

Django's admin (guarded by Django's own staff flag) is left out. One organisation serves the
whole walk; allowed writes may change it on the way, and later answers stay judged by the rules.
"""

import re
import time
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from core.permissions import access_for, can
from core.permissions.api import SCOPED, ActionPermission
from core.permissions.views import ActionRequiredMixin, MemberRequiredMixin
from core.testing import PERSONAS

METHODS = ("get", "post", "put", "patch", "delete")
SKIPPED_NAMESPACES = {"admin"}
DENIALS = {401, 403, 404, 405}


def _routes(resolver=None, namespace="", prefix=""):
    """(route name, URLPattern, its whole address pattern) for every routed view,
    format-suffix twins left out."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and "format" not in entry.pattern.regex.groupindex:
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, entry, prefix + str(entry.pattern)


def _objects(org):
    """The object each kind of URL argument points at, all in department A's reach."""
    from django.contrib.auth import get_user_model

    from accounts.models import Channel, ChannelAdmin, ChannelClosingRequest, ChannelRequest
    from accounts.tests.permission_cases import _admin_a, _closing_a, _request_a
    from ambassadors.models import Course, Guide
    from ambassadors.tests.models_for_cases import course, guide
    from audit.models import AuditEntry
    from governance.invitations import invite_person
    from governance.models import (
        ApiToken,
        ClosingDay,
        Invitation,
        Membership,
        OrgUnit,
        Policy,
        PolicyVersion,
    )
    from governance.tests.policy_helpers import new_draft
    from governance.token_actions import create_token
    from listening.models import ListeningHit, ListeningStream
    from listening.tests.models_for_cases import hit, stream
    from moderation.models import (
        Absence,
        AlertHook,
        CannedAnswer,
        DutyRota,
        Forwarding,
        InboxRule,
        Label,
        Notification,
        QueueItem,
        Record,
        RotaMember,
    )
    from moderation.tests.permission_cases import (
        _alert_hook,
        _audit_entry,
        _forwarding,
        _notification,
        _record,
    )
    from strategy.models import Goal, OwnPost, PlanItem, Post, YearTheme
    from strategy.tests.models_for_cases import goal, own_post, plan_item, post, theme

    draft = new_draft(org)
    closing = ClosingDay.objects.create(municipality=org.municipality, date=date(2030, 12, 24))
    canned = CannedAnswer.objects.create(
        municipality=org.municipality, code="tak", title="Tak", text="Tak, {author}."
    )
    rota = DutyRota.objects.create(team=org.units["comms"], starts_on=date(2026, 1, 5))
    member = RotaMember.objects.create(rota=rota, user=org.users["monitor"], position=0)
    RotaMember.objects.create(rota=rota, user=org.users["comms"], position=1)
    absence = Absence.objects.create(
        user=org.users["monitor"], starts_on=date(2030, 3, 4), ends_on=date(2030, 3, 5)
    )
    from moderation import rule_actions

    label = rule_actions.create_label(
        org.municipality, acting_user=org.users["comms_lead"], name="Parkering"
    )
    inbox_rule = rule_actions.create_rule(
        org.municipality,
        acting_user=org.users["comms_lead"],
        name="Parkering",
        conditions={"words": ["parkering"]},
        actions={"priority": 1},
    )
    comms = org.users["comms"]
    token, _secret = create_token(comms, name="Script", scope="moderate", acting_user=comms)
    return {
        ApiToken: token,
        Channel: org.channels["a"],
        ChannelRequest: _request_a(org),
        ChannelClosingRequest: _closing_a(org),
        ChannelAdmin: _admin_a(org),
        QueueItem: org.items["a"],
        Record: _record(org),
        Forwarding: _forwarding(org),
        AuditEntry: _audit_entry(org),
        Notification: _notification(org),
        Absence: absence,
        RotaMember: member,
        DutyRota: rota,
        ClosingDay: closing,
        CannedAnswer: canned,
        AlertHook: _alert_hook(org),
        Label: label,
        InboxRule: inbox_rule,
        Policy: draft.policy,
        PolicyVersion: draft,
        Goal: goal(),
        OwnPost: own_post(org.channels["a"]),
        Guide: guide(),
        Course: course(),
        YearTheme: theme(),
        PlanItem: plan_item(),
        Post: post(org),
        ListeningStream: stream(),
        ListeningHit: hit(),
        OrgUnit: org.units["dept_a"],
        # The settings area's people: the politician (deactivated and given roles on the way)
        get_user_model(): org.users["politician"],
        Membership: org.users["politician"].memberships.get(),
        Invitation: invite_person(
            org.municipality,
            acting_user=org.users["comms_lead"],
            email="invited@testby.example",
            unit=org.units["dept_a"],
            role="staff",
        ),
    }


def _model_by_name():
    """Pages whose view names no model: the model their address is about, by route name."""
    from django.contrib.auth import get_user_model

    from accounts.models import Channel, ChannelClosingRequest, ChannelRequest
    from ambassadors.models import Course, Guide
    from governance.models import Invitation, Membership, OrgUnit, Policy, PolicyVersion
    from listening.models import ListeningHit, ListeningStream
    from moderation.models import Absence, InboxRule, Label, QueueItem, Record, RotaMember
    from strategy.models import Goal, OwnPost, PlanItem, Post, YearTheme

    return {
        "settings:rule": InboxRule,
        "settings:label-": Label,
        "accounts:channel-": Channel,
        "accounts:closing-": ChannelClosingRequest,
        "accounts:request-": ChannelRequest,
        "moderation:item-": QueueItem,
        "moderation:record-": Record,
        "moderation:rota-absence-": Absence,
        "moderation:rota-member-": RotaMember,
        "governance:policy-": Policy,
        "governance:version-": PolicyVersion,
        "settings:unit": OrgUnit,
        "settings:person": get_user_model(),
        "settings:membership-": Membership,
        "settings:invitation-": Invitation,
        "strategy:channel-": Channel,
        "strategy:goal-": Goal,
        "strategy:theme-": YearTheme,
        "strategy:plan-item-": PlanItem,
        "strategy:post-": Post,
        "listening:stream-": ListeningStream,
        "listening:hit-": ListeningHit,
        "strategy:own-post-": OwnPost,
        "ambassadors:guide": Guide,
        "ambassadors:course": Course,
        "ambassadors:sign-up": Course,
        "ambassadors:cancel": Course,
        "ambassador-guide-": Guide,
        "ambassador-course-": Course,
    }


def _view_class(pattern):
    return getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)


def _model_of(name, view_class):
    serializer = getattr(view_class, "serializer_class", None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    model = model or getattr(view_class, "model", None)
    if model is None and name:
        for prefix, candidate in sorted(_model_by_name().items(), key=lambda kv: -len(kv[0])):
            if name.startswith(prefix):
                return candidate
    return model


def _url(name, pattern, address, objects):
    """The address with real ids, or None with the reason when an argument cannot be filled."""
    from accounts.models import ChannelAdmin
    from governance.models import OrgUnit
    from moderation.models import Label

    model = _model_of(name, _view_class(pattern))
    values = {
        "admin_pk": objects[ChannelAdmin].pk,
        "label_id": objects[Label].pk,
        "unit_id": objects[OrgUnit].pk,
        "language": "da",
        "action": "acknowledge",
        "step": "disable",
        "name": "answer-times",
        "path": "no-such-file.css",
        # The login library's own addresses
        "key": "no-such-key",
        "uidb36": "0",
        "provider_id": "no-such-provider",
        "provider": "no-such-provider",
        "organization_slug": "no-such-organisation",
    }
    if model in objects:
        values["pk"] = objects[model].pk
    missing = [arg for arg in pattern.pattern.regex.groupindex if arg not in values]
    if missing:
        return None, f"no value for {missing} of {name or address} (model {model})"

    def fill(match):
        return str(values[match.group(1)])

    url = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", fill, address)
    url = re.sub(r"<(?:\w+:)?(\w+)>", fill, url)
    url = url.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\.", ".")
    return "/" + url, None


def _snapshot_queries():
    """The key tables' rows the walk compares before and after each refusal, as SQL."""
    from django.contrib.auth import get_user_model

    from accounts.models import Channel, ChannelAdmin, ChannelClosingRequest, ChannelRequest
    from ambassadors.models import Course, CourseSignup, Guide
    from ambassadors.models import Membership as Ambassador
    from audit.models import AuditEntry
    from governance.models import (
        ApiToken,
        ClosingDay,
        Invitation,
        Membership,
        Municipality,
        OpeningHours,
        OrgUnit,
        PersonPreference,
        PolicyVersion,
        ReadConfirmation,
    )
    from listening.models import ListeningHit, ListeningStream
    from moderation.models import (
        Absence,
        CannedAnswer,
        CrisisPeriod,
        DutyRota,
        Forwarding,
        InboxRule,
        Label,
        Notification,
        OutboxMessage,
        QueueItem,
        Record,
        RotaMember,
    )
    from strategy.models import Goal, OwnPost, PlanItem, Post, YearTheme

    def rows(model, *fields):
        return model.objects.order_by("pk").values_list("pk", *fields)

    querysets = (
        rows(QueueItem, "status", "hidden_on_platform", "assigned_to_id", "closed_reason"),
        rows(Channel, "status", "name", "responsible_id", "deputy_id", "last_review_at"),
        rows(ChannelRequest, "decision"),
        rows(ChannelClosingRequest, "decision"),
        rows(ChannelAdmin),
        rows(PolicyVersion, "status", "change_note"),
        rows(Forwarding, "status", "answer_text"),
        rows(Record, "subject", "exported_at"),
        rows(Notification, "read_at"),
        rows(Absence),
        rows(RotaMember, "position", "deputy_id"),
        rows(DutyRota, "turn_days"),
        rows(OpeningHours, "weekday", "opens", "closes", "valid_from"),
        rows(ClosingDay, "open_until"),
        rows(CannedAnswer, "text", "language", "platform"),
        rows(InboxRule, "name", "enabled", "order", "version", "archived_at"),
        rows(Label, "name", "colour"),
        rows(PersonPreference, "notifications"),
        rows(Goal, "title"),
        rows(YearTheme, "title"),
        rows(PlanItem, "title"),
        rows(Post, "status", "text"),
        rows(CrisisPeriod, "ended_at"),
        rows(Membership, "role"),
        rows(Municipality, "name", "time_zone", "country"),
        rows(OrgUnit, "name", "parent_id", "closed_at"),
        rows(Invitation, "accepted_at", "withdrawn_at"),
        rows(get_user_model(), "is_active"),
        rows(ApiToken, "revoked_at"),
        rows(ReadConfirmation),
        rows(AuditEntry),
        rows(OutboxMessage),
        rows(ListeningStream, "name", "enabled", "query", "channel_id"),
        rows(ListeningHit, "promoted_item_id"),
        rows(OwnPost, "good_to_share", "share_text"),
        rows(Guide, "title", "body", "published"),
        rows(Course, "title", "seats", "published"),
        rows(CourseSignup, "cancelled_at"),
        rows(Ambassador, "active"),
    )
    return [queryset.query.sql_with_params() for queryset in querysets]


def _snapshot(queries):
    """The rows of `queries`. The walk takes thousands of snapshots: the SQL is compiled once
    (by `_snapshot_queries`) and sent as it is: compiling 19 querysets for each one took
    more time than the requests themselves."""
    from django.db import connection

    with connection.cursor() as cursor:
        state = []
        for sql, params in queries:
            cursor.execute(sql, params)
            state.append(tuple(cursor.fetchall()))
    return state


def _api_expectation(view_class, actions, method, user, obj):
    """The statuses the rules allow, or None for "allowed: anything but a refusal"."""
    if actions is not None:
        offered = method in actions and method in view_class.http_method_names
    else:
        offered = method in view_class.http_method_names and hasattr(view_class, method)
    if not offered:
        return {405}
    access = access_for(user)
    if not access.is_authenticated:
        return {401}
    if not access.is_member:
        return {403}
    rules = getattr(view_class, "permission_actions", {})
    rule = rules.get(actions[method] if actions is not None else method)
    if rule is None or (rule is not SCOPED and not can(user, rule)):
        return {403}
    if rule is not SCOPED and obj is not None and not can(user, rule, obj):
        return {403, 404}
    return None


def _page_expectation(view_class, user):
    if view_class is None or not issubclass(view_class, MemberRequiredMixin):
        return None
    access = access_for(user)
    if not access.is_authenticated:
        return {302}
    if not access.is_member:
        return {403}
    # A rule named on the class (not one the view picks per request) answers for the page.
    rule = getattr(view_class, "permission_action", None)
    if (
        issubclass(view_class, ActionRequiredMixin)
        and isinstance(rule, str)
        and rule
        and not can(user, rule)
    ):
        return {403, 404}
    return None


def _refused(response):
    return response.status_code in DENIALS or (
        response.status_code == 302 and "/auth/login/" in response.get("Location", "")
    )


@pytest.mark.slow
def test_every_route_method_and_persona(org):
    from django.contrib.auth.models import AnonymousUser

    objects = _objects(org)
    routes = []
    problems = []
    for name, pattern, address in _routes():
        url, why = _url(name, pattern, address, objects)
        if url is None:
            problems.append(why)
        else:
            routes.append((name, pattern, url))
    assert problems == [], "\n".join(problems)

    started = time.monotonic()
    asked = 0
    client = Client()
    queries = _snapshot_queries()
    state = _snapshot(queries)
    for persona in PERSONAS:
        user = org.users.get(persona) or AnonymousUser()
        client.logout()
        if persona != "anonymous":
            client.force_login(user)
        for name, pattern, url in routes:
            view_class = _view_class(pattern)
            model = _model_of(name, view_class)
            is_api = view_class is not None and any(
                issubclass(cls, ActionPermission)
                for cls in getattr(view_class, "permission_classes", ())
            )
            for method in METHODS:
                kwargs = {"content_type": "application/json"} if is_api else {}
                response = getattr(client, method)(url, {} if method != "get" else None, **kwargs)
                asked += 1
                status = response.status_code
                where = f"{method.upper()} {url} ({name}) as {persona}: {status}"
                if status >= 500:
                    problems.append(f"{where}: server error")
                    continue
                if is_api:
                    obj = None
                    if model is not None and "pk" in pattern.pattern.regex.groupindex:
                        obj = model.objects.filter(pk=objects[model].pk).first()
                    want = _api_expectation(
                        view_class, getattr(pattern.callback, "actions", None), method, user, obj
                    )
                    if want is None and status in (401, 403, 405):
                        problems.append(f"{where}: refused although the rules allow it")
                    elif want is not None and status not in want:
                        problems.append(f"{where}: expected one of {sorted(want)}")
                    if status >= 400 and set(response.json()) != {"detail", "code", "errors"}:
                        problems.append(f"{where}: not the error body: {response.json()}")
                elif persona != "anonymous" or status != 405:
                    want = _page_expectation(view_class, user)
                    if want is not None and status not in want:
                        problems.append(f"{where}: expected one of {sorted(want)}")
                    if want == {302} and "/auth/login/" not in response.get("Location", ""):
                        problems.append(f"{where}: not sent to the login page")
                # The state is compared with the last one known: taken again after every
                # write that went through, compared after every refusal.
                if _refused(response):
                    if _snapshot(queries) != state:
                        problems.append(f"{where}: refused, but something changed")
                        state = _snapshot(queries)
                elif method != "get":
                    state = _snapshot(queries)
                # A route that signs the person out (the login library's logout) ends the
                # session: sign them in again for the next request.
                if persona != "anonymous" and "_auth_user_id" not in client.session:
                    client.force_login(user)
    elapsed = time.monotonic() - started
    print(f"\n{asked} requests over {len(routes)} routes in {elapsed:.1f} s")
    assert problems == [], "\n".join(problems)
