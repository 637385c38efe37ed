"""Whose move, across the projects a person may see: what the team owes its clients, soonest due
first, and what it waits for from them, longest waiting first. Five queries, however many projects
and items there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from comms.models import Message, Update
from escalations.models import Escalation
from projects.models import Commitment, Decision, Phase, Project

SAID_IN = 90  # characters of a summary or subject quoted in a line


@dataclass(frozen=True)
class Owed:
    project: Project
    what: str
    who: str
    due: dt.datetime
    overdue: bool
    section: str  # the part of the project page where it is done

    @property
    def link(self):
        return f"{reverse('dashboard:project', args=[self.project.pk])}{self.section}"


@dataclass(frozen=True)
class Awaited:
    project: Project
    what: str
    since: dt.datetime
    paused: dt.timedelta  # the clock's whole pause, earlier pauses of an escalation included
    section: str

    @property
    def link(self):
        return f"{reverse('dashboard:project', args=[self.project.pk])}{self.section}"

    @property
    def paused_words(self):
        return how_long(self.paused)


@dataclass(frozen=True)
class Moves:
    owed: list[Owed]
    awaited: list[Awaited]


def projects_in_view(user, *, mine=False):
    """Every project the user may see, or only those they own or lead."""
    projects = Project.objects.visible_to(user)
    return projects.filter(Q(owner=user) | Q(lead=user)) if mine else projects


def whose_move(projects, *, now):
    commitments = list(
        Commitment.objects.filter(project__in=projects, status=Commitment.Status.OPEN)
        # Closing a project stops its clocks: its promises stay on record but nobody owes them.
        .exclude(project__phase=Phase.CLOSED)
        .select_related("project__client__calendar", "project__owner")
    )
    escalations = list(
        Escalation.objects.filter(
            project__in=projects, state__in=[Escalation.State.OPEN, Escalation.State.ACKNOWLEDGED]
        ).select_related("project__client", "first_responder")
    )
    owed = [
        *replies_owed(projects, now=now),
        *updates_owed(projects, now=now),
        *promises_owed(commitments, now=now),
        *escalations_owed(escalations, now=now),
    ]
    awaited = [
        *promises_awaited(commitments, now=now),
        *escalations_awaited(escalations, now=now),
        *decisions_awaited(projects, now=now),
    ]
    return Moves(
        owed=sorted(owed, key=lambda item: (item.due, item.project.name, item.what)),
        awaited=sorted(awaited, key=lambda item: (item.since, item.project.name, item.what)),
    )


def replies_owed(projects, *, now):
    waiting = Message.objects.filter(
        project__in=projects,
        direction=Message.Direction.IN,
        respond_by__isnull=False,
        responded_at__isnull=True,
    ).select_related("project__client", "project__owner", "contact")
    return [
        Owed(
            project=message.project,
            what=_("Reply to %(person)s: %(subject)s")
            % {
                "person": message.contact.name if message.contact else message.from_email,
                "subject": clip(message.subject),
            },
            who=name_of(message.project.owner),
            due=message.respond_by,
            overdue=message.respond_by < now,
            section=f"#mail-{message.pk}",
        )
        for message in waiting
    ]


def updates_owed(projects, *, now):
    drafts = Update.objects.filter(project__in=projects, state__in=Update.OPEN_STATES).select_related(
        "project__client", "project__owner", "decision"
    )
    return [
        Owed(
            project=draft.project,
            what=_("Confirm in writing: %(summary)s") % {"summary": clip(draft.decision.summary)}
            if draft.decision
            else _("Review and send the update: %(subject)s") % {"subject": clip(draft.subject)},
            who=name_of(draft.project.owner),
            due=draft.send_by,
            overdue=draft.state == Update.State.OVERDUE or draft.send_by < now,
            section=f"#draft-{draft.pk}",
        )
        for draft in drafts
    ]


def promises_owed(commitments, *, now):
    """Open promises the client is not holding up, due at the end of their date where the client
    reads it (the last moment of that day in the client's calendar zone)."""
    owed = []
    for commitment in commitments:
        if commitment.waiting_for:
            continue
        due = end_of_day(commitment.due_on, commitment.project.client.calendar.time_zone)
        owed.append(
            Owed(
                project=commitment.project,
                what=_("Keep the promise: %(promise)s") % {"promise": clip(commitment.description)},
                who=name_of(commitment.project.owner),
                due=due,
                overdue=now > due,
                section="#commitments",
            )
        )
    return owed


def escalations_owed(escalations, *, now):
    """An open escalation owes its acknowledgement (that clock runs even while the client is
    waited on: only the resolve clock pauses); an acknowledged one its resolution, unless paused."""
    owed = []
    for escalation in escalations:
        if escalation.state == Escalation.State.OPEN:
            what, due = _("Acknowledge the %(severity)s escalation: %(title)s"), escalation.acknowledge_by
        elif escalation.paused_at is None:
            what, due = _("Resolve the %(severity)s escalation: %(title)s"), escalation.resolve_by
        else:
            continue
        owed.append(
            Owed(
                project=escalation.project,
                what=what
                % {"severity": escalation.get_severity_display().lower(), "title": clip(escalation.title)},
                who=name_of(escalation.first_responder),
                due=due,
                overdue=due < now,
                section="#escalations",
            )
        )
    return owed


def promises_awaited(commitments, *, now):
    return [
        Awaited(
            project=commitment.project,
            what=_("%(what)s, for the promise: %(promise)s")
            % {"what": clip(commitment.waiting_for), "promise": clip(commitment.description)},
            since=commitment.waiting_since,
            paused=now - commitment.waiting_since,
            section="#commitments",
        )
        for commitment in commitments
        if commitment.waiting_for
    ]


def escalations_awaited(escalations, *, now):
    return [
        Awaited(
            project=escalation.project,
            what=_("%(what)s, for the escalation: %(title)s")
            % {"what": clip(escalation.waiting_for), "title": clip(escalation.title)},
            since=escalation.paused_at,
            paused=escalation.paused_for + (now - escalation.paused_at),
            section="#escalations",
        )
        for escalation in escalations
        if escalation.paused_at is not None
    ]


def decisions_awaited(projects, *, now):
    """A decision the client still has to make waits from the moment it was put to them."""
    decisions = Decision.objects.filter(project__in=projects, awaiting_client=True).select_related(
        "project__client"
    )
    return [
        Awaited(
            project=decision.project,
            what=_("Their decision: %(summary)s") % {"summary": clip(decision.summary)},
            since=decision.made_at,
            paused=now - decision.made_at,
            section="?kind=decision#record-title",
        )
        for decision in decisions
    ]


def end_of_day(day, zone):
    """The last instant of `day` on the wall clock of `zone`, in UTC."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def how_long(span):
    """'3 days 4 hours', '5 hours 20 minutes', '12 minutes': the two largest whole units."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    # "duration": a length said on its own, which some languages word apart from "for 3 days".
    parts = [
        (days, lambda n: npgettext("duration", "%(count)s day", "%(count)s days", n)),
        (hours, lambda n: npgettext("duration", "%(count)s hour", "%(count)s hours", n)),
        (minutes, lambda n: npgettext("duration", "%(count)s minute", "%(count)s minutes", n)),
    ]
    while parts and not parts[0][0]:
        parts.pop(0)
    named = [unit(n) % {"count": n} for n, unit in parts[:2] if n]
    return " ".join(named) or _("under a minute")


def clip(text):
    return Truncator(" ".join(text.split())).chars(SAID_IN)


def name_of(user):
    return user.get_full_name() or user.get_username()
