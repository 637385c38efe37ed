"""The lead's dashboard: the portfolio, and the project page where all client communication work
is done. Views parse a form, call a service, and redirect or re-render with the errors."""

from __future__ import annotations

from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from comms.autopilot import (
    DraftSuperseded,
    NoRecipients,
    StaleDraft,
    edit_draft,
    schedule_cadence,
    send_update,
)
from comms.calendars import Clocks
from comms.channel_plan import why_not
from comms.lifecycle import (
    AlreadyLogged,
    change_phase,
    create_project,
    log_decision,
    log_kickoff,
    log_meeting,
    record_launch,
    update_project,
)
from comms.lint import DEFAULT_JARGON, lint
from comms.models import Attachment, Message, Update, UpdateVisual
from comms.plan import set_cadence, set_channels
from comms.record import PageRecord, describe_cadence, person_name
from comms.responses import answered_by_phone, reply_to_client
from comms.search import search_record
from comms.search_form import RecordSearchForm
from comms.task_updates import complete_commitment, report_progress
from comms.visuals import add_visual, remove_visual
from dashboard.charts import weekly_bars
from dashboard.forms import (
    CadenceForm,
    ChannelsForm,
    CommitmentForm,
    ConnectionsForm,
    ContactForm,
    DecisionForm,
    DeliveryTermsForm,
    DraftForm,
    DraftTextForm,
    EscalationForm,
    EscalationPathForm,
    EscalationStepForm,
    KickoffForm,
    LaunchForm,
    MeetingForm,
    NewProjectForm,
    PeopleForm,
    PhaseForm,
    PhoneAnswerForm,
    PortfolioFilter,
    ProgressForm,
    ReplyForm,
    VisualForm,
    WaitingForm,
)
from dashboard.moves import projects_in_view, whose_move
from dashboard.portfolio import health_of, portfolio, weekly_team_figures
from dashboard.project_page import (
    Folds,
    People,
    cadence_by_phase,
    channel_rules,
    page_facts,
    serve_choices,
    team_date,
    team_zone,
    timeline,
    with_team_zone,
)
from escalations import satisfaction
from escalations import services as escalation_services
from escalations.models import Escalation, Tier
from projects.contacts import add_contact, deactivate_contact, edit_contact, set_portal_access
from projects.languages import language_name
from projects.models import Client, Commitment, Contact, Phase, Project
from projects.services import add_commitment, wait_on_client_for

TIMELINE_LENGTH = 100  # the newest entries; the search page reaches the whole record
WAITING_SHOWN = 10  # client emails to answer, the soonest due first
PORTFOLIO_PAGE = 50
TIMELINE_KINDS = [
    ("", gettext_lazy("Everything")),
    ("message", gettext_lazy("Messages")),
    ("update", gettext_lazy("Updates")),
    ("decision", gettext_lazy("Decisions")),
    ("commitment", gettext_lazy("Commitments")),
    ("phase_change", gettext_lazy("Phase changes")),
]


def team_time():
    """Times on the dashboard read in the team's own zone."""
    timezone.activate(ZoneInfo(Clocks().team_default_calendar().time_zone))


def project_action(view):
    """A change made from the project page. A failed form comes back on that page with its section
    open; htmx swaps the section in place, so the address stays the project page's. The action's
    own address answers a GET (a reload or a bookmark of it) with the project page."""

    @login_required
    @wraps(view)
    def action(request, pk, **kwargs):
        if request.method != "POST":
            return redirect("dashboard:project", pk=pk)
        return view(request, pk, **kwargs)

    return action


