from django.contrib import admin

from .models import Channel


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "scope", "owner_unit", "responsible", "status"]
    list_filter = ["platform", "scope", "status", "owner_unit__centre"]
    search_fields = ["name", "handle", "external_id", "url"]
    list_select_related = ["owner_unit", "responsible"]
    autocomplete_fields = ["owner_unit", "responsible", "deputy"]
