"""Admin for the org's default channel rules and cadence (per-project rows are inline on a project),
and the record of mail, with the delivery problems an admin retries from there."""

from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AdminSplitDateTime
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from projects.admin_columns import instant_column
from projects.health import plural
from projects.models import BusinessCalendar
from projects.when import when

from .autopilot import DraftSuperseded, NoRecipients, send_update
from .inbound import assign_inbound
from .models import (
    FAILED_AT,
    CadencePolicy,
    Channel,
    ChannelRule,
    Deadline,
    MalformedWebhook,
    Message,
    Update,
)
from .outbox import resend_failed_since
from .words import CHANNELS


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
        "quiet_after_business_days",
        "project",
    ]
    list_filter = [DefaultOrProjectFilter, "phase", "business_days_only"]
    search_fields = ["project__name", "project__client__name"]
    list_select_related = ["project__client"]
    autocomplete_fields = ["project"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "project",
        "owner",
        instant_column("due_at", "due at"),
        "explanation",
        "is_active",
        "occurrence",
        "problem",
    ]
    list_filter = ["is_active", "kind"]
    search_fields = ["project__name", "project__client__name", "explanation", "problem"]
    list_select_related = ["project__client", "owner"]
    readonly_fields = ["occurrence", "created_at"]
    date_hierarchy = "due_at"
    autocomplete_fields = ["project"]
    raw_id_fields = ["update", "owner"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ["to_email", "state", "send_after", "attempts", "provider_message_id", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "project",
        "kind",
        "state",
        "rag",
        instant_column("send_by", "send by"),
        instant_column("sent_at", "sent at"),
    ]
    list_filter = ["state", "kind", "rag"]
    search_fields = ["subject", "technical_body", "project__name", "project__client__name"]
    list_select_related = ["project__client"]
    readonly_fields = [
        "kind",
        "state",
        "source",
        "source_occurrence",
        "decision",
        "created_at",
        "sent_at",
        "sent_by",
    ]
    fields = [
        "project",
        "kind",
        "state",
        "subject",
        "status_line",
        "rag",
        "executive_body",
        "technical_body",
        "urgent",
        "send_by",
        "decision",
        "source",
        "source_occurrence",
        "created_at",
        "sent_at",
        "sent_by",
    ]
    autocomplete_fields = ["project"]
    inlines = [MessageInline]
    actions = ["send_now"]

    @admin.action(description="Send the selected drafts now")
    def send_now(self, request, queryset):
        sent = 0
        for update in queryset.exclude(state=Update.State.SENT):
            try:
                send_update(update, by=request.user, now=timezone.now())
                sent += 1
            except (NoRecipients, DraftSuperseded) as problem:
                self.message_user(request, f"{update}: {problem}", messages.ERROR)
        if sent:
            self.message_user(request, f"{plural(sent, 'update')} queued for sending.", messages.SUCCESS)


class UnmatchedInboxFilter(admin.SimpleListFilter):
    title = "inbox"
    parameter_name = "inbox"

    def lookups(self, request, model_admin):
        return [("unmatched", "Unmatched client mail")]

    def queryset(self, request, queryset):
        if self.value() == "unmatched":
            return queryset.filter(direction=Message.Direction.IN, project__isnull=True)
        return queryset


class DeliveryProblemsFilter(admin.SimpleListFilter):
    """Mail we sent that failed for good, to a client or to the team, the latest failure first:
    mail to the team has no owner to be told, so this list is where it is seen."""

    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("problems", "Delivery problems")]

    def queryset(self, request, queryset):
        if self.value() == "problems":
            return queryset.filter(direction=Message.Direction.OUT, state=Message.State.FAILED)
        return queryset

    @classmethod
    def shown(cls, request):
        return request.GET.get(cls.parameter_name) == "problems"


class TeamTimeField(forms.SplitDateTimeField):
    """A date and time typed and shown in the team's zone, whatever zone the request runs in."""

    widget = AdminSplitDateTime

    def __init__(self, *, zone, **kwargs):
        super().__init__(**kwargs)
        self.zone = zone

    def compress(self, data_list):
        with timezone.override(self.zone):
            return super().compress(data_list)