@login_required
@require_GET
def portfolio_page(request):
    team_time()
    now = timezone.now()
    visible = Project.objects.visible_to(request.user)
    filters = PortfolioFilter(
        request.GET or None,
        owners=get_user_model().objects.filter(pk__in=visible.values("owner")).order_by("first_name"),
        clients=Client.objects.filter(pk__in=visible.values("client")),
    )
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = portfolio(
        request.user,
        now=now,
        owner=chosen.get("owner"),
        phase=chosen.get("phase"),
        client=chosen.get("client"),
        health=chosen.get("health"),
        search=chosen.get("q", ""),
    )
    replies, updates = weekly_team_figures(visible, now=now)
    charts = [
        (title, mark_safe(weekly_bars(title, weeks, maximum=100)))  # charts.py escapes every text it draws
        for title, weeks in [
            (_("Client emails answered in time, per week"), replies),
            (_("Updates sent by the time they were owed, per week"), updates),
        ]
    ]
    page = Paginator(rows, PORTFOLIO_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/portfolio.html",
        {
            "rows": page.object_list,
            "page": page,
            "total": len(rows),
            "filters": filters,
            "now": now,
            "query": query.urlencode(),
            "charts": charts,
        },
    )


@login_required
def new_project_page(request):
    team_time()
    form = NewProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        contacts, team = data.pop("contacts"), data.pop("team")
        project = create_project(by=request.user, contacts=contacts, team=team, **data)
        messages.success(
            request, _("Project created. Log the kickoff call when it has happened: that starts its updates.")
        )
        return redirect("dashboard:project", pk=project.pk)
    status = 400 if form.is_bound else 200
    return render(request, "dashboard/new_project.html", {"form": form}, status=status)


@project_action
def log_kickoff_view(request, pk):
    project = project_for(request, pk)
    form = KickoffForm(request.POST)
    if form.is_valid():
        try:
            log_kickoff(project, at=form.cleaned_data["held_at"], by=request.user)
        except (AlreadyLogged, ValidationError) as problem:
            form.add_error(
                "held_at", problem.messages[0] if isinstance(problem, ValidationError) else str(problem)
            )
    if not form.is_valid():
        return render_project(request, project, status=400, kickoff=form)
    return done(
        request,
        project,
        _("Kickoff logged: the kickoff summary is drafted for your review and the cadence has started."),
    )


def project_for(request, pk):
    """A project the user works on; any other gives 404, so its existence is not revealed. Times
    on its page are read and shown in the team's zone, typed ones included (`team_time`'s zone,
    read with the project)."""
    # Visibility as a correlated EXISTS: PostgreSQL plans it in half the time of an IN over the
    # rule's DISTINCT ids, and the DISTINCT over the whole joined row took longer to plan than to run.
    visible = Project.objects.filter(
        Exists(Project.objects.visible_to(request.user).filter(pk=OuterRef("pk")))
    )
    project = get_object_or_404(
        with_team_zone(visible).select_related(
            "client__calendar", "client__account_owner", "owner", "lead", "team_calendar"
        ),
        pk=pk,
    )
    timezone.activate(ZoneInfo(project.team_zone))
    return project


@login_required
@require_GET
def project_page(request, pk):
    return render_project(request, project_for(request, pk))


@login_required
@require_GET
def attachment_view(request, pk):
    """A file that came with client mail, for people who can see its project (admins: also mail
    that matched none). Always a download: a client's HTML must not open as one of our pages."""
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user).exclude(file=""), pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )


@login_required
@require_GET
def search_page(request):
    """The whole record of the projects the user may see, ranked by how well it answers the words."""
    team_time()
    form = RecordSearchForm(request.GET or None, projects=Project.objects.visible_to(request.user))
    hits = search_record(**form.search(team_zone=timezone.get_current_timezone())) if form.is_valid() else []
    return render(
        request, "dashboard/search.html", {"form": form, "hits": hits}, status=400 if form.errors else 200
    )


