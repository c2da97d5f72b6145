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


def _own_post(org):
    from .models_for_cases import own_post

    return own_post(org.channels["a"])


def _not_marked(org, response):
    from strategy.models import OwnPost

    assert not OwnPost.objects.filter(good_to_share=True).exists()


# strategy.mark_shareable on department A's post: the team; managers and editors who see the
# post are refused, the others do not see it at all (404).
_MARK_A = {"editor": 403, "manager_a": 403, "comms": 200, "comms_lead": 200, "superuser": 200}


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
    _ui("strategy:own-posts", lambda org: reverse("strategy:own-posts"), _STRATEGY),
    Case(
        "strategy:own-post-share",
        lambda org: reverse("strategy:own-post-share", args=[_own_post(org).pk]),
        expect(404, anonymous=302, outsider=403, **_MARK_A),
    ),
    Case(
        "strategy:own-post-share",
        lambda org: reverse("strategy:own-post-share", args=[_own_post(org).pk]),
        expect(
            404,
            anonymous=302,
            outsider=403,
            editor=403,
            manager_a=403,
            comms=302,
            comms_lead=302,
            superuser=302,
        ),
        method="post",
        data={"good_to_share": "on", "share_text": "Del gerne"},
        unchanged=_not_marked,
    ),
    _api("own-post-list", lambda org: reverse("own-post-list"), _STRATEGY),
    Case(
        "own-post-detail",
        lambda org: reverse("own-post-detail", args=[_own_post(org).pk]),
        expect(
            403,
            manager_b=404,
            **dict.fromkeys(("editor", "manager_a", "comms"), 200),
            comms_lead=200,
            superuser=200,
        ),
    ),
    Case(
        "own-post-share",
        lambda org: reverse("own-post-share", args=[_own_post(org).pk]),
        expect(403, comms=200, comms_lead=200, superuser=200),
        method="post",
        data={"good_to_share": True, "share_text": "Del gerne"},
        unchanged=_not_marked,
    ),
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
