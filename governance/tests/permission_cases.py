"""Permission-matrix cases for the shell: dashboard, the API's own routes."""

from django.urls import reverse

from core.testing import Case, expect

CASES = [
    Case("dashboard", lambda org: reverse("dashboard"), expect(200, anonymous=302, outsider=403)),
    Case("api-me", lambda org: reverse("api-me"), expect(200, anonymous=401, outsider=403)),
    Case("api-root", lambda org: reverse("api-root"), expect(200, anonymous=401, outsider=403)),
    # The schema and its docs page describe the API, not its data: open to all.
    Case("api-schema", lambda org: reverse("api-schema"), expect(200)),
    Case("api-docs", lambda org: reverse("api-docs"), expect(200)),
]

# --- Policies and guidelines. Readers: every member; the public house rules: everyone; writing
# and following up: the communications team (and the superuser).


def _policy_snapshot(org):
    from governance.models import PolicyVersion, ReadConfirmation

    return (
        list(PolicyVersion.objects.order_by("pk").values_list("pk", "status", "change_note")),
        ReadConfirmation.objects.count(),
    )


def _in_force(org):
    from governance.tests.policy_helpers import adopted_policy

    return adopted_policy(org)[1]


def _draft(org):
    from governance.tests.policy_helpers import new_draft

    return new_draft(org)


def _nothing_changed(make):
    """An `unchanged` check comparing the policy tables with their state before the request."""

    def check(org, response):
        from governance.models import PolicyVersion, ReadConfirmation

        assert ReadConfirmation.objects.filter(user__username__in=["outsider"]).count() == 0
        assert not PolicyVersion.objects.filter(status="adopted", number__gt=1).exists()
        assert not PolicyVersion.objects.filter(change_note="changed").exists()

    return check


_unchanged = _nothing_changed(None)
_READER = expect(200, anonymous=302, outsider=403)
_TEAM = expect(403, anonymous=302, comms=200, comms_lead=200, superuser=200)
_TEAM_POST = expect(403, anonymous=302, comms=302, comms_lead=302, superuser=302)


def _draft_url(route):
    return lambda org: reverse(route, kwargs={"pk": _draft(org).pk})