def render_project(request, project, *, status=200, **forms):
    """The page in a fixed number of queries: each table is read once for all the sections that
    show it (tests/dashboard/test_project_page_queries.py holds the count)."""
    now = timezone.now()
    # `project_for` has checked who sees it; asking again joins the team, one row per member.
    facts = page_facts(team_date(project, now)).get(pk=project.pk)
    kind = request.GET.get("kind", "")
    opened = request.GET.get("open", "")
    folds = Folds(forms, opened)
    record = PageRecord(
        project, latest=TIMELINE_LENGTH, kind=kind, waiting_shown=WAITING_SHOWN, team_zone=team_zone(project)
    )
    promised = [c.description for c in record.commitments if c.status == Commitment.Status.OPEN]
    people = People(project)
    path = Tier.path_for(project)
    cadence = cadence_by_phase(facts)
    rules = channel_rules(facts)
    # The forms that offer the team, which is read only for them.
    people_form = folds.form("people", "people", PeopleForm, instance=project)
    path_form = folds.form("path", "path", EscalationPathForm, path=path)
    context = {
        "project": project,
        "health": health_of(facts, now=now),
        "now": now,
        # One query serves the list and each contact's form, built when its fold is opened.
        "contacts": [
            (
                contact,
                folds.form(f"contact_{contact.pk}", f"contact-{contact.pk}", contact_form, contact),
            )
            for contact in project.contacts.all()
        ],
        "new_contact_form": folds.form("new_contact", "new-contact", new_contact_form, project),
        # A new person's mail asks for them to be added until they are.
        "client_addresses": people.client_addresses,
        "channel_rules": [(rule, why_not(project, rule.channel)) for rule in rules],
        "cadence": [
            (label, describe_cadence(cadence.get(phase)))
            for phase, label in Phase.choices
            if phase != Phase.CLOSED
        ],
        "tiers": [(tier, [person_name(user) for user in tier.responders(project)]) for tier in path],
        "deadlines": project.deadlines.filter(is_active=True).order_by("due_at")[:20],
        "drafts": [
            (
                draft,
                forms.get(f"draft_{draft.pk}")
                or DraftForm(instance=draft, initial={"revision": draft.revision}),
                lint(
                    draft.kind,
                    draft.technical_body,
                    open_commitments=promised,
                    # A person's text may still call these open.
                    done_commitments=[c.description for c in record.promises_done_since(draft.edited_at)]
                    if draft.edited_at
                    else [],
                    jargon=settings.JARGON_WORDS or DEFAULT_JARGON,
                    visuals=len(draft.visuals.all()),
                ),
                record.changes_since(draft.edited_at) if draft.edited_at else [],
                folds.form(
                    f"visual_{draft.pk}",
                    f"visual-{draft.pk}",
                    VisualForm,
                    prefix=f"visual-{draft.pk}",
                ),
                [
                    (
                        text,
                        language_name(text.language),
                        forms.get(f"text_{draft.pk}_{text.language}")
                        or DraftTextForm(instance=text, draft=draft),
                    )
                    for text in draft.texts.all()
                ],
            )
            for draft in record.drafts
        ],
        "waiting": [
            (
                message,
                forms.get(f"reply_{message.pk}") or ReplyForm(),
                folds.form(
                    f"phone_{message.pk}",
                    f"phone-{message.pk}",
                    PhoneAnswerForm,
                    prefix=f"phone-{message.pk}",
                ),
            )
            for message in record.waiting
        ],
        "more_waiting": facts.unanswered_mails - len(record.waiting),
        "commitments": [
            (
                commitment,
                folds.form(
                    f"progress_{commitment.pk}",
                    f"progress-{commitment.pk}",
                    progress_form,
                    commitment,
                ),
                folds.form(
                    f"waiting_{commitment.pk}",
                    f"waiting-{commitment.pk}",
                    waiting_form,
                    commitment,
                ),
            )
            for commitment in record.commitments
        ],
        "escalations": [
            (
                escalation,
                folds.form(
                    f"step_{escalation.pk}",
                    f"step-{escalation.pk}",
                    EscalationStepForm,
                    auto_id=f"step-{escalation.pk}-%s",
                ),
            )
            for escalation in project.escalations.exclude(state=Escalation.State.CLOSED).select_related(
                "first_responder"
            )
        ],
        "entries": timeline(
            record.entries, zone=timezone.get_current_timezone(), known_addresses=people.client_addresses
        ),
        "timeline_kinds": TIMELINE_KINDS,
        "kind": kind,
        "open": opened,
        "decision_form": serve_choices(
            forms.get("decision") or DecisionForm(project=project), project.contacts.all(), "agreed_by"
        ),
        "commitment_form": forms.get("commitment") or CommitmentForm(),
        "phase_form": forms.get("phase") or PhaseForm(project=project),
        # Opened, it reads the organisation's routes to say which categories tell the client.
        "escalation_form": folds.form("escalation", "raise", EscalationForm),
        "launch_form": forms.get("launch") or LaunchForm(project=project),
        "kickoff_form": forms.get("kickoff") or KickoffForm(),
        "audiences": Contact.Kind.choices,
        "channels_form": folds.form(
            "channels",
            "channels",
            ChannelsForm,
            rules={rule.message_type: rule.channel for rule in rules},
        ),
        "cadence_form": folds.form("cadence", "cadence", CadenceForm, initial={"phase": project.phase}),
        "people_form": people_form
        and serve_choices(
            serve_choices(people_form, people.team, "owner", "lead", "team"),
            people.client_contacts,
            "contacts",
        ),
        "terms_form": folds.form("terms", "terms", DeliveryTermsForm, instance=project),
        "connections_form": folds.form("connections", "connections", ConnectionsForm, instance=project),
        "satisfaction": satisfaction.for_project(project),
        "path_form": path_form
        and serve_choices(path_form, people.team, *(f"l{tier.level}" for tier in path)),
        "meeting_form": forms.get("meeting") or MeetingForm(),
    }
    return render(request, "dashboard/project.html", context, status=status)


