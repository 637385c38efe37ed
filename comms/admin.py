"""Admin for the org's default channel rules and cadence (per-project rows are inline on a project)."""

from django.contrib import admin

from .models import CadencePolicy, ChannelRule


class DefaultOrProjectFilter(admin.SimpleListFilter):
    title = "applies to"
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("default", "Organisation default"), ("project", "One project")]

    def queryset(self, request, queryset):
        if self.value() == "default":
            return queryset.filter(project__isnull=True)
        if self.value() == "project":
            return queryset.filter(project__isnull=False)
        return queryset


@admin.register(ChannelRule)
class ChannelRuleAdmin(admin.ModelAdmin):
    list_display = ["message_type", "channel", "project", "note"]
    list_filter = [DefaultOrProjectFilter, "message_type", "channel"]
    search_fields = ["project__name", "project__client__name", "note"]
    list_select_related = ["project__client"]
    autocomplete_fields = ["project"]


@admin.register(CadencePolicy)
class CadencePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "phase",
        "interval_days",
        "business_days_only",
        "update_kind",
        "live_call_interval_days",
        "quiet_after_business_days",
        "project",
    ]
    list_filter = [DefaultOrProjectFilter, "phase", "business_days_only"]
    search_fields = ["project__name", "project__client__name"]
    list_select_related = ["project__client"]
    autocomplete_fields = ["project"]
