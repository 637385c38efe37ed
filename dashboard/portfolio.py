"""Reads for the lead's portfolio: the projects a user may see, each with the facts its health is
judged on, in one query however many projects there are."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONObject

from comms.calendars import Clocks
from comms.models import CadencePolicy, Deadline, Message, Update, UpdateVisual
from escalations import satisfaction
from escalations.models import Escalation
from projects.health import HealthFacts, assess
from projects.models import BusinessCalendar, Commitment, Decision, Phase, Project

UPDATE_GRACE = dt.timedelta(days=2)


def count(queryset):
    """A correlated count per project row, without the row multiplication of joined Counts."""
    counted = (
        queryset.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def first(queryset, field):
    return Subquery(queryset.filter(project=OuterRef("pk")).order_by(field).values(field)[:1])


def team_today(projects, *, now):
    """Each project's date at `now` on its team calendar, as a value per row: a lead's portfolio
    spans teams in many zones, and a promise is late by its own team's date. One query for the
    calendars, whatever the number of projects; no two zones differ by more than one date either
    side of UTC, so the expression has at most three branches."""
    clocks, calendars_on, default = Clocks(), {}, None
    team_calendars = BusinessCalendar.objects.filter(
        Q(is_team_default=True) | Q(pk__in=projects.values("team_calendar"))
    )
    for calendar in team_calendars:
        today = clocks.of(calendar).local_date(now)
        calendars_on.setdefault(today, []).append(calendar.pk)
        if calendar.is_team_default:
            default = today  # for projects without a team calendar of their own
    return Case(
        *[When(team_calendar__in=pks, then=Value(day)) for day, pks in calendars_on.items()],
        default=Value(default),
        output_field=DateField(),
    )


def cadence_of(field):
    """A field of the cadence in force for the project's phase: its own override, else the org's."""
    in_phase = CadencePolicy.objects.filter(phase=OuterRef("phase"))
    return Coalesce(
        Subquery(in_phase.filter(project=OuterRef("pk")).values(field)[:1]),
        Subquery(in_phase.filter(project__isnull=True).values(field)[:1]),
    )


def failed_client_mail():
    """Per project, its latest client mail that failed and was not followed by one to the same
    contact there that went through: a later success shows the address works and the lead has
    sent again; an earlier one, or one to someone else, says nothing about this failure."""
    went_through_later = Message.objects.filter(
        project=OuterRef("project"),
        contact=OuterRef("contact"),
        direction=Message.Direction.OUT,
        state__in=[Message.State.SENT, Message.State.DELIVERED],
        created_at__gt=OuterRef("created_at"),
    )
    return (
        Message.objects.filter(
            project=OuterRef("pk"),
            direction=Message.Direction.OUT,
            contact__isnull=False,
            state=Message.State.FAILED,
        )
        .filter(~Exists(went_through_later))
        .order_by("-created_at", "-pk")
    )


def with_health_facts(projects, *, now, today=None):
    """The projects with the facts their health is judged on. `today`: the team's date, when the
    caller knows it for every project given (one project's page), so the calendars are not read."""
    open_escalations = Escalation.objects.filter(state__in=["open", "acknowledged"])
    unanswered = Message.objects.filter(direction="in", respond_by__isnull=False, responded_at__isnull=True)
    projects = projects.select_related("client", "owner").annotate(
        team_today=Value(today, output_field=DateField()) if today else team_today(projects, now=now)
    )
    return projects.annotate(
        overdue_drafts=count(Update.objects.filter(state=Update.State.OVERDUE)),
        drafts_waiting=count(Update.objects.filter(state=Update.State.DRAFT)),
        unanswered_mails=count(unanswered),
        next_response_due=first(unanswered, "respond_by"),
        unconfirmed_decisions=count(
            Decision.objects.filter(
                made_in__in=Decision.VOICE_VENUES, confirmed_at__isnull=True, awaiting_client=False
            )
        ),
        critical_escalations=count(open_escalations.filter(severity="critical")),
        moderate_escalations=count(open_escalations.filter(severity="moderate")),
        minor_escalations=count(open_escalations.filter(severity="minor")),
        # Closing a project stops its clocks: its promises stay on record but are never overdue.
        overdue_commitments=Case(
            When(phase=Phase.CLOSED, then=Value(0)),
            default=count(
                Commitment.objects.filter(status=Commitment.Status.OPEN, due_on__lt=OuterRef("team_today"))
            ),
        ),
        next_update_owed=first(
            Deadline.objects.filter(kind=Deadline.Kind.CADENCE_UPDATE, is_active=True), "owed_at"
        ),
        last_update_sent_at=Subquery(
            Update.objects.filter(project=OuterRef("pk"), state=Update.State.SENT)
            .order_by("-sent_at")
            .values("sent_at")[:1]
        ),
        last_visual_at=Subquery(
            UpdateVisual.objects.filter(update__project=OuterRef("pk"), update__state=Update.State.SENT)
            .order_by("-update__sent_at")
            .values("update__sent_at")[:1]
        ),
        last_satisfaction=satisfaction.last_answer(),
        cadence_days=cadence_of("interval_days"),
        cadence_business_days=cadence_of("business_days_only"),
        # Both facts of the one failed mail from one subquery: each costs a pass over the
        # project's outgoing mail.
        failed_mail=Subquery(
            failed_client_mail().values(fact=JSONObject(to="contact__name", error="error"))[:1],
            output_field=JSONField(),
        ),
    )


def health_of(project, *, now):
    return assess(
        HealthFacts(
            now=now,
            overdue_drafts=project.overdue_drafts,
            drafts_waiting=project.drafts_waiting,
            unanswered_mails=project.unanswered_mails,
            next_response_due=project.next_response_due,
            unconfirmed_decisions=project.unconfirmed_decisions,
            open_escalations={
                "critical": project.critical_escalations,
                "moderate": project.moderate_escalations,
                "minor": project.minor_escalations,
            },
            client_silence=project.client_silence,
            overdue_commitments=project.overdue_commitments,
            closed=project.phase == Phase.CLOSED,
            awaiting_kickoff=project.kickoff_at is None,
            kickoff_at=project.kickoff_at,
            last_update_sent_at=project.last_update_sent_at,
            update_gap_allowed=update_gap_allowed(project.cadence_days, project.cadence_business_days),
            failed_mail_to=(project.failed_mail or {}).get("to") or "",
            failed_mail_error=(project.failed_mail or {}).get("error") or "",
            shows_work=project.phase in (Phase.BUILD, Phase.QA),
            last_visual_at=project.last_visual_at,
            **satisfaction.health_facts(project.last_satisfaction),
        )
    )


def update_gap_allowed(interval_days, business_days_only):
    """The longest the client may wait for an update in a phase: its cadence, with business days
    read as a working week's share of calendar days, plus two days of grace."""
    if interval_days is None:
        return None
    days = interval_days * 7 / 5 if business_days_only else interval_days
    return dt.timedelta(days=days) + UPDATE_GRACE


def portfolio(user, *, now, owner=None, phase=None, client=None, health=None, search=""):
    """Rows for the portfolio page, at-risk first, each with its health attached."""
    projects = Project.objects.visible_to(user)
    projects = projects.filter(phase=phase) if phase else projects.exclude(phase=Phase.CLOSED)
    if owner:
        projects = projects.filter(owner_id=owner)
    if client:
        projects = projects.filter(client_id=client)
    if search:
        projects = projects.filter(Q(name__icontains=search) | Q(client__name__icontains=search))
    rows = list(with_health_facts(projects, now=now))
    for project in rows:
        project.health = health_of(project, now=now)
    if health:
        rows = [project for project in rows if project.health.rag == health]
    rows.sort(
        key=lambda p: (
            -p.health.rank,
            p.next_response_due or now.max.replace(tzinfo=now.tzinfo),
            p.client.name,
            p.name,
        )
    )
    return rows


WEEKS = 12


def weekly_team_figures(projects, *, now):
    """For the team's small charts, per week (Monday start, UTC) for the last 12 weeks: the share of
    client emails answered in time, and the share of updates sent by the time they were owed.
    Two queries; a week with nothing to judge is None."""
    monday = (now - dt.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = [monday - dt.timedelta(weeks=back) for back in range(WEEKS - 1, -1, -1)]
    replies = Message.objects.filter(
        project__in=projects, direction=Message.Direction.IN, respond_by__gte=starts[0], respond_by__lt=now
    ).values_list("respond_by", "responded_at")
    updates = (
        Update.objects.filter(project__in=projects, send_by__gte=starts[0], send_by__lt=now)
        .exclude(state=Update.State.DISCARDED)
        .values_list("send_by", "sent_at")
    )
    return share_in_time(replies, starts), share_in_time(updates, starts)


def share_in_time(rows, starts):
    met, due = [0] * len(starts), [0] * len(starts)
    for deadline, done_at in rows:
        week = max(index for index, start in enumerate(starts) if start <= deadline)
        due[week] += 1
        met[week] += bool(done_at and done_at <= deadline)
    return [
        (f"{start:%d %b}", round(100 * met[index] / due[index]) if due[index] else None)
        for index, start in enumerate(starts)
    ]
