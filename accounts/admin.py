from django.contrib import admin

from .models import AccountSnapshot, Channel, ChannelConnection


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "scope", "owner_unit", "responsible", "status"]
    list_filter = ["platform", "scope", "status", "owner_unit__centre"]
    search_fields = ["name", "handle", "external_id", "url"]
    list_select_related = ["owner_unit", "responsible"]
    autocomplete_fields = ["owner_unit", "responsible", "deputy"]


@admin.register(ChannelConnection)
class ChannelConnectionAdmin(admin.ModelAdmin):
    list_display = [
        "channel",
        "account_id",
        "token_status",
        "polling_enabled",
        "last_polled_at",
        "paused_until",
        "consecutive_failures",
    ]
    list_filter = ["token_status", "polling_enabled", "channel__platform"]
    search_fields = ["channel__name", "account_id"]
    list_select_related = ["channel"]
    readonly_fields = ["cursor", "last_error"]


@admin.register(AccountSnapshot)
class AccountSnapshotAdmin(admin.ModelAdmin):
    list_display = ["channel", "date", "followers", "own_posts"]
    list_filter = ["channel__platform"]
    search_fields = ["channel__name"]
    list_select_related = ["channel"]
    date_hierarchy = "date"