CASES += [
    Case("governance:guidelines", lambda org: reverse("governance:guidelines"), _READER),
    Case(
        "governance:guidelines-changes",
        lambda org: (_in_force(org), reverse("governance:guidelines-changes"))[1],
        _READER,
    ),
    Case(
        "governance:guidelines-embed",
        lambda org: (_in_force(org), reverse("governance:guidelines-embed"))[1],
        _READER,
    ),
    Case("governance:guidelines-feed", lambda org: reverse("governance:guidelines-feed"), _READER),
    Case(
        "governance:guidelines-confirm",
        lambda org: (_in_force(org), reverse("governance:guidelines-confirm"))[1],
        expect(302, outsider=403),
        method="post",
        data={"version": "1"},
        unchanged=_unchanged,
    ),
    Case(
        "governance:guidelines-readers",
        lambda org: (_in_force(org), reverse("governance:guidelines-readers"))[1],
        _TEAM,
    ),
    Case(
        "governance:guidelines-remind",
        lambda org: (
            _in_force(org),
            reverse("governance:guidelines-remind", kwargs={"unit_id": org.units["dept_a"].pk}),
        )[1],
        _TEAM_POST,
        method="post",
        unchanged=_unchanged,
    ),
    Case(
        "governance:house-rules",
        lambda org: (_in_force(org), reverse("governance:house-rules", args=["da"]))[1],
        expect(200),
    ),
    Case(
        "governance:house-rules-default",
        lambda org: reverse("governance:house-rules-default"),
        expect(302),
    ),
    Case("governance:policy-list", lambda org: reverse("governance:policy-list"), _TEAM),
    Case("governance:policy-create", lambda org: reverse("governance:policy-create"), _TEAM),
    Case(
        "governance:policy-detail",
        lambda org: reverse("governance:policy-detail", kwargs={"pk": _in_force(org).policy_id}),
        _TEAM,
    ),
    Case(
        "governance:policy-start-draft",
        lambda org: reverse(
            "governance:policy-start-draft", kwargs={"pk": _in_force(org).policy_id}
        ),
        _TEAM_POST,
        method="post",
        unchanged=lambda org, response: _assert_no_draft(),
    ),
    Case("governance:version-edit", _draft_url("governance:version-edit"), _TEAM),
    Case(
        "governance:version-edit",
        _draft_url("governance:version-edit"),
        expect(403, anonymous=302, comms=200, comms_lead=200, superuser=200),
        method="post",
        data={"version-change_note": "changed"},
        unchanged=_unchanged,
    ),
    Case("governance:version-adopt", _draft_url("governance:version-adopt"), _TEAM),
    Case(
        "governance:version-adopt",
        _draft_url("governance:version-adopt"),
        _TEAM_POST,
        method="post",
        data={"adopted_by": "Byrådet", "adopted_on": "2026-11-20", "reference": "BR 1"},
        unchanged=_unchanged,
    ),
    Case(
        "governance:guideline-settings",
        lambda org: reverse("governance:guideline-settings"),
        _TEAM,
    ),
    Case(
        "governance:guideline-settings",
        lambda org: reverse("governance:guideline-settings"),
        _TEAM_POST,
        method="post",
        data={"guidelines_public": "on", "frame_origins": ""},
        unchanged=lambda org, response: _assert_not_public(org),
    ),
    Case(
        "policy-list", lambda org: reverse("policy-list"), expect(200, anonymous=401, outsider=403)
    ),
    Case(
        "policy-detail",
        lambda org: reverse("policy-detail", args=[_in_force(org).policy_id]),
        expect(200, anonymous=401, outsider=403),
    ),
    Case(
        "policy-version-list",
        lambda org: reverse("policy-version-list"),
        expect(200, anonymous=401, outsider=403),
    ),
    Case(
        "policy-version-detail",
        lambda org: reverse("policy-version-detail", args=[_in_force(org).pk]),
        expect(200, anonymous=401, outsider=403),
    ),
    Case(
        "policy-version-adopt",
        lambda org: reverse("policy-version-adopt", args=[_draft(org).pk]),
        expect(403, comms=200, comms_lead=200, superuser=200),
        method="post",
        data={"adopted_by": "Byrådet", "adopted_on": "2026-11-20"},
        unchanged=_unchanged,
    ),
    Case(
        "api-rules-in-force",
        lambda org: (_in_force(org), reverse("api-rules-in-force"))[1],
        expect(200, anonymous=401, outsider=403),
    ),
    Case(
        "read-confirmation-list",
        lambda org: reverse("read-confirmation-list"),
        expect(200, anonymous=401, outsider=403),
    ),
    Case(
        "read-confirmation-list",
        lambda org: (_in_force(org), reverse("read-confirmation-list"))[1],
        expect(201, anonymous=401, outsider=403),
        method="post",
        unchanged=_unchanged,
    ),
]


def _assert_no_draft():
    from governance.models import PolicyVersion

    assert not PolicyVersion.objects.filter(status="draft").exists()


def _assert_not_public(org):
    from governance.models import GuidelineSettings

    assert not GuidelineSettings.objects.filter(guidelines_public=True).exists()


# --- The settings area: the communications lead (and the system administrator) only; each
# person's own notification choice: every member.

_LEAD_PAGE = expect(403, anonymous=302, comms_lead=200, superuser=200)
_LEAD_WRITE = expect(403, anonymous=302, comms_lead=302, superuser=302)
_LEAD_API = expect(403, comms_lead=200, superuser=200)
_MEMBER_PAGE = expect(200, anonymous=302, outsider=403)


def _hours_unchanged(org, response):
    from governance.models import ClosingDay, OpeningHours

    assert OpeningHours.objects.count() == 0
    assert ClosingDay.objects.filter(date__year=2031).count() == 0