def done(request, project, text):
    messages.success(request, text)
    return back_to_project(request, project)


def refused(request, project, text):
    messages.error(request, text)
    return back_to_project(request, project)


def back_to_project(request, project):
    """A change shows in more than one section (a decision drafts its confirmation), so the whole
    page is read again; htmx is asked to load it rather than swap in one part."""
    url = reverse("dashboard:project", args=[project.pk])
    if request.headers.get("HX-Request"):
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


@project_action
def save_draft(request, pk, update_pk):
    project = project_for(request, pk)
    update = get_object_or_404(project.updates, pk=update_pk)
    form = DraftForm(request.POST, instance=update)
    if not form.is_valid():
        return render_project(request, project, status=400, **{f"draft_{update.pk}": form})
    try:
        edit_draft(update, **form.cleaned_data)
    except StaleDraft as problem:
        form.add_error(None, str(problem))
        return render_project(request, project, status=409, **{f"draft_{update.pk}": form})
    if "send" in request.POST:
        try:
            send_update(update, by=request.user, now=timezone.now())
        except (NoRecipients, DraftSuperseded) as problem:
            # The edit is saved; what stops the sending is said beside the draft, in a form bound
            # to the saved text (an unbound form cannot carry an error).
            saved_text = {name: getattr(update, name) for name in DraftForm.Meta.fields}
            form = DraftForm({**saved_text, "revision": update.revision}, instance=update)
            form.is_valid()
            form.add_error(None, _("Saved, not sent: %(problem)s") % {"problem": problem})
            return render_project(request, project, status=409, **{f"draft_{update.pk}": form})
        return done(
            request, project, _("“%(subject)s” is on its way to the client.") % {"subject": update.subject}
        )
    return done(request, project, _("Draft saved."))


