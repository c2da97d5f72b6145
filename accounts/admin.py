from django.contrib import admin

from .models import (
    AccountSnapshot,
    Channel,
    ChannelAdmin,
    ChannelClosingRequest,
    ChannelConnection,
    ChannelFlag,
    ChannelRequest,
)


class ChannelAdminInline(admin.TabularInline):
    model = ChannelAdmin
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Channel)
class ChannelModelAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "scope", "owner_unit", "responsible", "status"]
    list_filter = ["platform", "scope", "status", "owner_unit__centre"]
    search_fields = ["name", "handle", "external_id", "url"]
    list_select_related = ["owner_unit", "responsible"]
    autocomplete_fields = ["owner_unit", "responsible", "deputy"]
    inlines = [ChannelAdminInline]


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


@admin.register(ChannelRequest)
class ChannelRequestAdmin(admin.ModelAdmin):
    list_display = ["channel", "department", "requester", "decision", "created_at"]
    list_filter = ["decision"]
    list_select_related = ["channel", "department", "requester"]
    readonly_fields = ["decision", "decided_by", "decided_at", "decision_comment"]


@admin.register(ChannelClosingRequest)
class ChannelClosingRequestAdmin(admin.ModelAdmin):
    list_display = ["channel", "requested_by", "decision", "notice_status", "created_at"]
    list_filter = ["decision", "notice_status"]
    list_select_related = ["channel", "requested_by"]
    # The notice is posted on the page: it is written through the closing request, where it is
    # checked for personal ID numbers, not changed here.
    readonly_fields = [
        "decision",
        "decided_by",
        "decided_at",
        "decision_comment",
        "notice_status",
        "notice_text",
    ]


@admin.register(ChannelFlag)
class ChannelFlagAdmin(admin.ModelAdmin):
    list_display = ["channel", "kind", "since", "resolved_at"]
    list_filter = ["kind", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["channel"]