def _closing_day(org):
    from datetime import date

    from governance.models import ClosingDay

    return ClosingDay.objects.create(municipality=org.municipality, date=date(2030, 12, 24))


def _closing_day_kept(org, response):
    from governance.models import ClosingDay

    assert ClosingDay.objects.count() == 1


def _closing_day_unchanged(org, response):
    from datetime import date

    from audit.models import AuditEntry
    from governance.models import ClosingDay

    assert list(ClosingDay.objects.values_list("date", "open_until")) == [
        (date(2030, 12, 24), None)
    ]
    assert not AuditEntry.objects.filter(action="closing_day_change").exists()


def _canned_answer(org):
    from moderation.models import CannedAnswer

    return CannedAnswer.objects.create(
        municipality=org.municipality, code="tak", title="Tak", text="Tak, {author}."
    )


def _canned_unchanged(org, response):
    from moderation.models import CannedAnswer

    assert list(CannedAnswer.objects.values_list("code", "text")) == [("tak", "Tak, {author}.")]


def _no_canned(org, response):
    from moderation.models import CannedAnswer

    assert not CannedAnswer.objects.exists()


def _preview_url(org):
    return reverse("settings-hours-preview") + f"?channel={org.channels['a'].pk}&kind=comment"


_WEEK = {f"day_{d}": "08:00–15:00" for d in range(5)}
_CANNED = {"title": "Ny", "code": "ny", "text": "Hej {author}", "order": "0"}

CASES += [
    Case("settings-hours", lambda org: reverse("settings-hours"), _LEAD_PAGE),
    Case(
        "settings-week",
        lambda org: reverse("settings-week"),
        _LEAD_WRITE,
        method="post",
        data=_WEEK,
        unchanged=_hours_unchanged,
    ),
    Case(
        "settings-season",
        lambda org: reverse("settings-season"),
        _LEAD_WRITE,
        method="post",
        data={
            "prefix": "new",
            "new-valid_from": "2031-06-01",
            "new-valid_to": "2031-08-31",
            "new-day_0": "08:00-12:00",
        },
        unchanged=_hours_unchanged,
    ),
    Case(
        "settings-closing-day-add",
        lambda org: reverse("settings-closing-day-add"),
        _LEAD_WRITE,
        method="post",
        data={"date": "2031-12-24", "open_until": "12:00"},
        unchanged=_hours_unchanged,
    ),
    Case(
        "settings-closing-day-edit",
        lambda org: reverse("settings-closing-day-edit", args=[_closing_day(org).pk]),
        _LEAD_PAGE,
    ),
    Case(
        "settings-closing-day-edit",
        lambda org: reverse("settings-closing-day-edit", args=[_closing_day(org).pk]),
        _LEAD_WRITE,
        method="post",
        data={"date": "2030-12-23", "open_until": "12:00"},
        unchanged=_closing_day_unchanged,
    ),
    Case(
        "settings-closing-day-remove",
        lambda org: reverse("settings-closing-day-remove", args=[_closing_day(org).pk]),
        _LEAD_WRITE,
        method="post",
        unchanged=_closing_day_kept,
    ),
    Case("settings-hours-preview", _preview_url, _LEAD_PAGE),
    Case("settings-canned-answers", lambda org: reverse("settings-canned-answers"), _LEAD_PAGE),
    Case(
        "settings-canned-answers",
        lambda org: reverse("settings-canned-answers"),
        _LEAD_WRITE,
        method="post",
        data=_CANNED,
        unchanged=_no_canned,
    ),
    Case(
        "settings-canned-answer-edit",
        lambda org: reverse("settings-canned-answer-edit", args=[_canned_answer(org).pk]),
        _LEAD_PAGE,
    ),
    Case(
        "settings-canned-answer-edit",
        lambda org: reverse("settings-canned-answer-edit", args=[_canned_answer(org).pk]),
        _LEAD_WRITE,
        method="post",
        data={**_CANNED, "code": "tak", "text": "Ændret"},
        unchanged=_canned_unchanged,
    ),
    Case(
        "settings-canned-answer-delete",
        lambda org: reverse("settings-canned-answer-delete", args=[_canned_answer(org).pk]),
        _LEAD_WRITE,
        method="post",
        unchanged=_canned_unchanged,
    ),
    Case("me-notifications", lambda org: reverse("me-notifications"), _MEMBER_PAGE),
    Case(
        "api-me-notifications",
        lambda org: reverse("api-me-notifications"),
        expect(200, anonymous=401, outsider=403),
    ),
    Case("api-opening-hours", lambda org: reverse("api-opening-hours"), _LEAD_API),
    Case(
        "api-opening-hours",
        lambda org: reverse("api-opening-hours"),
        _LEAD_API,
        method="put",
        data={"spans": [{"weekday": 0, "opens": "08:00", "closes": "15:00"}]},
        unchanged=_hours_unchanged,
    ),
    Case("closing-day-list", lambda org: reverse("closing-day-list"), _LEAD_API),
    Case(
        "closing-day-detail",
        lambda org: reverse("closing-day-detail", args=[_closing_day(org).pk]),
        _LEAD_API,
        method="patch",
        data={"open_until": "12:00"},
        unchanged=_closing_day_unchanged,
    ),
    Case(
        "closing-day-detail",
        lambda org: reverse("closing-day-detail", args=[_closing_day(org).pk]),
        _LEAD_API,
    ),
    Case(
        "closing-day-detail",
        lambda org: reverse("closing-day-detail", args=[_closing_day(org).pk]),
        expect(403, comms_lead=204, superuser=204),
        method="delete",
        unchanged=_closing_day_kept,
    ),
]


