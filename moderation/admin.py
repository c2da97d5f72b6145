from django.contrib import admin

from .models import QueueItem


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
