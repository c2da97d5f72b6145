"""The audit trail in words: the one home of the labels every audit code gets on a page (the
actions' names, the reason codes, the changed fields' before and after, with the translated
labels the models and their choices already have, and people named instead of numbered).

A code recorded anywhere must have a label here: `audit/tests/test_labels.py` reads every
`record(...)` call of the source and fails on a code without one."""

from collections import defaultdict

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "acknowledge": _("acknowledged"),
    "reply": _("answer posted"),
    "forward": _("forwarded"),
    "send_back": _("expert's answer sent back"),
    "close": _("closed without an answer"),
    "assign": _("assigned"),
    "reassign": _("reassigned"),
    "hide": _("hidden"),
    "unhide": _("unhidden"),
    "tell_author": _("author told why"),
    "delete": _("deleted"),
    "retry": _("sent to the platform again"),
    "outbox.sent": _("confirmed by the platform"),
    "outbox.failed": _("not sent: the platform did not take it"),
    "capture_record": _("captured as a record"),
    "update_record": _("record metadata changed"),
    "export_record": _("record exported"),
    "read_record_as_written": _("record read as written"),
    "personal_data_found": _("personal data found"),
    "sla_warning": _("deadline warning sent"),
    "sla_breach": _("missed deadline reported"),
    "crisis_on": _("crisis mode on"),
    "crisis_off": _("crisis mode off"),
    "forward_reminder": _("expert reminded of the internal deadline"),
    "forward_late": _("late expert answer reported"),
    # The outbox: what the platform made of a write
    "outbox.by_hand": _("left to be posted by hand"),
    # The on-duty rota
    "rota_absence_add": _("absence recorded"),
    "rota_absence_remove": _("absence deleted"),
    "rota_member_move": _("rota order changed"),
    "rota_create": _("rota set up"),
    "rota_change": _("rota turns changed"),
    "rota_member_add": _("rota member added"),
    "rota_member_remove": _("rota member removed"),
    "rota_deputy_set": _("rota deputy changed"),
    # The settings area
    "opening_hours_set": _("Opening hours changed"),
    "closing_day_add": _("Closing day added"),
    "closing_day_change": _("Closing day changed"),
    "closing_day_remove": _("Closing day removed"),
    "canned_answer_create": _("Canned answer created"),
    "canned_answer_update": _("Canned answer changed"),
    "canned_answer_delete": _("Canned answer deleted"),
    "notification_preference_set": _("Notification choice changed"),
    # Where a team's alerts go (Microsoft Teams, Slack)
    "alert_hook.create": _("Alert destination added"),
    "alert_hook.update": _("Alert destination changed"),
    "alert_hook.delete": _("Alert destination deleted"),
    "alert_hook.test": _("Test message sent to an alert destination"),
    "alert_hook.disable": _("Alert destination switched off after a permanent error"),
    # Inbox rules and labels
    "inbox_rule_create": _("Inbox rule created"),
    "inbox_rule_update": _("Inbox rule changed"),
    "inbox_rule_move": _("Inbox rules reordered"),
    "inbox_rule_archive": _("Inbox rule archived"),
    "label_create": _("Label created"),
    "label_update": _("Label changed"),
    "label_delete": _("Label deleted"),
    "rule_label": _("labelled by an inbox rule"),
    "label_add": _("label added"),
    "label_remove": _("label removed"),
    "rule_suggest_hide": _("an inbox rule suggested hiding"),
    "set_priority": _("priority raised"),
    # A channel's steps (the labels its history has always shown)
    "channel.requested": _("Requested"),
    "channel.request_approved": _("Request approved"),
    "channel.request_rejected": _("Request rejected"),
    "channel.edited": _("Record changed"),
    "channel.admin_added": _("Admin access added"),
    "channel.admin_removed": _("Admin access removed"),
    "channel.branding_verified": _("Sender branding verified"),
    "channel.review_confirmed": _("Annual review confirmed"),
    "channel.marked_dormant": _("Marked dormant"),
    "channel.reactivated": _("Active again"),
    "channel.activated": _("Activated"),
    "channel.flagged": _("Flagged"),
    "channel.closing_requested": _("Closing requested"),
    "channel.closing_approved": _("Closing approved"),
    "channel.closing_rejected": _("Closing rejected"),
    "channel.closing_notice_pending": _("Closing notice waiting to be posted"),
    "channel.closing_notice_queued": _("Closing notice queued for posting"),
    "channel.closing_notice_sent": _("Closing notice posted on the page"),
    "channel.closing_notice_failed": _("Closing notice could not be posted"),
    "channel.closing_notice_by_hand": _("Closing notice to be posted by hand"),
    "channel.closed": _("Closed and archived"),
    "channel.connected": _("Connected for polling"),
    "channel.connection_tested": _("Connection tested"),
    "channel.needs_reconnect": _("Token refused: reconnect needed"),
    "channel.disconnected": _("Disconnected"),
    "channel.token_renewed": _("Access renewed with the platform"),
    "channel.token_accepted": _("Token accepted again: reconnect no longer needed"),
    "channel.messaging_unavailable": _("Messages cannot be read: permission missing"),
    "channel.messaging_restored": _("Messages can be read again"),
    "platforms.version_warning": _("Warning sent: a platform API version ends soon"),
    "channel.webhooks_subscribed": _("Webhooks switched on"),
    "channel.webhooks_failed": _("Webhooks could not be switched on"),
    "channel.webhooks_unsubscribed": _("Webhooks switched off"),
    "channel.webhooks_unsubscribe_failed": _("Webhooks could not be switched off on the page"),
    # Policy and guidelines
    "policy.create": _("Policy created"),
    "policy.draft": _("Draft version started"),
    "policy.edit": _("Draft version edited"),
    "policy.adopt": _("Version adopted"),
    "guidelines.confirm": _("Guidelines confirmed as read"),
    "guidelines.remind": _("Reading reminder sent"),
    "guidelines.settings": _("Guidelines settings changed"),
    # The settings area: the municipality, its organisation and its people
    "municipality.create": _("Municipality set up"),
    "municipality.update": _("Municipality's details changed"),
    "unit.create": _("Unit added"),
    "unit.rename": _("Unit renamed"),
    "unit.move": _("Unit moved in the organisation"),
    "unit.close": _("Unit closed"),
    "unit.reopen": _("Unit reopened"),
    "unit.topics": _("Department's routing topics changed"),
    "membership.add": _("Role given"),
    "membership.remove": _("Role taken away"),
    "person.deactivate": _("Account deactivated"),
    "person.reactivate": _("Account reactivated"),
    "invitation.create": _("Invitation sent"),
    "invitation.withdraw": _("Invitation withdrawn"),
    "invitation.accept": _("Invitation accepted"),
    # Memberships the identity provider's groups give at a SAML sign-in (governance.sso_actions)
    "membership.idp_added": _("Role given by the identity provider"),
    "membership.idp_changed": _("Role changed by the identity provider"),
    "membership.idp_removed": _("Role taken away by the identity provider"),
    # Personal API tokens
    "api_token.create": _("API token made"),
    "api_token.revoke": _("API token revoked"),
    # Strategy
    "strategy.channel_strategy_saved": _("Channel strategy saved"),
    "strategy.goal_created": _("Goal created"),
    "strategy.goal_changed": _("Goal changed"),
    "strategy.theme_created": _("Theme created"),
    "strategy.theme_changed": _("Theme changed"),
    "strategy.plan_item_created": _("Plan item created"),
    "strategy.plan_item_changed": _("Plan item changed"),
    # Posts on the channels
    "posts.created": _("Post written"),
    "posts.changed": _("Post changed"),
    "posts.deleted": _("Draft post deleted"),
    "posts.commented": _("Comment on a post"),
    "posts.submitted": _("Post sent for approval"),
    "posts.approved": _("Post approved"),
    "posts.rejected": _("Post sent back to its author"),
    "posts.scheduled": _("Post scheduled"),
    "posts.publishing": _("Post being published"),
    "posts.published_in_crisis": _("Post published at once in crisis mode"),
    "posts.published_on_channel": _("Post confirmed by the platform"),
    "posts.published": _("Post published"),
    "posts.failed": _("Post not published on every channel"),
    "posts.retried": _("Post sent again"),
    "listening.stream_created": _("Listening stream created"),
    "listening.stream_changed": _("Listening stream changed"),
    "listening.promoted": _("Public post promoted to the queue"),
    "strategy.post_marked_good_to_share": _("Post marked good to share"),
    "strategy.post_unmarked_good_to_share": _("Post no longer marked good to share"),
    "ambassadors.joined": _("Joined the ambassador programme"),
    "ambassadors.left": _("Left the ambassador programme"),
    "ambassadors.guide_saved": _("Ambassador guide saved"),
    "ambassadors.course_saved": _("Ambassador course saved"),
    "ambassadors.course_signed_up": _("Signed up for a course"),
    "ambassadors.course_cancelled": _("Cancelled a course sign-up"),
    "ambassadors.weekly_sent": _("Weekly ambassador e-mail sent"),
}

