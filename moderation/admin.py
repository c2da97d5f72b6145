from django.contrib import admin

from .models import AuditEntry, QueueItem


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
    raw_id_fields = ["parent", "channel", "assigned_to"]
    date_hierarchy = "received_at"
    # The text may carry personal ID numbers; it is shown masked on the item page, not here.
    exclude = ["raw"]


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
