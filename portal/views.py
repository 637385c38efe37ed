"""The client's read-only status portal, reached by a personal link. It reads only the portal's
own cookie, so a team session opens nothing here and a portal visit opens no team page."""

from __future__ import annotations

import datetime as dt
from functools import wraps
from zoneinfo import ZoneInfo

import icalendar
from django import forms
from django.db.models import Case, F, Q, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from comms.calendars import Clocks
from comms.models import Deadline, Update, UpdateVisual
from portal.language import in_browsers_language, speaking_to, speaking_to_browser
from portal.links import within_request_limits
from portal.tasks import mail_sign_in_link
from projects.models import Commitment, Decision, OrganisationSettings
from projects.network import request_ip
from projects.portal_access import (
    LinkRefused,
    calendar_token,
    contact_for_calendar,
    contact_for_link,
    contact_for_session,
    end_sessions,
    session_value,
)

COOKIE = "client_portal"  # a cookie of its own: the portal never shares the team's session


def portal_contact(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        contact = contact_for_session(request.COOKIES.get(COOKIE))
        if contact is None:
            with speaking_to_browser(request):
                return render(request, "portal/expired.html", status=403)
        timezone.activate(ZoneInfo(contact.client.calendar.time_zone))  # the client reads their own time
        request.contact = contact
        # Read once, and only if a page or the contact's language needs it.
        request.organisation = SimpleLazyObject(OrganisationSettings.current)
        with speaking_to(contact, request.organisation):  # the client reads their own language
            return view(request, *args, **kwargs)

    return wrapped


@require_GET
def open_link(request, token):
    try:
        contact = contact_for_link(token)
    except LinkRefused:
        with speaking_to_browser(request):
            return render(request, "portal/expired.html", status=403)
    response = redirect("portal:home")
    response.set_cookie(
        COOKIE,
        session_value(contact),
        max_age=int(OrganisationSettings.current().portal_session_age.total_seconds()),
        httponly=True,
        secure=request.is_secure(),
        samesite="Lax",
    )
    return response


@require_POST
def sign_out(request):
    contact = contact_for_session(request.COOKIES.get(COOKIE))
    if contact is not None:
        end_sessions(contact)  # a copy of the cookie, kept or stolen, opens nothing either
    with speaking_to(contact) if contact else speaking_to_browser(request):
        response = render(request, "portal/signed_out.html")
    response.delete_cookie(COOKIE)
    return response


@require_GET
@portal_contact
def home(request):
    projects = list(request.contact.projects.filter(client=request.contact.client).select_related("owner"))
    return render(request, "portal/home.html", {"contact": request.contact, "projects": projects})


# Entries of each long list (updates, promises, decisions) on a page: the project page shows the
# first page of each, so it costs the same to render for a project of a month or of five years.
PAGE = 20


class OlderForm(forms.Form):
    """`?older=updates&page=2`: one list's older page, which works without JavaScript."""

    older = forms.ChoiceField(
        choices=[("updates", "updates"), ("promises", "promises"), ("decisions", "decisions")]
    )
    page = forms.IntegerField(min_value=1, max_value=10_000)


@require_GET
@portal_contact
def project_status(request, pk):
    contact = request.contact
    project = (
        contact.projects.filter(client=contact.client, pk=pk)
        .select_related("owner", "lead", "client__calendar")
        .first()
    )
    if project is None:
        raise Http404("No such project for you.")
    today = Clocks().client(project).local_date(timezone.now())  # the client's date, not UTC's
    if "older" in request.GET:
        return older_page(request, project, today)
    updates, next_update = page_of(sent_updates(project), 1)
    promises, next_promise = page_of(promises_to_client(project), 1)
    decisions, next_decision = page_of(decisions_for_client(project), 1)
    # Whose move reads the open items off the first page of each list, which puts them first; a
    # project with more open than a page holds says so and links to the rest.
    open_promises = [promise for promise in promises if promise.status == Commitment.Status.OPEN]
    context = {
        "contact": contact,
        "organisation": request.organisation,
        "project": project,
        "upcoming": upcoming(project),
        "we_owe": [promise for promise in open_promises if not promise.waiting_for],
        "promises_waiting_on_you": [promise for promise in open_promises if promise.waiting_for],
        "more_open_promises": next_promise is not None and next_promise.status == Commitment.Status.OPEN,
        "waiting_on_you": [decision for decision in decisions if decision.awaiting_client],
        "more_waiting_decisions": next_decision is not None and next_decision.awaiting_client,
        "issues_waiting_on_you": project.escalations.filter(internal=False, paused_at__isnull=False),
        "calendar_url": reverse("portal:calendar", args=[project.pk, calendar_token(contact)]),
        # The status line and RAG are the ones last written to the client, never the team's own
        # health, which speaks of drafts and internal escalations.
        "latest": updates[0] if updates else None,
        "updates": updates,
        "more_updates": next_update is not None,
        "commitments": promises,
        "more_promises": next_promise is not None,
        "overdue": {promise.pk for promise in promises if promise.is_overdue(today)},
        "decisions": decisions,
        "more_decisions": next_decision is not None,
        "phases": project.phase_changes.all(),
        "channel_rules": project.channel_rules.order_by("message_type"),
    }
    return render(request, "portal/project.html", context)


def older_page(request, project, today):
    """One list's older entries, a page at a time, with links to newer and older pages."""
    form = OlderForm(request.GET)
    if not form.is_valid():
        return render(request, "portal/no_such_page.html", {"project": project}, status=400)
    older, number = form.cleaned_data["older"], form.cleaned_data["page"]
    lists = {"updates": sent_updates, "promises": promises_to_client, "decisions": decisions_for_client}
    entries, following = page_of(lists[older](project), number)
    context = {
        "contact": request.contact,
        "project": project,
        "older": older,
        "entries": entries,
        "newer_number": number - 1,
        "older_number": number + 1 if following is not None else None,
        "overdue": {entry.pk for entry in entries if older == "promises" and entry.is_overdue(today)},
    }
    return render(request, "portal/project_older.html", context)


def page_of(entries, number):
    """Page `number` of `entries` and the first entry after it (None on the last page), in one
    query: one row is read past the page instead of counting them all."""
    start = (number - 1) * PAGE
    rows = list(entries[start : start + PAGE + 1])
    return rows[:PAGE], rows[PAGE] if len(rows) > PAGE else None


def sent_updates(project):
    """What the client was sent, newest first; never a draft or a discarded update."""
    return (
        project.updates.filter(state=Update.State.SENT)
        .order_by("-sent_at", "-pk")
        .prefetch_related("visuals")
    )


def promises_to_client(project):
    """Open promises first, soonest due first, however old; then the kept ones, last kept first."""
    is_open = Q(status=Commitment.Status.OPEN)
    return project.commitments.exclude(status=Commitment.Status.DROPPED).order_by(
        Case(When(is_open, then=Value(0)), default=Value(1)),
        Case(When(is_open, then=F("due_on"))).asc(),
        F("done_on").desc(nulls_last=True),
        "-pk",
    )


def decisions_for_client(project):
    """Decisions waiting on the client first, however old; then what was agreed in writing, newest
    first: confirmed in writing, or made in writing in the first place (by email or chat)."""
    agreed = Q(confirmed_at__isnull=False) | (
        ~Q(made_in__in=Decision.VOICE_VENUES) & Q(awaiting_client=False)
    )
    return project.decisions.filter(agreed | Q(awaiting_client=True)).order_by(
        "-awaiting_client", "-made_at", "-pk"
    )


@require_GET
@portal_contact
def visual(request, pk):
    """An image sent with an update, to the client's people on its project."""
    contact = request.contact
    shown = UpdateVisual.objects.filter(
        update__state=Update.State.SENT,
        update__project__in=contact.projects.filter(client=contact.client),
    ).exclude(image="")
    return FileResponse(get_object_or_404(shown, pk=pk).image.open("rb"))


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your email address"))


@in_browsers_language
def request_link(request):
    """ "Send me a new link": the same answer, after the same work, for known and unknown addresses
    (one queued job each); too many requests for one email address or from one client address (behind
    the trusted proxies) get 429 with a clear message."""
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        ip = request_ip(request)
        if not within_request_limits(email=email, ip=ip):
            return render(request, "portal/request_link.html", {"form": form, "limited": True}, status=429)
        mail_sign_in_link.delay_on_commit(email, timezone.now().isoformat())
        context = {"form": LinkRequestForm(), "sent": True, "organisation": OrganisationSettings.current()}
        return render(request, "portal/request_link.html", context)
    return render(request, "portal/request_link.html", {"form": form}, status=400 if form.errors else 200)


def upcoming(project):
    """What the client will hear next and when: the next update and the post-launch check-ins."""
    deadlines = project.deadlines.filter(
        is_active=True, kind__in=[Deadline.Kind.CADENCE_UPDATE, Deadline.Kind.CHECKIN]
    ).order_by("owed_at", "due_at")
    return [(deadline.owed_at or deadline.due_at, describe_upcoming(deadline)) for deadline in deadlines]


def describe_upcoming(deadline):
    if deadline.kind == Deadline.Kind.CHECKIN:
        return gettext("Check-in, day %(day)s after launch") % {"day": deadline.checkin_day}
    return gettext("Next written update")


@require_GET
def calendar_feed(request, pk, token):
    """An iCalendar feed of upcoming check-ins and promised dates, for the contact's calendar app."""
    try:
        contact = contact_for_calendar(token)
    except LinkRefused:
        raise Http404("This calendar address no longer works; request a new link.") from None
    project = contact.projects.filter(client=contact.client, pk=pk).first()
    if project is None:
        raise Http404("No such project for you.")
    with speaking_to(contact):  # the event titles, in the contact's language
        return HttpResponse(feed_of(project).to_ical(), content_type="text/calendar; charset=utf-8")


def feed_of(project):
    """The project's upcoming dates and open promises as an iCalendar, titled in the active language."""
    feed = icalendar.Calendar()
    feed.add("prodid", "-//Client communication portal//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{project.name} — {project.client.name}")
    for at, title in upcoming(project):
        event = icalendar.Event()
        event.add("uid", f"{project.pk}-{title}-{at:%Y%m%d}@portal")
        event.add("summary", f"{project.name}: {title}")
        event.add("dtstart", at)
        event.add("dtend", at + dt.timedelta(minutes=30))
        event.add("dtstamp", timezone.now())
        feed.add_component(event)
    for commitment in project.commitments.filter(status=Commitment.Status.OPEN):
        event = icalendar.Event()
        event.add("uid", f"commitment-{commitment.pk}@portal")
        promised = gettext("promised — %(promise)s") % {"promise": commitment.description}
        event.add("summary", f"{project.name}: {promised}")
        event.add("dtstart", commitment.due_on)
        event.add("dtstamp", timezone.now())
        feed.add_component(event)
    return feed
