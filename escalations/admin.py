"""Admin for the org's escalation path: tiers, targets per severity, routes per category."""

from django.contrib import admin

from comms.admin import DefaultOrProjectFilter

from .models import CategoryRoute, SeverityTarget, Tier


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = [
        "level",
        "name",
        "project",
        "include_owner",
        "include_lead",
        "include_account_owner",
        "member_names",
    ]
    list_filter = [DefaultOrProjectFilter, "level"]
    search_fields = ["name", "project__name"]
    filter_horizontal = ["members"]
    autocomplete_fields = ["project"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project__client").prefetch_related("members")

    @admin.display(description="Members")
    def member_names(self, tier):
        return ", ".join(member.get_full_name() or member.username for member in tier.members.all()) or "—"


@admin.register(SeverityTarget)
class SeverityTargetAdmin(admin.ModelAdmin):
    list_display = ["severity", "acknowledge_within", "acknowledge_unit", "resolve_within", "resolve_unit"]


@admin.register(CategoryRoute)
class CategoryRouteAdmin(admin.ModelAdmin):
    list_display = ["category", "first_responder", "description"]
