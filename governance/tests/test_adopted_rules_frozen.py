"""An adopted or superseded policy version keeps its rules: the answer times and removal reasons
that queue items say they were judged by. Neither the admin, nor the ORM, nor raw SQL changes
them; a draft's rules stay editable."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from governance.models import (
    AnswerTimeRule,
    CommunicationValue,
    PolicySection,
    PolicyStatus,
    PolicyVersion,
    RemovalReason,
    RemovalReasonTranslation,
)
from governance.tests.policy_helpers import adopted_policy, new_draft

pytestmark = pytest.mark.django_db

FROZEN = "only drafts can be changed"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def adopted(org):
    _policy, version = adopted_policy(org)
    return version


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.dk", "pw")
    client.force_login(admin)
    return client


def rule_values(version):
    return list(
        AnswerTimeRule.objects.filter(version=version)
        .order_by("pk")
        .values("platform", "item_kind", "answer_minutes", "answer_clock")
    ) + list(RemovalReason.objects.filter(version=version).order_by("pk").values("code", "label"))


def form_as_shown(client, url):
    """The admin change form's data as the page shows it (inlines included)."""
    shown = client.get(url)
    assert shown.status_code == 200
    data = {}
    form = shown.context["adminform"].form
    data.update({name: form[name].value() for name in form.fields})
    for inline in shown.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(n): management[n].value() for n in management.fields})
        for row in formset.forms:
            data.update({row.add_prefix(n): row[n].value() for n in row.fields})
    return shown, {key: "" if value is None else value for key, value in data.items()}


def inline_for(shown, model):
    return next(i for i in shown.context["inline_admin_formsets"] if i.opts.model is model)


def raw(sql, params):
    # In a savepoint: on PostgreSQL a refused statement spoils the rest of the transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_admin_shows_an_adopted_versions_rules_without_changing_them(admin_client, adopted):
    # Given an adopted version and its rules as they are
    before = rule_values(adopted)
    url = reverse("admin:governance_policyversion_change", args=[adopted.pk])

    # When an administrator submits the change page with a shorter answer time, a new
    # inactivity limit, a new rule and a deleted reason
    shown, data = form_as_shown(admin_client, url)
    rules = next(
        i for i in shown.context["inline_admin_formsets"] if i.opts.model is AnswerTimeRule
    )
    reasons = next(
        i for i in shown.context["inline_admin_formsets"] if i.opts.model is RemovalReason
    )
    assert not rules.has_add_permission and not rules.has_change_permission
    assert not reasons.has_delete_permission
    rules_prefix, reasons_prefix = rules.formset.prefix, reasons.formset.prefix
    data.update(
        {
            f"{rules_prefix}-0-answer_minutes": "1",
            f"{rules_prefix}-TOTAL_FORMS": str(len(rules.formset.forms) + 1),
            f"{rules_prefix}-{len(rules.formset.forms)}-platform": "youtube",
            f"{rules_prefix}-{len(rules.formset.forms)}-item_kind": "any",
            f"{rules_prefix}-{len(rules.formset.forms)}-answer_minutes": "5",
            f"{rules_prefix}-{len(rules.formset.forms)}-answer_clock": "calendar",
            f"{reasons_prefix}-0-DELETE": "on",
            "inactivity_limit_days": "1",
            "status": PolicyStatus.DRAFT,
        }
    )
    response = admin_client.post(url, data)

    # Then the page saved what it could edit (nothing) and nothing changed
    assert response.status_code == 302
    assert rule_values(adopted) == before
    adopted.refresh_from_db()
    assert (adopted.status, adopted.inactivity_limit_days) == (PolicyStatus.ADOPTED, 90)


