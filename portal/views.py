"""The client's read-only status portal, reached by a personal link. It reads only the portal's
own cookie, so a team session opens nothing here and a portal visit opens no team page."""

from __future__ import annotations

import datetime as dt
from functools import wraps
from zoneinfo import ZoneInfo

import icalendar
from django import forms
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from comms.calendars import Clocks
from comms.models import Deadline, Update, UpdateVisual
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
            return render(request, "portal/expired.html", status=403)
        timezone.activate(ZoneInfo(contact.client.calendar.time_zone))  # the client reads their own time
        request.contact = contact
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
def open_link(request, token):
    try:
        contact = contact_for_link(token)
    except LinkRefused:
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
    response = render(request, "portal/signed_out.html")
    response.delete_cookie(COOKIE)
    return response


@require_GET
@portal_contact
def home(request):
    projects = list(request.contact.projects.filter(client=request.contact.client).select_related("owner"))
    return render(request, "portal/home.html", {"contact": request.contact, "projects": projects})


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
    # The status line and RAG are the ones last written to the client, never the team's own
    # health, which speaks of drafts and internal escalations.
    updates = project.updates.filter(state=Update.State.SENT).order_by("-sent_at")
    commitments = list(project.commitments.exclude(status=Commitment.Status.DROPPED).order_by("due_on"))
    clocks = Clocks()
    today = clocks.client(project).local_date(timezone.now())  # the client's date, not UTC's
    context = {
        "contact": contact,
        "organisation": clocks.organisation(),
        "project": project,
        "upcoming": upcoming(project),
        "we_owe": project.commitments.filter(status=Commitment.Status.OPEN, waiting_for="").order_by(
            "due_on"
        ),
        "calendar_url": reverse("portal:calendar", args=[project.pk, calendar_token(contact)]),
        "updates": updates.prefetch_related("visuals")[:20],
        "latest": updates.first(),
        # Confirmed in writing, or made in writing in the first place (by email or chat).
        "decisions": project.decisions.filter(
            Q(confirmed_at__isnull=False) | (~Q(made_in__in=Decision.VOICE_VENUES) & Q(awaiting_client=False))
        ).order_by("-made_at"),
        "waiting_on_you": project.decisions.filter(awaiting_client=True),
        "promises_waiting_on_you": project.commitments.filter(status=Commitment.Status.OPEN).exclude(
            waiting_for=""
        ),
        "issues_waiting_on_you": project.escalations.filter(internal=False, paused_at__isnull=False),
        "commitments": commitments,
        "overdue": {commitment.pk for commitment in commitments if commitment.is_overdue(today)},
        "phases": project.phase_changes.all(),
        "channel_rules": project.channel_rules.order_by("message_type"),
    }
    return render(request, "portal/project.html", context)


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
    email = forms.EmailField(label="Your email address")


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
        return f"Check-in, day {deadline.checkin_day} after launch"
    return "Next written update"


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
        event.add("summary", f"{project.name}: promised — {commitment.description}")
        event.add("dtstart", commitment.due_on)
        event.add("dtstamp", timezone.now())
        feed.add_component(event)
    return HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