# --- The settings area (its own module: the municipality, the organisation, people)
from governance.tests.settings_permission_cases import CASES as _SETTINGS_CASES  # noqa: E402

CASES += _SETTINGS_CASES

# --- The person's own profile and API tokens: every member, for themselves only. Another
# person's token is not found (404), whoever asks.


def _comms_token(org):
    from governance.token_actions import create_token

    comms = org.users["comms"]
    return create_token(comms, name="Script", scope="read", acting_user=comms)[0]


def _comms_token_unrevoked(org, response):
    from governance.models import ApiToken

    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
    assert not ApiToken.objects.exclude(user=org.users["comms"]).exists()


_MEMBER = expect(200, anonymous=302, outsider=403)
_COMMS_ONLY = expect(404, anonymous=302, outsider=403)

CASES += [
    Case("profile:page", lambda org: reverse("profile:page"), _MEMBER),
    Case(
        "profile:page",
        lambda org: reverse("profile:page"),
        expect(302, outsider=403),
        method="post",
        data={"language": "en"},
    ),
    Case(
        "profile:token-create",
        lambda org: reverse("profile:token-create"),
        expect(201, anonymous=302, outsider=403),
        method="post",
        data={"name": "Script", "scope": "read"},
        unchanged=lambda org, response: _comms_token_unrevoked(org, response),
    ),
    Case(
        "profile:token-revoke",
        lambda org: reverse("profile:token-revoke", args=[_comms_token(org).pk]),
        {**_COMMS_ONLY, "comms": 302},
        method="post",
        unchanged=_comms_token_unrevoked,
    ),
    Case("api-token-list", lambda org: reverse("api-token-list"), expect(200, outsider=403)),
    Case(
        "api-token-list",
        lambda org: reverse("api-token-list"),
        expect(201, outsider=403),
        method="post",
        data={"name": "Script", "scope": "read"},
        unchanged=_comms_token_unrevoked,
    ),
    Case(
        "api-token-detail",
        lambda org: reverse("api-token-detail", args=[_comms_token(org).pk]),
        {**expect(404, outsider=403), "comms": 200},
    ),
    Case(
        "api-token-revoke",
        lambda org: reverse("api-token-revoke", args=[_comms_token(org).pk]),
        {**expect(404, outsider=403), "comms": 200},
        method="post",
        unchanged=_comms_token_unrevoked,
    ),
]
