"""Admin for system administrators; the team edits strategy through the strategy pages."""

from django.contrib import admin

from .models import ChannelStrategy, Goal, PlanItem, YearTheme


@admin.register(ChannelStrategy)
class ChannelStrategyAdmin(admin.ModelAdmin):
    list_display = ["channel", "updated_at", "updated_by"]
    list_select_related = ["channel", "updated_by"]
    search_fields = ["channel__name", "target_groups", "content_types"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "metric", "target_value", "start_date", "deadline"]
    list_filter = ["metric"]
    search_fields = ["title"]
    filter_horizontal = ["channels"]


@admin.register(YearTheme)
class YearThemeAdmin(admin.ModelAdmin):
    list_display = ["title", "start_date", "end_date"]
    date_hierarchy = "start_date"


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "theme", "owner", "start_date", "end_date"]
    list_filter = ["kind", "theme"]
    list_select_related = ["theme", "owner"]
    search_fields = ["title", "description"]
    filter_horizontal = ["channels"]
