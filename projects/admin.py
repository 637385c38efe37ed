"""Admin for configuring an org: calendars, clients with contacts, projects with their whole plan."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from comms import task_updates
from comms.lifecycle import (
    EDITABLE_FIELDS,
    change_phase,
    log_kickoff,
    record_launch,
    start_project_record,
    update_project,
)
from comms.models import CadencePolicy, ChannelRule, SatisfactionAnswer
from comms.words import PROMISE_STATES
from escalations.models import Tier

from .health import plural
from .models import (
    WEEKDAY_NAMES,
    BusinessCalendar,
    Client,
    Commitment,
    Contact,
    Decision,
    MemberSettings,
    OrganisationSettings,
    PhaseChange,
    Project,
)
from .services import add_commitment, wait_on_client_for
from .team_language import choose_language


class BusinessCalendarForm(forms.ModelForm):
    workdays = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Days the business is open.",
    )

    class Meta:
        model = BusinessCalendar
        fields = [
            "name",
            "time_zone",
            "workdays",
            "opens_at",
            "closes_at",
            "holiday_country",
            "holiday_subdivision",
            "is_team_default",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["workdays"] = self.instance.workday_numbers

    def clean_workdays(self):
        return "".join(str(day) for day in sorted(self.cleaned_data["workdays"]))


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    form = BusinessCalendarForm
    list_display = [
        "name",
        "time_zone",
        "workday_names",
        "opens_at",
        "closes_at",
        "holiday_region",
        "is_team_default",
    ]
    list_filter = ["is_team_default", "holiday_country"]
    search_fields = ["name", "time_zone"]

    @admin.display(description="Holidays")
    def holiday_region(self, calendar):
        return (
            "-".join(part for part in (calendar.holiday_country, calendar.holiday_subdivision) if part)
            or "none"
        )


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = [
        "name",
        "email",
        "kind",
        "role",
        "phone",
        "receives_updates",
        "language",
        "portal_access",
        "email_bounced_at",
    ]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "calendar", "shared_window", "account_owner", "project_count"]
    list_filter = ["status", "calendar__time_zone", "account_owner"]
    search_fields = ["name", "contacts__name", "contacts__email"]
    list_select_related = ["calendar", "account_owner"]
    inlines = [ContactInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_total=Count("projects", distinct=True))

    @admin.display(description="Shared window")
    def shared_window(self, client):
        return f"{client.shared_window_starts:%H:%M}–{client.shared_window_ends:%H:%M}"

    @admin.display(description="Projects", ordering="project_total")
    def project_count(self, client):
        return client.project_total


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "client", "kind", "role", "portal_access", "email_bounced_at"]
    list_filter = ["kind", "portal_access", "client"]
    search_fields = ["name", "email", "client__name"]
    list_select_related = ["client"]
    actions = ["revoke_portal_access"]

    @admin.action(description="Revoke portal access")
    def revoke_portal_access(self, request, queryset):
        count = queryset.filter(portal_access=True).update(
            portal_access=False, portal_revoked_at=timezone.now()
        )
        self.message_user(request, f"Portal access revoked for {plural(count, 'contact')}.", messages.SUCCESS)


class ChannelRuleInline(admin.TabularInline):
    model = ChannelRule
    extra = 0
    verbose_name_plural = "Channel rules (one channel per message type; defaults are filled in on save)"


class CadenceOverrideInline(admin.TabularInline):
    model = CadencePolicy
    extra = 0
    verbose_name_plural = "Cadence overrides (phases not listed follow the org default)"


class TierOverrideInline(admin.TabularInline):
    model = Tier
    extra = 0
    filter_horizontal = ["members"]
    verbose_name_plural = "Escalation tier overrides (tiers not listed follow the org's path)"


NEW_PROMISE = ["description", "due_on", "in_scope", "board_card"]  # what `add_commitment` takes


class PromiseForm(forms.ModelForm):
    """A promise in the admin, on its own page or in its project's: progress is reported on an open
    one only, as on the dashboard and through the API."""

    def clean(self):
        data = super().clean()
        # Before `_post_clean`, the instance still holds the status as stored.
        was, becomes = self.instance.status, data.get("status") or self.instance.status
        reported = {"progress", "recovery_plan"} & set(self.changed_data)
        if self.instance.pk and reported and Commitment.Status.OPEN not in (was, becomes):
            raise forms.ValidationError(
                gettext("Progress is reported on an open promise; this one is %(status)s.")
                % {"status": PROMISE_STATES[was]}
            )
        return data


def save_promise(form):
    """A promise saved from the admin through the services the dashboard and the API call, so that
    its card on the project board hears of its progress and completion from here too; its words,
    date, scope, card, and a reopened or dropped status are saved as they stand."""
    promise, changed = form.instance, set(form.changed_data)
    if promise.pk is None:
        made = add_commitment(promise.project, **{name: form.cleaned_data[name] for name in NEW_PROMISE})
        # The admin goes on with the object it built: its log entry, the page it redirects to.
        promise.pk, promise.created_at = made.pk, made.created_at
        return
    stored = Commitment.objects.select_related("project").get(pk=promise.pk)
    completed = "status" in changed and promise.status == Commitment.Status.DONE
    plain = changed & {"description", "due_on", "in_scope", "board_card", "status", "done_on"}
    if completed:
        plain -= {"status", "done_on"}
    elif "status" in changed:
        plain |= {"done_on"}
    # Progress is reported while the promise is open: before it is dropped, after it is reopened;
    # completing it sets its own.
    reported = bool(changed & {"progress", "recovery_plan"}) and not completed

    def report():
        task_updates.report_progress(stored, progress=promise.progress, recovery_plan=promise.recovery_plan)

    if reported and stored.status == Commitment.Status.OPEN:
        report()
        reported = False
    for name in plain:
        setattr(stored, name, getattr(promise, name))
    if plain:
        stored.full_clean()
        stored.save(update_fields=sorted(plain))
    if completed:
        task_updates.complete_commitment(stored, on=promise.done_on)
    if reported:
        report()
    if "waiting_for" in changed:
        wait_on_client_for(stored, what=promise.waiting_for, now=timezone.now())
    promise.refresh_from_db()


class CommitmentInline(admin.TabularInline):
    model = Commitment
    form = PromiseForm
    readonly_fields = ["waiting_since"]  # set by `wait_on_client_for`, from when it was first asked
    extra = 0
    fields = [
        "description",
        "due_on",
        "status",
        "progress",
        "in_scope",
        "done_on",
        "waiting_for",
        "waiting_since",
        "board_card",
    ]


class PhaseChangeInline(admin.TabularInline):
    model = PhaseChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_phase", "to_phase", "changed_by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ProjectAdminForm(forms.ModelForm):
    phase_note = forms.CharField(
        required=False, help_text="Why the phase changed; kept in the phase history."
    )

    class Meta:
        model = Project
        fields = [
            *["client", "name", "scope", "phase", "owner", "lead", "team", "contacts"],
            *["starts_on", "target_delivery_on", "target_launch_on", "kickoff_at", "launched_at"],
            *["team_calendar", "record_location", "auto_send_drafts", "known_limitations", "support_terms"],
            *["slack_channel", "board", "board_done_list", "board_next_list", "board_decision_label"],
        ]
        help_texts = {
            "kickoff_at": "Saving it logs the kickoff call: the kickoff summary is drafted and the cadence starts.",
            "launched_at": "Saving it records the launch: the delivery summary is drafted and the check-ins booked.",
        }

    def clean(self):
        cleaned = super().clean()
        for step, what in [("kickoff_at", "kickoff call"), ("launched_at", "launch")]:
            before = self.initial.get(step)
            if before and step in self.changed_data:
                self.add_error(
                    step, f"The {what} is already in the record ({before:%d %b %Y %H:%M}); it happens once."
                )
            elif cleaned.get(step) and cleaned[step] > timezone.now() + dt.timedelta(minutes=5):
                self.add_error(step, f"The {what} is in the future: log it once it has happened.")
        client, contacts = cleaned.get("client"), cleaned.get("contacts")
        if client and contacts:
            strangers = [contact.name for contact in contacts if contact.client_id != client.pk]
            if strangers:
                self.add_error("contacts", f"Not contacts of {client}: {', '.join(strangers)}.")
        return cleaned


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectAdminForm
    list_display = ["name", "client", "phase", "owner", "lead", "target_delivery_on", "target_launch_on"]
    list_filter = ["phase", "client", "owner", "lead"]
    search_fields = ["name", "client__name", "scope"]
    list_select_related = ["client", "owner", "lead"]
    autocomplete_fields = ["client"]
    filter_horizontal = ["team", "contacts"]
    date_hierarchy = "starts_on"
    readonly_fields = ["reply_token", "created_at"]
    inlines = [
        ChannelRuleInline,
        CadenceOverrideInline,
        TierOverrideInline,
        CommitmentInline,
        PhaseChangeInline,
    ]
    fieldsets = [
        (None, {"fields": ["client", "name", "scope", "phase", "phase_note"]}),
        ("People", {"fields": ["owner", "lead", "team", "contacts"]}),
        (
            "Dates",
            {"fields": ["starts_on", "target_delivery_on", "target_launch_on", "kickoff_at", "launched_at"]},
        ),
        ("Delivery", {"fields": ["auto_send_drafts", "known_limitations", "support_terms"]}),
        ("Record", {"fields": ["team_calendar", "record_location", "reply_token", "created_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        """Plain fields are saved here, a change through `update_project`; the steps of the
        project's life (kickoff, phase change, launch) wait for `save_related`, which takes them
        through their services."""
        if not change:
            obj.kickoff_at = obj.launched_at = None
            super().save_model(request, obj, form, change)
            return
        edited = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
        update_project(obj, by=request.user, **edited)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Commitment:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)  # what the admin's history records; nothing written yet
        for promise in formset.deleted_objects:
            promise.delete()
        for promise_form in formset.forms:
            if promise_form.has_changed() and promise_form not in formset.deleted_forms:
                save_promise(promise_form)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        project, data, by = form.instance, form.cleaned_data, request.user
        start_project_record(project, by=by)
        if data.get("kickoff_at") and not form.initial.get("kickoff_at"):
            log_kickoff(project, at=data["kickoff_at"], by=by)
        if change and "phase" in form.changed_data:
            change_phase(project, to=data["phase"], by=by, note=data["phase_note"])
        if data.get("launched_at") and not form.initial.get("launched_at"):
            record_launch(project, at=data["launched_at"], by=by)
        project.refresh_from_db()


@admin.register(PhaseChange)
class PhaseChangeAdmin(admin.ModelAdmin):
    list_display = ["project", "from_phase", "to_phase", "changed_at", "changed_by"]
    list_filter = ["to_phase", "project__client"]
    search_fields = ["project__name", "note"]
    list_select_related = ["project__client", "changed_by"]
    date_hierarchy = "changed_at"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["summary", "project", "made_in", "made_at", "confirmed_at", "logged_by"]
    list_filter = ["made_in", "project__client"]
    search_fields = ["summary", "project__name"]
    list_select_related = ["project__client", "logged_by"]
    filter_horizontal = ["agreed_by"]
    date_hierarchy = "made_at"


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = [
        "description",
        "project",
        "due_on",
        "status",
        "progress",
        "in_scope",
        "done_on",
        "waiting_for",
    ]
    list_filter = ["status", "in_scope", "project__client"]
    search_fields = ["description", "project__name"]
    list_select_related = ["project__client"]
    date_hierarchy = "due_on"
    form = PromiseForm
    readonly_fields = ["waiting_since"]

    def get_fields(self, request, obj=None):
        return ["project", *NEW_PROMISE] if obj is None else super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        save_promise(form)


@admin.register(SatisfactionAnswer)
class SatisfactionAnswerAdmin(admin.ModelAdmin):
    """The client's answers, to read: they are the client's to give or change, on the portal."""

    list_display = ["score", "contact", "project", "occasion", "answered_at", "changed_at", "commitment"]
    list_filter = ["score", "ask__occasion", "ask__project__client"]
    search_fields = ["comment", "ask__project__name", "ask__contact__name"]
    list_select_related = ["ask__project__client", "ask__contact", "commitment"]
    date_hierarchy = "answered_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(ordering="ask__project__name")
    def project(self, answer):
        return answer.ask.project

    @admin.display(ordering="ask__contact__name")
    def contact(self, answer):
        return answer.ask.contact.name

    @admin.display(description="asked in")
    def occasion(self, answer):
        return answer.ask.occasion_label


@admin.register(OrganisationSettings)
class OrganisationSettingsAdmin(admin.ModelAdmin):
    """One object: nothing to add beside it and nothing to delete."""

    fieldsets = [
        ("Drafts and deadlines", {"fields": ["review_window_hours", "late_grace_business_days"]}),
        ("Client email", {"fields": ["routine_response_hours", "urgent_response_hours"]}),
        (
            "Client portal",
            {
                "fields": [
                    "portal_link_days",
                    "single_use_link_minutes",
                    "portal_session_hours",
                    "link_requests_per_address",
                    "link_requests_per_ip",
                ]
            },
        ),
        ("Client satisfaction", {"fields": ["satisfaction_at_phase_end"]}),
        ("Language", {"fields": ["language"]}),
    ]

    def has_add_permission(self, request):
        return not OrganisationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class MemberSettingsInline(admin.StackedInline):
    model = MemberSettings
    fields = ["language"]
    can_delete = False
    max_num = 1


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class TeamMemberAdmin(UserAdmin):
    inlines = [MemberSettingsInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not MemberSettings:
            super().save_formset(request, form, formset, change)
            return
        member = formset.instance
        for chosen in formset.save(commit=False):  # also what the admin's history records
            choose_language(
                member, chosen.language, session=request.session if member == request.user else None
            )
