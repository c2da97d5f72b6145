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


def _post(org, submitted=False):
    from .models_for_cases import post

    return post(org, submitted=submitted)


def _post_unchanged(status):
    def check(org, response):
        from strategy.models import Post

        assert list(Post.objects.values_list("status", flat=True)) == [status]

    return check


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

# The API asks the collection rule before it looks the post up: a persona who may not do the
# step to any post is refused (403) before the post's reach is asked (404).
# Posts: every member sees the posts on the channels they see; department A's draft (by its
# editor, on its page) is out of reach (404) for centre B's manager, the politician and the
# on-duty monitor.
_MEMBERS = dict.fromkeys(
    (
        "staff", "politician", "expert", "editor", "monitor", "manager_a", "manager_b", "comms",
        "comms_lead", "superuser",
    ),
    200,
)  # fmt: skip
_POST_A_HIDDEN = {"manager_b": 404, "politician": 404, "monitor": 404}
_COMPOSERS = {"editor": 200, "manager_a": 200, "manager_b": 200, **_TEAM}
# A draft is changed and sent by its author or the communications team.
_DRAFT_EDITORS = {"editor": 302, **_TEAM_POSTED, **_POST_A_HIDDEN}
# Department A's page: its deputy and centre manager approves (the author never).
_APPROVERS = {"manager_a": 302, "superuser": 302, **_POST_A_HIDDEN}

POST_CASES = [
    _ui("strategy:posts", lambda org: reverse("strategy:posts"), _MEMBERS),
    _ui("strategy:post-calendar", lambda org: reverse("strategy:post-calendar"), _MEMBERS),
    _ui("strategy:post-create", lambda org: reverse("strategy:post-create"), _COMPOSERS),
    _ui(
        "strategy:post-detail",
        lambda org: reverse("strategy:post-detail", args=[_post(org).pk]),
        {**_MEMBERS, **_POST_A_HIDDEN},
    ),
    _ui(
        "strategy:post-edit",
        lambda org: reverse("strategy:post-edit", args=[_post(org).pk]),
        {"editor": 200, **_TEAM, **_POST_A_HIDDEN},
    ),
    Case(
        "strategy:post-submit",
        lambda org: reverse("strategy:post-submit", args=[_post(org).pk]),
        expect(403, anonymous=302, **_DRAFT_EDITORS),
        method="post",
        unchanged=_post_unchanged("draft"),
    ),
    Case(
        "strategy:post-approve",
        lambda org: reverse("strategy:post-approve", args=[_post(org, submitted=True).pk]),
        expect(403, anonymous=302, **_APPROVERS),
        method="post",
        unchanged=_post_unchanged("submitted"),
    ),
    Case(
        "strategy:post-reject",
        lambda org: reverse("strategy:post-reject", args=[_post(org, submitted=True).pk]),
        expect(403, anonymous=302, **_APPROVERS),
        method="post",
        data={"reason": "Tjek datoen."},
        unchanged=_post_unchanged("submitted"),
    ),
    Case(
        "strategy:post-publish-now",
        lambda org: reverse("strategy:post-publish-now", args=[_post(org).pk]),
        # Only the communications lead (and the superuser), and then only in crisis mode:
        # without it the step is refused with a message (302 back to the post).
        expect(403, anonymous=302, comms_lead=302, superuser=302, **_POST_A_HIDDEN),
        method="post",
        unchanged=_post_unchanged("draft"),
    ),
    Case(
        "strategy:post-schedule",
        lambda org: reverse("strategy:post-schedule", args=[_post(org).pk]),
        # Only an approved post is scheduled: a draft is refused for everyone.
        expect(403, anonymous=302, **_POST_A_HIDDEN),
        method="post",
        data={"scheduled_at": "2030-01-01T10:00"},
        unchanged=_post_unchanged("draft"),
    ),
    Case(
        "strategy:post-retry",
        lambda org: reverse("strategy:post-retry", args=[_post(org).pk]),
        # Only a failed post is sent again.
        expect(403, anonymous=302, **_POST_A_HIDDEN),
        method="post",
        unchanged=_post_unchanged("draft"),
    ),
    Case(
        "strategy:post-delete",
        lambda org: reverse("strategy:post-delete", args=[_post(org).pk]),
        expect(403, anonymous=302, **_DRAFT_EDITORS),
        method="post",
        unchanged=_post_unchanged("draft"),
    ),
    Case(
        "strategy:post-comment",
        lambda org: reverse("strategy:post-comment", args=[_post(org).pk]),
        expect(403, anonymous=302, **{**dict.fromkeys(_MEMBERS, 302), **_POST_A_HIDDEN}),
        method="post",
        data={"text": "Fint."},
    ),
    _ui(
        "strategy:post-picture-preview",
        # The draft has no picture: 404 for whoever may see it.
        lambda org: reverse("strategy:post-picture-preview", args=[_post(org).pk]),
        dict.fromkeys(_MEMBERS, 404),
    ),
    Case(
        "strategy:post-picture",
        # Public (platforms fetch it), but a draft's picture is never served.
        lambda org: reverse("strategy:post-picture", args=[_post(org).picture_key]),
        expect(404),
    ),
    _api("post-list", lambda org: reverse("post-list"), _MEMBERS),
    Case(
        "post-comment",
        lambda org: reverse("post-comment", args=[_post(org).pk]),
        expect(403, **{**dict.fromkeys(_MEMBERS, 201), **_POST_A_HIDDEN}),
        method="post",
        data={"text": "Fint."},
    ),
    Case(
        "post-schedule",
        lambda org: reverse("post-schedule", args=[_post(org).pk]),
        expect(403, manager_b=404),
        method="post",
        data={"scheduled_at": "2030-01-01T10:00:00Z"},
        unchanged=_post_unchanged("draft"),
    ),
    Case(
        "post-retry",
        lambda org: reverse("post-retry", args=[_post(org).pk]),
        expect(403, manager_b=404),
        method="post",
        unchanged=_post_unchanged("draft"),
    ),
    Case(
        "post-publish-now",
        lambda org: reverse("post-publish-now", args=[_post(org).pk]),
        # The lead without crisis mode: 409 (the state refuses it), the rule allows it.
        expect(403, comms_lead=409, superuser=409),
        method="post",
        unchanged=_post_unchanged("draft"),
    ),
    Case(
        "post-reject",
        lambda org: reverse("post-reject", args=[_post(org, submitted=True).pk]),
        expect(403, manager_a=200, superuser=200, manager_b=404),
        method="post",
        data={"reason": "Tjek datoen."},
        unchanged=_post_unchanged("submitted"),
    ),
    _api(
        "post-detail",
        lambda org: reverse("post-detail", args=[_post(org).pk]),
        {**_MEMBERS, **_POST_A_HIDDEN},
    ),
    Case(
        "post-approve",
        lambda org: reverse("post-approve", args=[_post(org, submitted=True).pk]),
        expect(403, manager_a=200, superuser=200, manager_b=404),
        method="post",
        unchanged=_post_unchanged("submitted"),
    ),
    Case(
        "post-submit",
        lambda org: reverse("post-submit", args=[_post(org).pk]),
        expect(403, editor=200, comms=200, comms_lead=200, superuser=200, manager_b=404),
        method="post",
        unchanged=_post_unchanged("draft"),
    ),
]

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
    *POST_CASES,
]
