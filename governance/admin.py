from django.contrib import admin

from .models import (
    AnswerTimeRule,
    ClosingDay,
    CommunicationValue,
    GuidelineSettings,
    Membership,
    Municipality,
    OpeningHours,
    OrgUnit,
    Policy,
    PolicySection,
    PolicyStatus,
    PolicyVersion,
    ReadConfirmation,
    RemovalReason,
    RemovalReasonTranslation,
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


class _DraftOnlyInline:
    """The rules of an adopted or superseded version are shown, never added, changed or
    deleted: items name the version they were judged by (PolicyVersion.require_draft)."""

    def _editable(self, obj):
        return obj is None or obj.is_draft

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class AnswerTimeRuleInline(_DraftOnlyInline, admin.TabularInline):
    model = AnswerTimeRule
    extra = 0


class RemovalReasonInline(_DraftOnlyInline, admin.TabularInline):
    model = RemovalReason
    extra = 0


class _DraftOnlyPartAdmin(admin.ModelAdmin):
    """A part of a policy version (a rule, a section, a value): changed and deleted only while
    its version is a draft, and added to drafts only (PolicyVersion.require_draft)."""

    def version_of(self, obj):
        return obj.version

    def has_change_permission(self, request, obj=None):
        editable = obj is None or self.version_of(obj).is_draft
        return editable and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        editable = obj is None or self.version_of(obj).is_draft
        return editable and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = PolicyVersion.objects.filter(status=PolicyStatus.DRAFT)
        elif db_field.name == "reason":
            kwargs["queryset"] = RemovalReason.objects.filter(version__status=PolicyStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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

    def get_readonly_fields(self, request, obj=None):
        # Adoption is an action with its audit row; an adopted version's fields stay as adopted.
        if obj is not None and not obj.is_draft:
            return [field.name for field in obj._meta.fields if field.editable]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)


@admin.register(PolicySection)
class PolicySectionAdmin(_DraftOnlyPartAdmin):
    list_display = ["heading", "version", "audience", "house_rule_part", "language", "order"]
    list_filter = ["audience", "house_rule_part", "language", "version__policy"]
    search_fields = ["heading", "body"]
    list_select_related = ["version", "version__policy"]


@admin.register(CommunicationValue)
class CommunicationValueAdmin(_DraftOnlyPartAdmin):
    list_display = ["name", "version", "language", "order"]
    list_filter = ["language", "version__policy"]
    search_fields = ["name", "description"]
    list_select_related = ["version", "version__policy"]


@admin.register(RemovalReason)
class RemovalReasonAdmin(_DraftOnlyPartAdmin):
    list_display = ["label", "code", "version", "order"]
    list_filter = ["version__policy", "version__status"]
    search_fields = ["label", "code", "explanation"]
    list_select_related = ["version", "version__policy"]


@admin.register(RemovalReasonTranslation)
class RemovalReasonTranslationAdmin(_DraftOnlyPartAdmin):
    list_display = ["label", "reason", "language"]
    list_filter = ["language"]
    search_fields = ["label", "explanation", "reason__code"]
    list_select_related = ["reason", "reason__version"]

    def version_of(self, obj):
        return obj.reason.version


@admin.register(ReadConfirmation)
class ReadConfirmationAdmin(admin.ModelAdmin):
    list_display = ["user", "version", "confirmed_at"]
    list_filter = ["version__policy", "version"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "version", "version__policy"]
    date_hierarchy = "confirmed_at"


@admin.register(GuidelineSettings)
class GuidelineSettingsAdmin(admin.ModelAdmin):
    list_display = ["municipality", "guidelines_public"]