@project_action
def save_draft_text(request, pk, update_pk, language):
    """Save a draft's text in one more language; saving it as it stands is its review."""
    project = project_for(request, pk)
    update = get_object_or_404(project.updates, pk=update_pk)
    if language not in dict(settings.LANGUAGES):
        raise Http404("We do not write in that language.")
    text = get_object_or_404(update.texts, language=language)
    form = DraftTextForm(request.POST, instance=text, draft=update)
    name = f"text_{update.pk}_{language}"
    if not form.is_valid():
        return render_project(request, project, status=400, **{name: form})
    try:
        edit_draft(update, **form.cleaned_data, language=language)
    except StaleDraft as problem:
        form.add_error(None, str(problem))
        return render_project(request, project, status=409, **{name: form})
    return done(request, project, _("%(language)s text saved.") % {"language": language_name(language)})


@project_action
def add_visual_view(request, pk, update_pk):
    project = project_for(request, pk)
    update = get_object_or_404(
        project.updates, pk=update_pk, state__in=[Update.State.DRAFT, Update.State.OVERDUE]
    )
    form = VisualForm(request.POST, request.FILES, prefix=f"visual-{update.pk}")
    if saved(form, add_visual, update=update, now=timezone.now()) is None:
        return render_project(request, project, status=400, **{f"visual_{update.pk}": form})
    return done(
        request,
        project,
        _("“%(caption)s” added to “%(subject)s”.")
        % {"caption": form.cleaned_data["caption"], "subject": update.subject},
    )


@project_action
def remove_visual_view(request, pk, visual_pk):
    project = project_for(request, pk)
    visual = get_object_or_404(
        UpdateVisual.objects.select_related("update"), pk=visual_pk, update__project=project
    )
    try:
        remove_visual(visual)
    except ValidationError as error:
        return refused(request, project, error.messages[0])
    return done(request, project, _("“%(caption)s” removed.") % {"caption": visual.caption})


@login_required
@require_GET
def visual_view(request, pk):
    """An update's image, for people who can see its project."""
    visible = UpdateVisual.objects.filter(update__project__in=Project.objects.visible_to(request.user))
    visual = get_object_or_404(visible.exclude(image=""), pk=pk)
    return FileResponse(visual.image.open("rb"))


@project_action
def log_decision_view(request, pk):
    project = project_for(request, pk)
    form = DecisionForm(request.POST, project=project)
    if not form.is_valid():
        return render_project(request, project, status=400, decision=form)
    data = form.cleaned_data
    decision = log_decision(
        project,
        summary=data["summary"],
        made_in=data["made_in"],
        made_at=data["made_at"],
        by=request.user,
        agreed_by=data["agreed_by"],
        awaiting_client=data["awaiting_client"],
        now=timezone.now(),
    )
    if decision.confirmations.exists():
        return done(request, project, _("Decision logged; its written confirmation is drafted below."))
    return done(request, project, _("Decision logged."))


@project_action
def add_commitment_view(request, pk):
    project = project_for(request, pk)
    form = CommitmentForm(request.POST)
    if not form.is_valid():
        return render_project(request, project, status=400, commitment=form)
    add_commitment(project, **form.cleaned_data)
    return done(request, project, _("Commitment added; updates will restate it until it is done."))


@project_action
def complete_commitment_view(request, pk, commitment_pk):
    project = project_for(request, pk)
    commitment = get_object_or_404(project.commitments, pk=commitment_pk, status=Commitment.Status.OPEN)
    complete_commitment(commitment, on=timezone.localdate())
    return done(request, project, _("“%(promise)s” is done.") % {"promise": commitment.description})


@project_action
def commitment_progress_view(request, pk, commitment_pk):
    project = project_for(request, pk)
    commitment = get_object_or_404(project.commitments, pk=commitment_pk, status=Commitment.Status.OPEN)
    form = progress_form(commitment, request.POST)
    if saved(form, report_progress, commitment=commitment) is None:
        return render_project(request, project, status=400, **{f"progress_{commitment.pk}": form})
    return done(
        request,
        project,
        _("“%(promise)s”: %(progress)s%% done.")
        % {"promise": commitment.description, "progress": commitment.progress},
    )


