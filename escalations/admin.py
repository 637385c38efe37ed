"""Admin for the org's escalation path: tiers, targets per severity, routes per category (who
answers first, whether the client is told)."""

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from comms.admin import DefaultOrProjectFilter
from projects.admin_columns import instant_column
from projects.health import plural

from . import services
from .management.commands.escalation_review import parse_day
from .models import CategoryRoute, Escalation, EscalationEvent, SeverityTarget, Tier
from .review import report_lines, review


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
    list_display = ["category", "first_responder", "tells_client", "description"]
    list_editable = ["tells_client"]


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
        instant_column("acknowledge_by", "acknowledge by"),
        instant_column("resolve_by", "resolve by"),
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

    change_list_template = "admin/escalations/escalation_changelist.html"

    def has_add_permission(self, request):
        return False  # raised from the dashboard, the API or the tick, which route and notify

    def get_urls(self):
        review_url = path("review/", self.admin_site.admin_view(self.review_view), name="escalations_review")
        return [review_url, *super().get_urls()]

    def review_view(self, request):
        """The periodic review: ?since=YYYY-MM-DD&until=YYYY-MM-DD, the last 30 days by default."""
        if not self.has_view_permission(request):
            raise PermissionDenied  # it counts every client's escalations, like the list it sits on
        until = timezone.now()
        since = until - dt.timedelta(days=30)
        error = ""
        try:
            if request.GET.get("since"):
                since = parse_day(request.GET["since"], "The start date")
            if request.GET.get("until"):
                until = parse_day(request.GET["until"], "The end date")
            if since >= until:
                raise ValueError("The start of the period must be before its end.")
        except (ValueError, CommandError) as problem:
            error = str(problem)
        context = {
            **self.admin_site.each_context(request),
            "title": "Escalation review",
            "opts": self.model._meta,
            "error": error,
            "since": since.date().isoformat(),
            "until": until.date().isoformat(),
            "report": "" if error else "\n".join(report_lines(review(since, until))),
        }
        return TemplateResponse(
            request, "admin/escalations/review.html", context, status=400 if error else 200
        )

    def run(self, request, queryset, step, done):
        changed = 0
        for escalation in queryset:
            try:
                step(escalation)
                changed += 1
            except services.EscalationError as error:
                self.message_user(request, f"{escalation.title}: {error}", messages.ERROR)
        if changed:
            self.message_user(request, f"{plural(changed, 'escalation')} {done}.", messages.SUCCESS)

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
