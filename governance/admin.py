from django.contrib import admin

from .models import (
    AnswerTimeRule,
    ClosingDay,
    Membership,
    Municipality,
    OpeningHours,
    OrgUnit,
    Policy,
    PolicyVersion,
    RemovalReason,
)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosingDayInline(admin.TabularInline):
    model = ClosingDay
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "time_zone", "default_language"]
    list_filter = ["country", "default_language"]
    search_fields = ["name"]
    inlines = [OpeningHoursInline, ClosingDayInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "centre", "municipality"]
    list_filter = ["kind", "municipality", "centre"]
    search_fields = ["name", "email"]
    list_select_related = ["parent", "centre", "municipality"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "is_lead", "title"]
    list_filter = ["role", "is_lead", "unit__kind", "unit__centre"]
    search_fields = ["user__username", "user__email", "user__first_name", "unit__name", "title"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]


@admin.register(ClosingDay)
class ClosingDayAdmin(admin.ModelAdmin):
    list_display = ["date", "open_until", "reason", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["reason"]
    date_hierarchy = "date"


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["municipality", "weekday", "opens", "closes", "valid_from", "valid_to"]
    list_filter = ["municipality", "weekday"]


class AnswerTimeRuleInline(admin.TabularInline):
    model = AnswerTimeRule
    extra = 0


class RemovalReasonInline(admin.TabularInline):
    model = RemovalReason
    extra = 0


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["title", "parent", "governs_social_media", "municipality"]
    list_filter = ["governs_social_media", "municipality"]
    search_fields = ["title"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["policy", "number", "status", "adopted_by", "adopted_on", "reference"]
    list_filter = ["status", "policy"]
    search_fields = ["policy__title", "reference", "adopted_by"]
    list_select_related = ["policy"]
    inlines = [AnswerTimeRuleInline, RemovalReasonInline]