class RetryFailedSinceForm(forms.Form):
    def __init__(self, *args, zone, now, since=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now, self.zone = now, zone
        self.fields["since"] = TeamTimeField(
            zone=zone,
            label=f"Failed since ({zone.key} time)",
            help_text="Every mail that failed from then on is queued again. Mail the provider in fact "
            "delivered is found there first and not sent twice.",
            initial=since and timezone.localtime(since, zone).replace(tzinfo=None),
        )

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since > self.now:
            raise forms.ValidationError(
                f"That time is still to come (it is {timezone.localtime(self.now, self.zone):%d %b %H:%M} "
                f"in {self.zone.key}): give the time the failures began."
            )
        return since


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The record of mail in and out. Only unmatched inbound mail can be edited: an admin assigns
    it to its project, which starts the response clock as if it had matched on arrival."""

    list_display = [
        "subject",
        "direction",
        "to_email",
        "project",
        "kind",
        "state",
        "attempts",
        "lease_expiries",
        instant_column("created_at", "created at"),
    ]
    delivery_problem_display = [
        "subject",
        "mail_to",
        "sent_to",
        "project",
        "error",
        "attempts",
        "failed_at",
    ]
    list_filter = [DeliveryProblemsFilter, UnmatchedInboxFilter, "direction", "state", "kind"]
    search_fields = ["subject", "body_text", "to_email", "from_email", "provider_message_id", "project__name"]
    list_select_related = ["project__client"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "direction",
        "kind",
        "project",
        "contact",
        "user",
        "update",
        "channel",
        "destination",
        "from_email",
        "to_email",
        "reply_to",
        "subject",
        "original_subject",
        "from_new_person",
        "body_text",
        "files",
        "urgent",
        "dedupe_key",
        "state",
        "send_after",
        "attempts",
        "last_attempt_at",
        "lease_expiries",
        "check_provider_first",
        "blind_resends",
        "provider_message_id",
        "error",
        "created_at",
        "sent_at",
        "delivered_at",
    ]
    exclude = ["body_html"]
    autocomplete_fields = ["project"]
    actions = ["retry_failed_since"]

    def has_add_permission(self, request):
        return False

    def get_list_display(self, request):
        return self.delivery_problem_display if DeliveryProblemsFilter.shown(request) else self.list_display

    def get_ordering(self, request):
        return [FAILED_AT.desc()] if DeliveryProblemsFilter.shown(request) else super().get_ordering(request)

    @admin.display(description="Failed at", ordering=FAILED_AT)
    def failed_at(self, message):
        return when(message.last_attempt_at or message.created_at, timezone.get_current_timezone())

    @admin.display(description="Mail to")
    def mail_to(self, message):
        if message.user_id:
            return _("Team mail")
        if message.direction != Message.Direction.OUT:
            return ""
        return (
            _("Client mail")
            if message.channel == Channel.EMAIL
            else _("Client %(channel)s") % {"channel": CHANNELS[message.channel]}
        )

    @admin.display(description="To", ordering="to_email")
    def sent_to(self, message):
        """The address, or the Slack channel or board card a chat or board message went to."""
        return message.to_email or message.destination

    @admin.action(description="Retry everything failed since…")
    def retry_failed_since(self, request, queryset):
        """Asks for the time first (the earliest failure selected, to start from); the selection
        only suggests it, as a provider outage leaves more failures than one page shows."""
        now = timezone.now()
        zone = ZoneInfo(BusinessCalendar.team_default().time_zone)
        earliest = (
            queryset.filter(direction=Message.Direction.OUT, state=Message.State.FAILED)
            .with_failed_at()
            .order_by("failed_at")
            .values_list("failed_at", flat=True)
            .first()
        )
        form = RetryFailedSinceForm(
            request.POST if "apply" in request.POST else None, zone=zone, now=now, since=earliest
        )
        if form.is_valid():
            requeued = resend_failed_since(form.cleaned_data["since"], now=now)
            self.message_user(
                request,
                f"{requeued} failed mail{'' if requeued == 1 else 's'} queued again.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/comms/message/retry_failed_since.html",
            {
                **self.admin_site.each_context(request),
                "title": "Retry everything failed since…",
                "opts": self.model._meta,
                "form": form,
                "media": self.media + form.media,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            },
        )

    @admin.display(description="Attachments")
    def files(self, message):
        """Opened through the same checked view as on the dashboard."""
        links = [
            format_html('<a href="{}">{}</a>', reverse("dashboard:attachment", args=[file.pk]), file.name)
            if file.kept
            else f"{file.name} (received before files were kept)"
            for file in message.attachments.all()
        ]
        return format_html_join(", ", "{}", ((link,) for link in links))

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.direction == Message.Direction.IN and obj.project_id is None:
            return [field for field in self.readonly_fields if field != "project"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "project" in form.changed_data and obj.project_id:
            assign_inbound(obj)


@admin.register(MalformedWebhook)
class MalformedWebhookAdmin(admin.ModelAdmin):
    list_display = ["provider", "received_at", "error"]
    list_filter = ["provider"]
    readonly_fields = ["provider", "body", "error", "received_at"]

    def has_add_permission(self, request):
        return False