@project_action
def commitment_waiting_view(request, pk, commitment_pk):
    """Held up by the client, or going again ("resume"): the next update says whose move it is."""
    project = project_for(request, pk)
    commitment = get_object_or_404(project.commitments, pk=commitment_pk, status=Commitment.Status.OPEN)
    if "resume" in request.POST:
        wait_on_client_for(commitment, what="", now=timezone.now())
        return done(
            request, project, _("“%(promise)s” is our move again.") % {"promise": commitment.description}
        )
    form = waiting_form(commitment, request.POST)
    if saved(form, wait_on_client_for, commitment=commitment, now=timezone.now()) is None:
        return render_project(request, project, status=400, **{f"waiting_{commitment.pk}": form})
    return done(
        request,
        project,
        _("“%(promise)s” waits on the client for %(what)s.")
        % {"promise": commitment.description, "what": commitment.waiting_for},
    )


@project_action
def connections_view(request, pk):
    project = project_for(request, pk)
    form = ConnectionsForm(request.POST, instance=project)
    if saved(form, update_project, project=project, by=request.user) is None:
        return render_project(request, project, status=400, connections=form)
    return done(request, project, _("Chat and board connections saved."))


@project_action
def delivery_terms_view(request, pk):
    project = project_for(request, pk)
    form = DeliveryTermsForm(request.POST, instance=project)
    if saved(form, update_project, project=project, by=request.user) is None:
        return render_project(request, project, status=400, terms=form)
    return done(request, project, _("Drafts and delivery terms saved."))


@project_action
def change_phase_view(request, pk):
    project = project_for(request, pk)
    form = PhaseForm(request.POST, project=project)
    if not form.is_valid():
        return render_project(request, project, status=400, phase=form)
    change_phase(project, to=form.cleaned_data["to"], by=request.user, note=form.cleaned_data["note"])
    return done(request, project, _("Phase changed; the one-line notice to the client is drafted below."))


@project_action
def reply_view(request, pk, message_pk):
    project = project_for(request, pk)
    message = get_object_or_404(project.messages, pk=message_pk, direction=Message.Direction.IN)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render_project(request, project, status=400, **{f"reply_{message.pk}": form})
    reply_to_client(message, by=request.user, body=form.cleaned_data["body"], now=timezone.now())
    return done(request, project, _("Reply sent to %(address)s.") % {"address": message.from_email})


@project_action
def answered_by_phone_view(request, pk, message_pk):
    """The client was rung back: the note is the record of the answer, and it meets the deadline."""
    project = project_for(request, pk)
    message = get_object_or_404(
        project.messages, pk=message_pk, direction=Message.Direction.IN, responded_at__isnull=True
    )
    form = PhoneAnswerForm(request.POST, prefix=f"phone-{message.pk}")
    if not form.is_valid():
        return render_project(request, project, status=400, **{f"phone_{message.pk}": form})
    answered_by_phone(
        message, by=person_name(request.user), note=form.cleaned_data["note"], now=timezone.now()
    )
    return done(
        request,
        project,
        _("Answered %(address)s by phone; the note is kept with their mail.")
        % {"address": message.from_email},
    )


@project_action
def raise_escalation_view(request, pk):
    project = project_for(request, pk)
    form = EscalationForm(request.POST)
    if not form.is_valid():
        return render_project(request, project, status=400, escalation=form)
    escalation = escalation_services.raise_escalation(
        project, by=request.user, now=timezone.now(), **form.cleaned_data
    )
    return done(
        request,
        project,
        _("Escalation raised and sent to %(person)s.") % {"person": person_name(escalation.first_responder)},
    )


@project_action
def acknowledge_escalation_view(request, pk, escalation_pk):
    project = project_for(request, pk)
    escalation = get_object_or_404(project.escalations, pk=escalation_pk)
    try:
        escalation_services.acknowledge(escalation, by=request.user, now=timezone.now())
    except escalation_services.EscalationError as problem:
        return refused(request, project, str(problem))
    return done(request, project, _("Escalation acknowledged."))