# The reason codes actions record besides a policy's removal reasons (those come from the
# policy version, in the reader's language where translated).
REASON_LABELS = {
    "on_duty": _("on duty"),
    "inbox_rule": _("by an inbox rule"),
    "closed": _("closed"),
    "first_response": _("first response"),
    "answer": _("answer"),
    # The personal-data check hides an item by itself under this code (moderation.intake).
    "personal_data": _("personal data"),
}


def action_label(code):
    """The action in words; a code without a label (a test forbids it) in plain words."""
    label = ACTION_LABELS.get(code)
    return label if label is not None else _plain(code)


def _plain(code):
    return str(code).rsplit(".", 1)[-1].replace("_", " ").replace("-", " ")


def removal_reason_labels(codes, language=None):
    """Removal reason code -> label in `language` (the active one), from the newest policy
    version naming the code. One query (and one for the translations), whatever the number of
    codes."""
    from governance.models import RemovalReason

    codes = {c for c in codes if c}
    if not codes:
        return {}
    language = language or get_language() or ""
    labels = {}
    reasons = (
        RemovalReason.objects.filter(code__in=codes)
        .order_by("code", "-version_id")
        .prefetch_related("translations")
    )
    for reason in reasons:
        if reason.code in labels:
            continue
        translated = next(
            (t.label for t in reason.translations.all() if language.startswith(t.language)), None
        )
        labels[reason.code] = translated or reason.label
    return labels


