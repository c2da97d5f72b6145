from django.contrib import admin

from .models import (
    Absence,
    AuditEntry,
    CannedAnswer,
    CrisisPeriod,
    DutyRota,
    Forwarding,
    QueueItem,
    Record,
    RotaMember,
)


@admin.register(QueueItem)
class QueueItemAdmin(admin.ModelAdmin):
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
    raw_id_fields = ["parent"]
    date_hierarchy = "received_at"
    # The text may carry personal ID numbers; it is shown masked on the item page, not here.
    exclude = ["raw"]
    # What the queue's open-item counters are keyed by changes only through the actions.
    readonly_fields = [
        "channel",
        "status",
        "assigned_to",
        "has_personal_data",
        "first_response_escalation",
        "answer_escalation",
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only, also for administrators."""

    list_display = ["at", "actor", "action", "item", "channel", "reason", "policy_version"]
    list_filter = ["action", "reason"]
    search_fields = ["note", "actor__username", "item__external_id", "channel__name"]
    list_select_related = ["actor", "item", "channel", "policy_version"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    # The unmasked copy is restricted: not listed or shown here.
    exclude = ["text_unmasked"]
