"""Permission-matrix cases for the strategy pages, the reports and their API."""

from django.urls import reverse

from core.testing import Case, expect

# strategy.view: the team, centre managers and channel editors.
_STRATEGY = {
    "editor": 200,
    "manager_a": 200,
    "manager_b": 200,
    "comms": 200,
    "comms_lead": 200,
    "superuser": 200,
}
# reports.view: the team and centre managers (scoped to their centre).
_REPORTS = {"manager_a": 200, "manager_b": 200, "comms": 200, "comms_lead": 200, "superuser": 200}
# strategy.manage: the communications team.
_TEAM = {"comms": 200, "comms_lead": 200, "superuser": 200}
_TEAM_POSTED = {"comms": 302, "comms_lead": 302, "superuser": 302}


def _goal():
    from .models_for_cases import goal

    return goal()


def _theme():
    from .models_for_cases import theme

    return theme()


def _plan_item():
    from .models_for_cases import plan_item

    return plan_item()


def _ui(route, url, expected_for):
    return Case(route, url, expect(403, anonymous=302, **expected_for))


def _api(route, url, expected_for):
    return Case(route, url, expect(403, **expected_for))


def _no_new_goal(org, response):
    from strategy.models import Goal

    assert not Goal.objects.filter(title="Flere følgere").exists()


def _purposes_unchanged(org, response):
    from strategy.models import ChannelStrategy

    assert not ChannelStrategy.objects.filter(channel=org.channels["a"]).exists()


NEW_GOAL = {
    "title": "Flere følgere",
    "metric": "followers",
    "target_value": "4000",
    "start_date": "2026-01-01",
    "deadline": "2026-12-31",
}

# Channel a belongs to department A in centre A: its editor, centre A's manager and the team may
# edit its purposes; staff and experts of department A see the channel but may not; the rest
# cannot see it at all (404).
_CHANNEL_A = {
    "staff": 403,
    "expert": 403,
    "editor": 200,
    "manager_a": 200,
    "comms": 200,
    "comms_lead": 200,
    "superuser": 200,
}

CASES = [
    _ui("strategy:overview", lambda org: reverse("strategy:overview"), _STRATEGY),
    _ui(
        "strategy:goal-detail",
        lambda org: reverse("strategy:goal-detail", args=[_goal().pk]),
        _STRATEGY,
    ),
    _ui("strategy:goal-create", lambda org: reverse("strategy:goal-create"), _TEAM),
    Case(
        "strategy:goal-create",
        lambda org: reverse("strategy:goal-create"),
        expect(403, anonymous=302, **_TEAM_POSTED),
        method="post",
        data=NEW_GOAL,
        unchanged=_no_new_goal,
    ),
    _ui("strategy:goal-edit", lambda org: reverse("strategy:goal-edit", args=[_goal().pk]), _TEAM),
    Case(
        "strategy:channel-edit",
        lambda org: reverse("strategy:channel-edit", args=[org.channels["a"].pk]),
        expect(404, anonymous=302, outsider=403, **_CHANNEL_A),
    ),
    Case(
        "strategy:channel-edit",
        lambda org: reverse("strategy:channel-edit", args=[org.channels["a"].pk]),
        expect(
            404,
            anonymous=302,
            outsider=403,
            **{persona: 302 if status == 200 else status for persona, status in _CHANNEL_A.items()},
        ),
        method="post",
        data={"purposes": ["service"], "target_groups": "Forældre"},
        unchanged=_purposes_unchanged,
    ),
    _ui("strategy:plan", lambda org: reverse("strategy:plan"), _STRATEGY),
    _ui("strategy:plan-ics", lambda org: reverse("strategy:plan-ics"), _STRATEGY),
    _ui("strategy:theme-create", lambda org: reverse("strategy:theme-create"), _TEAM),
    _ui(
        "strategy:theme-edit", lambda org: reverse("strategy:theme-edit", args=[_theme().pk]), _TEAM
    ),
    _ui("strategy:plan-item-create", lambda org: reverse("strategy:plan-item-create"), _TEAM),
    _ui(
        "strategy:plan-item-edit",
        lambda org: reverse("strategy:plan-item-edit", args=[_plan_item().pk]),
        _TEAM,
    ),
    _ui("strategy:reports", lambda org: reverse("strategy:reports"), _REPORTS),
    _ui(
        "strategy:report-answer-times",
        lambda org: reverse("strategy:report-answer-times"),
        _REPORTS,
    ),
    _ui("strategy:report-removals", lambda org: reverse("strategy:report-removals"), _REPORTS),
    _ui("strategy:report-labels", lambda org: reverse("strategy:report-labels"), _REPORTS),
    _ui("strategy:report-volume", lambda org: reverse("strategy:report-volume"), _REPORTS),
    _ui("strategy:report-pages", lambda org: reverse("strategy:report-pages"), _REPORTS),
    _ui("strategy:report-goals", lambda org: reverse("strategy:report-goals"), _REPORTS),
    _ui("strategy:report-council", lambda org: reverse("strategy:report-council"), _REPORTS),
    _api("goal-list", lambda org: reverse("goal-list"), _STRATEGY),
    _api("goal-detail", lambda org: reverse("goal-detail", args=[_goal().pk]), _STRATEGY),
    _api("plan-item-list", lambda org: reverse("plan-item-list"), _STRATEGY),
    _api(
        "plan-item-detail",
        lambda org: reverse("plan-item-detail", args=[_plan_item().pk]),
        _STRATEGY,
    ),
    _api(
        "report-figures",
        lambda org: reverse("report-figures", args=["answer-times"]),
        _REPORTS,
    ),
]
