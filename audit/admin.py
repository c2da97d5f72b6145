"""The audit trail in the admin: read only, also for administrators; notes and details that may
quote a citizen are shown with personal ID numbers masked."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from moderation.personal_data import mask_personal_ids, mask_personal_ids_in

from .models import AuditEntry


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


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "item", "channel"]
    list_filter = ["action", "reason"]
    # Not the note: a search there could read a quoted number back digit by digit.
    search_fields = ["actor__username", "item__external_id", "channel__name"]
    list_select_related = ["actor", "item", "channel", "policy_version"]
    date_hierarchy = "at"
    exclude = ["note", "before", "after", "data"]
    readonly_fields = [
        _masked("note", _("why")),
        _masked("before", _("before")),
        _masked("after", _("after")),
        _masked("data", _("details")),
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
