"""The admin: citizens' texts (and notes, answers and audit details that may quote them) are
shown with personal ID numbers masked and are never edited here; the copy as written is read
through the records duty's audited page only."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import actions
from .models import (
    Absence,
    CannedAnswer,
    CrisisPeriod,
    DutyRota,
    Forwarding,
    QueueItem,
    Record,
    RotaMember,
)
from .personal_data import mask_personal_ids, mask_personal_ids_in


def _masked(field, label):
    """A read-only admin column showing `field` with personal ID numbers masked."""

    def show(obj):
        value = getattr(obj, field)
        if isinstance(value, str):
            return mask_personal_ids(value) if value else ""
        return mask_personal_ids_in(value)

    show.short_description = label
    show.__name__ = f"masked_{field}"
    return show


class QueueItemAdminForm(forms.ModelForm):
    """Refuses an assignee who may not answer the item, by the actions layer's rule."""

    def clean(self):
        cleaned = super().clean()
        to_user = cleaned.get("assigned_to")
        channel = cleaned.get("channel") or getattr(self.instance, "channel", None)
        if "assigned_to" in self.changed_data and channel is not None:
            try:
                actions.check_assignee(QueueItem(channel=channel), to_user)
            except actions.ActionError as error:
                self.add_error("assigned_to", str(error))
        return cleaned


@admin.register(QueueItem)
class QueueItemAdmin(admin.ModelAdmin):
    form = QueueItemAdminForm
    list_display = [
        "external_id",
        "platform",
        "channel",
        "kind",
        "status",
        "received_at",
        "answer_due",
        "assigned_to",
    ]
    list_filter = ["platform", "kind", "status", "channel__owner_unit__centre"]
    search_fields = ["external_id", "author_name", "channel__name"]
    list_select_related = ["channel", "assigned_to"]
    raw_id_fields = ["parent", "assigned_to"]
    date_hierarchy = "received_at"
    # The text may carry personal ID numbers: shown masked and read-only; the raw payload not.
    exclude = ["raw", "text", "masked_text"]
    # What the queue's open-item counters are keyed by changes only through the actions (an
    # assignment made here goes through `actions.assign`, see save_model).
    readonly_fields = [
        "masked_text",
        "channel",
        "status",
        "has_personal_data",
        "first_response_escalation",
        "answer_escalation",
    ]

    def save_model(self, request, obj, form, change):
        # An assignment is an action (audited, the assignee told): the row is saved with the
        # assignee it had, then `actions.assign` makes the change.
        reassigned = "assigned_to" in form.changed_data
        to_user = obj.assigned_to
        if reassigned:
            obj.assigned_to_id = form.initial.get("assigned_to")
        super().save_model(request, obj, form, change)
        if reassigned:
            actions.assign(obj, to_user, acting_user=request.user)


class RotaMemberInline(admin.TabularInline):
    model = RotaMember
    extra = 1
    raw_id_fields = ["user", "deputy"]


@admin.register(DutyRota)
class DutyRotaAdmin(admin.ModelAdmin):
    list_display = ["team", "starts_on", "turn_days"]
    inlines = [RotaMemberInline]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["user", "starts_on", "ends_on", "note"]
    raw_id_fields = ["user"]
    date_hierarchy = "starts_on"


@admin.register(CannedAnswer)
class CannedAnswerAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "municipality", "for_personal_data", "order"]
    list_filter = ["municipality", "for_personal_data"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the actions only (with their audit rows); administrators look."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Forwarding)
class ForwardingAdmin(_ReadOnlyAdmin):
    list_display = ["item", "to_unit", "to_user", "due_at", "warn_at", "escalation", "status"]
    list_filter = ["status"]
    exclude = ["note", "answer_text"]
    readonly_fields = [
        _masked("note", _("note to the expert")),
        _masked("answer_text", _("expert's answer")),
    ]


@admin.register(CrisisPeriod)
class CrisisPeriodAdmin(_ReadOnlyAdmin):
    list_display = [
        "municipality",
        "started_at",
        "ended_at",
        "target_percent",
        "tightened_items",
        "restored_items",
    ]


@admin.register(Record)
class RecordAdmin(_ReadOnlyAdmin):
    list_display = ["item", "platform", "external_id", "captured_at", "case_number"]
    # The unmasked copy is restricted: not listed or shown here (the records duty reads it
    # through its audited page); our replies as captured may quote a number.
    exclude = ["text_unmasked", "thread", "replies"]
    readonly_fields = [_masked("thread", _("thread")), _masked("replies", _("our replies"))]