def test_the_removal_reason_admin_refuses_an_adopted_versions_reason(admin_client, adopted):
    reason = RemovalReason.objects.filter(version=adopted).first()
    url = reverse("admin:governance_removalreason_change", args=[reason.pk])
    response = admin_client.post(url, {"version": adopted.pk, "code": "x", "label": "Ændret"})
    assert response.status_code == 403
    delete = admin_client.post(
        reverse("admin:governance_removalreason_delete", args=[reason.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    reason.refresh_from_db()
    assert (reason.code, reason.label) == ("spam", "Reklame")


def test_the_admin_refuses_an_adopted_versions_text_values_and_translations(admin_client, adopted):
    section = PolicySection.objects.filter(version=adopted).first()
    translation_row = RemovalReasonTranslation.objects.filter(reason__version=adopted).first()
    for name, obj, data in [
        ("policysection", section, {"heading": "Ændret", "body": "Ændret"}),
        ("removalreasontranslation", translation_row, {"label": "Changed"}),
    ]:
        response = admin_client.post(
            reverse(f"admin:governance_{name}_change", args=[obj.pk]), data
        )
        assert response.status_code == 403
    section.refresh_from_db()
    translation_row.refresh_from_db()
    assert section.heading != "Ændret"
    assert translation_row.label != "Changed"


def test_the_orm_refuses_to_change_or_delete_an_adopted_versions_rules(adopted):
    before = rule_values(adopted)
    rule = AnswerTimeRule.objects.filter(version=adopted).first()
    reason = RemovalReason.objects.filter(version=adopted).first()

    rule.answer_minutes = 1
    with pytest.raises(ValidationError, match=FROZEN):
        rule.save()
    with pytest.raises(ValidationError, match=FROZEN):
        rule.delete()
    with pytest.raises(ValidationError, match=FROZEN):
        reason.delete()
    with pytest.raises(ValidationError, match=FROZEN):
        AnswerTimeRule.objects.filter(version=adopted).update(answer_minutes=1)
    with pytest.raises(ValidationError, match=FROZEN):
        RemovalReason.objects.filter(version=adopted).delete()
    with pytest.raises(ValidationError, match=FROZEN):
        AnswerTimeRule.objects.filter(pk=rule.pk).delete()
    with pytest.raises(ValidationError, match=FROZEN):
        PolicySection.objects.filter(version=adopted).update(body="Ændret")
    value = CommunicationValue.objects.filter(version=adopted).first()
    value.name = "Ændret"
    with pytest.raises(ValidationError, match=FROZEN):
        value.save()

    assert rule_values(adopted) == before


def test_the_database_refuses_to_change_an_adopted_versions_rules(adopted):
    before = rule_values(adopted)
    with pytest.raises(IntegrityError, match="adopted or superseded"):
        raw(
            "UPDATE governance_answertimerule SET answer_minutes = 1 WHERE version_id = %s",
            [adopted.pk],
        )
    for table in ("governance_removalreason", "governance_communicationvalue"):
        with pytest.raises(IntegrityError, match="adopted or superseded"):
            raw(f'UPDATE {table} SET "order" = 9 WHERE version_id = %s', [adopted.pk])
    with pytest.raises(IntegrityError, match="adopted or superseded"):
        raw("UPDATE governance_policysection SET body = 'x' WHERE version_id = %s", [adopted.pk])
    with pytest.raises(IntegrityError, match="adopted or superseded"):
        raw(
            "UPDATE governance_policyversion SET inactivity_limit_days = 1 WHERE id = %s",
            [adopted.pk],
        )
    with pytest.raises(IntegrityError, match="adopted or superseded"):
        raw("UPDATE governance_policyversion SET status = 'draft' WHERE id = %s", [adopted.pk])
    assert rule_values(adopted) == before
    adopted.refresh_from_db()
    assert (adopted.status, adopted.inactivity_limit_days) == (PolicyStatus.ADOPTED, 90)


def test_a_version_that_left_the_draft_state_keeps_its_limit_and_state(adopted):
    adopted.inactivity_limit_days = 1
    with pytest.raises(ValidationError, match=FROZEN):
        adopted.save()
    version = PolicyVersion.objects.get(pk=adopted.pk)
    version.status = PolicyStatus.DRAFT
    with pytest.raises(ValidationError, match=FROZEN):
        version.save(update_fields=["status"])
    # Superseding it (what adoption of the next version does) is allowed.
    version.status = PolicyStatus.SUPERSEDED
    version.save(update_fields=["status"])
    assert PolicyVersion.objects.get(pk=adopted.pk).status == PolicyStatus.SUPERSEDED


def test_a_drafts_rules_stay_editable(org, adopted, admin_client):
    draft = new_draft(org, adopted.policy)
    rule = AnswerTimeRule.objects.filter(version=draft).order_by("pk").first()
    rule.answer_minutes = 30
    rule.save()
    AnswerTimeRule.objects.filter(version=draft).update(answer_clock="weekdays")
    RemovalReason.objects.filter(version=draft).delete()
    raw("UPDATE governance_policyversion SET inactivity_limit_days = 30 WHERE id = %s", [draft.pk])

    url = reverse("admin:governance_policyversion_change", args=[draft.pk])
    shown, data = form_as_shown(admin_client, url)
    rules = next(
        i for i in shown.context["inline_admin_formsets"] if i.opts.model is AnswerTimeRule
    )
    data[f"{rules.formset.prefix}-0-answer_minutes"] = "45"
    response = admin_client.post(url, data)
    assert response.status_code == 302

    rule.refresh_from_db()
    assert (rule.answer_minutes, rule.answer_clock) == (45, "weekdays")
    assert not RemovalReason.objects.filter(version=draft).exists()
    assert PolicyVersion.objects.get(pk=draft.pk).inactivity_limit_days == 30
    # The adopted version was copied, not touched
    assert AnswerTimeRule.objects.filter(version=adopted, answer_minutes=45).count() == 0