@project_action
def escalation_step_view(request, pk, escalation_pk):
    """Move up, comment, wait on the client, resume, resolve or close: what the procedure refuses
    comes back in words beside the form."""
    project = project_for(request, pk)
    escalation = get_object_or_404(project.escalations, pk=escalation_pk)
    form = EscalationStepForm(request.POST, auto_id=f"step-{escalation.pk}-%s")
    if not form.is_valid():
        return render_project(request, project, status=400, **{f"step_{escalation.pk}": form})
    data, now = form.cleaned_data, timezone.now()
    steps = {
        "move_up": lambda: escalation_services.move_up(
            escalation, by=request.user, reason=data["note"] or "Moved up by hand", now=now
        ),
        "comment": lambda: escalation_services.comment(
            escalation, by=request.user, note=data["note"], now=now
        ),
        "wait": lambda: escalation_services.wait_on_client(
            escalation, by=request.user, what=data["note"], now=now
        ),
        "resume": lambda: escalation_services.resume(escalation, by=request.user, now=now),
        "resolve": lambda: escalation_services.resolve(
            escalation, by=request.user, resolution=data["note"], now=now
        ),
        "close": lambda: escalation_services.close(
            escalation,
            by=request.user,
            now=now,
            resolution=data["note"],
            what=data["what"],
            why=data["why"],
            prevention=data["prevention"],
        ),
    }
    try:
        steps[data["step"]]()
    except escalation_services.EscalationError as problem:
        form.add_error(None, str(problem))
        return render_project(request, project, status=409, **{f"step_{escalation.pk}": form})
    step = dict(EscalationStepForm.STEPS)[data["step"]].lower()
    return done(request, project, _("Escalation: %(step)s done.") % {"step": step})


@project_action
def record_launch_view(request, pk):
    project = project_for(request, pk)
    form = LaunchForm(request.POST, project=project)
    if not form.is_valid():
        return render_project(request, project, status=400, launch=form)
    record_launch(project, at=form.cleaned_data["launched_at"], by=request.user)
    return done(
        request,
        project,
        _("Launch recorded: the delivery summary is drafted and the day-7 and day-30 check-ins are booked."),
    )