# The actions whose reason is one of the policy's removal reasons.
REMOVAL_ACTIONS = ("hide", "delete", "tell_author")


def reason_label(code, action="", removal_labels=None):
    """A recorded reason code in words: for a removal the policy's reason, else the actions'
    own codes."""
    if not code:
        return ""
    fixed = REASON_LABELS.get(code)
    if fixed is not None and action not in REMOVAL_ACTIONS:
        return str(fixed)
    if removal_labels is None:
        removal_labels = removal_reason_labels([code])
    if code in removal_labels:
        return removal_labels[code]
    return str(fixed) if fixed is not None else _plain(code)


# Fields written on another object than the row's own (a closing request's notice status on a
# channel's step).
FIELD_MODELS = {"notice_status": "accounts.channelclosingrequest"}
OUTBOX_MESSAGE = "moderation.outboxmessage"


def _field(entry, name):
    """The model field `name` of the row's object; an outbox row's changes are the item's (the
    message has a "status" of its own, whose choices know nothing of "sending" or "answered")."""
    candidates = [FIELD_MODELS.get(name) or entry.object_type]
    if entry.item_id:
        item = "moderation.queueitem"
        candidates.insert(0 if entry.object_type == OUTBOX_MESSAGE else 1, item)
    for label in candidates:
        if not label:
            continue
        try:
            return apps.get_model(label)._meta.get_field(name)
        except (LookupError, ValueError, FieldDoesNotExist):
            continue
    return None


def _is_related(field):
    return field is not None and field.is_relation and (field.many_to_one or field.many_to_many)


def _name_of(obj):
    if isinstance(obj, AbstractBaseUser):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


def related_names(entries):
    """{(model, pk): name} of the people and other objects the rows' before and after name by
    id: one query per related model, whatever the number of rows."""
    wanted = defaultdict(set)
    for entry in entries:
        for name, before, after in entry.changes():
            field = _field(entry, name)
            if not _is_related(field):
                continue
            for value in (before, after):
                for pk in value if isinstance(value, list) else [value]:
                    if isinstance(pk, int) and not isinstance(pk, bool):
                        wanted[field.related_model].add(pk)
    names = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            names[(model, obj.pk)] = _name_of(obj)
    return names


def _related(field, pk, names):
    if (field.related_model, pk) in names:
        return names[(field.related_model, pk)]
    return gettext("(deleted, no. %(id)s)") % {"id": pk}


def _value(field, value, names):
    if value in (None, "", []):
        return "–"
    if _is_related(field):
        values = value if isinstance(value, list) else [value]
        return ", ".join(_related(field, pk, names) for pk in values)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)


def changes_in_words(entry, names=None):
    """Each changed field as "label: before → after" (choices shown by their labels, related
    people by their names). `names` comes from `related_names`; without it the row looks its
    own up."""
    if names is None:
        names = getattr(entry, "related_names", None)
        if names is None:
            names = related_names([entry])
    lines = []
    for name, before, after in entry.changes():
        field = _field(entry, name)
        label = str(field.verbose_name) if field is not None else _plain(name)
        lines.append(
            gettext("%(field)s: %(before)s → %(after)s")
            % {
                "field": label,
                "before": _value(field, before, names),
                "after": _value(field, after, names),
            }
        )
    return lines


def prepare(entries):
    """Ready rows for a page: each gets `related_names` and `reason_label` looked up for all of
    them at once (a query per related model and one for removal reasons, not per row)."""
    entries = list(entries)
    names = related_names(entries)
    removal = removal_reason_labels(e.reason for e in entries)
    for entry in entries:
        entry.related_names = names
        entry.reason_label = reason_label(entry.reason, entry.action, removal)
    return entries
