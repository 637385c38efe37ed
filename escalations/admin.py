"""Admin for the org's escalation path: tiers, targets per severity, routes per category."""

from django.contrib import admin, messages
from django.utils import timezone

from comms.admin import DefaultOrProjectFilter

from . import services
from .models import CategoryRoute, Escalation, EscalationEvent, SeverityTarget, Tier


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


class EscalationEventInline(admin.TabularInline):
    model = EscalationEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "by", "note", "told"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    """State changes go through the actions, which apply the procedure's rules; the form edits
    only the words (title, documentation, resolution, post-mortem)."""

    list_display = [
        "title",
        "project",
        "category",
        "severity",
        "tier",
        "state",
        "acknowledge_by",
        "resolve_by",
    ]
    list_filter = ["state", "severity", "category", "tier", "project__client"]
    search_fields = ["title", "description", "project__name", "project__client__name"]
    list_select_related = ["project__client"]
    date_hierarchy = "raised_at"
    readonly_fields = [
        "project",
        "category",
        "severity",
        "tier",
        "state",
        "first_responder",
        "raised_by",
        "raised_at",
        "acknowledge_by",
        "resolve_by",
        "acknowledged_at",
        "resolved_at",
        "closed_at",
        "targets",
        "path",
        "waiting_for",
        "paused_at",
        "paused_for",
        "source_message",
    ]
    inlines = [EscalationEventInline]
    actions = ["acknowledge", "move_up", "close"]

    def has_add_permission(self, request):
        return False  # raised from the dashboard, the API or the tick, which route and notify

    def run(self, request, queryset, step, done):
        changed = 0
        for escalation in queryset:
            try:
                step(escalation)
                changed += 1
            except services.EscalationError as error:
                self.message_user(request, f"{escalation.title}: {error}", messages.ERROR)
        if changed:
            self.message_user(request, f"{changed} escalation(s) {done}.", messages.SUCCESS)

    @admin.action(description="Acknowledge")
    def acknowledge(self, request, queryset):
        self.run(
            request,
            queryset,
            lambda e: services.acknowledge(e, by=request.user, now=timezone.now()),
            "acknowledged",
        )

    @admin.action(description="Move up one tier")
    def move_up(self, request, queryset):
        self.run(
            request,
            queryset,
            lambda e: services.move_up(
                e, by=request.user, reason=f"Moved up in admin by {request.user}", now=timezone.now()
            ),
            "moved up",
        )

    @admin.action(description="Close (needs the resolution, and a post-mortem when critical)")
    def close(self, request, queryset):
        self.run(
            request, queryset, lambda e: services.close(e, by=request.user, now=timezone.now()), "closed"
        )