@project_action
def log_meeting_view(request, pk):
    project = project_for(request, pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        return render_project(request, project, status=400, meeting=form)
    log_meeting(project, by=request.user, now=timezone.now(), **form.cleaned_data)
    return done(request, project, _("Recap drafted below; it goes to the client in writing."))


@login_required
@require_GET
def preview_draft(request, pk, update_pk, audience):
    """The draft as the client will read it: the executive's status at a glance or the technical
    detail, in the email's own layout. A whole page without JavaScript; htmx swaps in the part."""
    project = project_for(request, pk)
    update = get_object_or_404(project.updates, pk=update_pk)
    contact = project.contacts.filter(kind=audience).first() or Contact(name=_("(a contact)"), kind=audience)
    body = update.executive_body if audience == Contact.Kind.EXECUTIVE else update.technical_body
    context = {"update": update, "project": project, "contact": contact, "body": body, "audience": audience}
    template = "dashboard/_preview.html" if request.headers.get("HX-Request") else "dashboard/preview.html"
    return render(request, template, context)


@project_action
def channels_view(request, pk):
    project = project_for(request, pk)
    form = ChannelsForm(request.POST, rules={})
    if not form.is_valid():
        return render_project(request, project, status=400, channels=form)
    set_channels(project, form.cleaned_data)
    return done(request, project, _("Channel rules saved."))


@project_action
def cadence_view(request, pk):
    project = project_for(request, pk)
    form = CadenceForm(request.POST)
    if not form.is_valid():
        return render_project(request, project, status=400, cadence=form)
    set_cadence(project, **form.cleaned_data)
    if form.cleaned_data["phase"] == project.phase:
        schedule_cadence(project, last=timezone.now(), clocks=Clocks())
    phase = Phase(form.cleaned_data["phase"]).label
    return done(request, project, _("Cadence for %(phase)s saved.") % {"phase": phase})


@project_action
def people_view(request, pk):
    project = project_for(request, pk)
    form = PeopleForm(request.POST, instance=project)
    if not form.is_valid():
        return render_project(request, project, status=400, people=form)
    data = form.cleaned_data
    update_project(
        project,
        by=request.user,
        owner=data["owner"],
        lead=data["lead"],
        team=data["team"],
        contacts=data["contacts"],
    )
    return done(request, project, _("Owner, lead and contacts saved."))


def progress_form(commitment, data=None):
    return ProgressForm(data, instance=commitment, prefix=f"progress-{commitment.pk}")


def waiting_form(commitment, data=None):
    return WaitingForm(data, initial={"what": commitment.waiting_for}, prefix=f"waiting-{commitment.pk}")


def contact_form(contact, data=None):
    return ContactForm(data, instance=contact, prefix=f"contact-{contact.pk}")


def new_contact_form(project, data=None):
    return ContactForm(data, instance=Contact(client=project.client), auto_id="new-contact-%s")


def saved(form, action, **arguments):
    """Run a service on a valid form; what the model still refuses (an address the client already
    has, a done promise) comes back as the form's error."""
    if not form.is_valid():
        return None
    try:
        return action(**arguments, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@project_action
def add_contact_view(request, pk):
    project = project_for(request, pk)
    form = new_contact_form(project, request.POST)
    contact = saved(form, add_contact, project=project)
    if contact is None:
        return render_project(request, project, status=400, new_contact=form)
    return done(request, project, _("%(name)s added.") % {"name": contact.name})


@project_action
def edit_contact_view(request, pk, contact_pk):
    project = project_for(request, pk)
    contact = get_object_or_404(project.contacts, pk=contact_pk)
    form = contact_form(contact, request.POST)
    if saved(form, edit_contact, contact=contact) is None:
        return render_project(request, project, status=400, **{f"contact_{contact.pk}": form})
    return done(request, project, _("%(name)s saved.") % {"name": contact.name})


@project_action
def contact_portal_view(request, pk, contact_pk):
    project = project_for(request, pk)
    contact = get_object_or_404(project.contacts, pk=contact_pk)
    allowed = request.POST.get("access") == "grant"
    set_portal_access(contact, allowed=allowed)
    return done(
        request,
        project,
        (_("%(name)s may open the portal.") if allowed else _("Portal access of %(name)s revoked."))
        % {"name": contact.name},
    )


@project_action
def deactivate_contact_view(request, pk, contact_pk):
    project = project_for(request, pk)
    contact = get_object_or_404(project.contacts, pk=contact_pk)
    deactivate_contact(contact, project=project)
    return done(
        request,
        project,
        _("%(name)s is off this project, with no updates and no portal.") % {"name": contact.name},
    )


@project_action
def escalation_path_view(request, pk):
    project = project_for(request, pk)
    form = EscalationPathForm(request.POST, path=Tier.path_for(project))
    if not form.is_valid():
        return render_project(request, project, status=400, path=form)
    with transaction.atomic():
        for name, members in form.cleaned_data.items():
            Tier.override_for(project, int(name[1:]), members)
    return done(request, project, _("Escalation path saved; escalations raised from now on use it."))


@login_required
@require_GET
def moves_page(request):
    """Whose move across the user's projects: what the team owes clients, soonest due first, and
    what it waits for from them, with how long each clock has been paused."""
    team_time()
    now = timezone.now()
    mine = request.GET.get("projects") == "mine"
    moves = whose_move(projects_in_view(request.user, mine=mine), now=now)
    return render(request, "dashboard/moves.html", {"moves": moves, "mine": mine, "now": now})
