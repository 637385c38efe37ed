"""Reads for the lead's portfolio: the projects a user may see, each with the facts its health is
judged on, in one query however many projects there are."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Greatest, JSONObject, TruncWeek
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import dateformat

from comms.calendars import Clocks
from comms.models import CadencePolicy, Deadline, Message, SatisfactionAnswer, Update, UpdateVisual
from escalations import satisfaction
from escalations.models import Escalation
from projects.health import (
    CLOSE_TO_DEADLINE,
    FIRST_WORD_WITHIN,
    LOW_SATISFACTION,
    RANK,
    SHOW_SOMETHING_WITHIN,
    UNHAPPY_SATISFACTION,
    HealthFacts,
    assess,
)
from projects.models import BusinessCalendar, Commitment, Decision, Phase, Project

UPDATE_GRACE = dt.timedelta(days=2)
NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)  # when a project that has sent no update last sent one


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


def team_today(projects, *, now, of=""):
    """Each project's date at `now` on its team calendar, as a value per row: a lead's portfolio
    spans teams in many zones, and a promise is late by its own team's date. One query for the
    calendars, whatever the number of projects; no two zones differ by more than one date either
    side of UTC, so the expression has at most three branches. `of`: the path to the project from
    the rows it is for ("project__" for promises)."""
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
        *[When(**{f"{of}team_calendar__in": pks}, then=Value(day)) for day, pks in calendars_on.items()],
        default=Value(default),
        output_field=DateField(),
    )


def cadence_of(field, policies=CadencePolicy.objects):
    """A field of the cadence in force for the project's phase: its own override, else the org's."""
    in_phase = policies.filter(phase=OuterRef("phase"))
    return Coalesce(
        Subquery(in_phase.filter(project=OuterRef("pk")).values(field)[:1]),
        Subquery(in_phase.filter(project__isnull=True).values(field)[:1]),
    )


def failed_client_mails():
    """Client mail that failed and was not followed by one to the same contact on its project that
    went through: a later success shows the address works and the lead has sent again; an earlier
    one, or one to someone else, says nothing about this failure."""
    went_through_later = Message.objects.filter(
        project=OuterRef("project"),
        contact=OuterRef("contact"),
        direction=Message.Direction.OUT,
        state__in=[Message.State.SENT, Message.State.DELIVERED],
        created_at__gt=OuterRef("created_at"),
    )
    return Message.objects.filter(
        direction=Message.Direction.OUT, contact__isnull=False, state=Message.State.FAILED
    ).filter(~Exists(went_through_later))


def failed_client_mail():
    """Per project, its latest failed client mail."""
    return failed_client_mails().filter(project=OuterRef("pk")).order_by("-created_at", "-pk")


def unanswered_client_mail():
    return Message.objects.filter(direction="in", respond_by__isnull=False, responded_at__isnull=True)


def open_escalations():
    return Escalation.objects.filter(state__in=["open", "acknowledged"])


def open_promises_due_before(today):
    """Open promises due before `today`, an expression of the promise's project (its team's date)."""
    return Commitment.objects.filter(status=Commitment.Status.OPEN, due_on__lt=today)


def unconfirmed_decisions():
    return Decision.objects.filter(
        made_in__in=Decision.VOICE_VENUES, confirmed_at__isnull=True, awaiting_client=False
    )


def last_update_sent():
    return Subquery(
        Update.objects.filter(project=OuterRef("pk"), state=Update.State.SENT)
        .order_by("-sent_at")
        .values("sent_at")[:1]
    )


def last_visual_sent():
    return Subquery(
        UpdateVisual.objects.filter(update__project=OuterRef("pk"), update__state=Update.State.SENT)
        .order_by("-update__sent_at")
        .values("update__sent_at")[:1]
    )


def with_health_facts(projects, *, now, today=None):
    """The projects with the facts their health is judged on. `today`: the team's date, when the
    caller knows it for every project given (one project's page), so the calendars are not read."""
    unanswered = unanswered_client_mail()
    projects = projects.select_related("client", "owner").annotate(
        team_today=Value(today, output_field=DateField()) if today else team_today(projects, now=now)
    )
    return projects.annotate(
        overdue_drafts=count(Update.objects.filter(state=Update.State.OVERDUE)),
        drafts_waiting=count(Update.objects.filter(state=Update.State.DRAFT)),
        unanswered_mails=count(unanswered),
        next_response_due=first(unanswered, "respond_by"),
        unconfirmed_decisions=count(unconfirmed_decisions()),
        critical_escalations=count(open_escalations().filter(severity="critical")),
        moderate_escalations=count(open_escalations().filter(severity="moderate")),
        minor_escalations=count(open_escalations().filter(severity="minor")),
        # Closing a project stops its clocks: its promises stay on record but are never overdue.
        overdue_commitments=Case(
            When(phase=Phase.CLOSED, then=Value(0)),
            default=count(open_promises_due_before(OuterRef("team_today"))),
        ),
        next_update_owed=first(
            Deadline.objects.filter(kind=Deadline.Kind.CADENCE_UPDATE, is_active=True), "owed_at"
        ),
        last_update_sent_at=last_update_sent(),
        last_visual_at=last_visual_sent(),
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
    """The portfolio's projects in the order the page lists them: at-risk first, then the client
    mail due soonest, then by client and name. Ranked, filtered by health and ordered in the
    database, so that only the page shown has its facts read."""
    projects = Project.objects.visible_to(user)
    projects = projects.filter(phase=phase) if phase else projects.exclude(phase=Phase.CLOSED)
    if owner:
        projects = projects.filter(owner_id=owner)
    if client:
        projects = projects.filter(client_id=client)
    if search:
        projects = projects.filter(Q(name__icontains=search) | Q(client__name__icontains=search))
    ranked = (
        projects.annotate(
            health_rank=health_rank(projects, now=now),
            next_response_due=first(unanswered_client_mail(), "respond_by"),
        )
        .order_by("-health_rank", F("next_response_due").asc(nulls_last=True), "client__name", "name", "pk")
        .values_list("pk", "health_rank")
    )
    return Ranked([pk for pk, rank in ranked if not health or rank == RANK[health]], now=now)


class Ranked:
    """Projects in the portfolio's order, read with their facts and health only when a slice of
    them is taken: the page shown (a Paginator takes one)."""

    def __init__(self, ids, *, now):
        self.ids, self.now = ids, now

    def __len__(self):
        return len(self.ids)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ids = self.ids[index]
        projects = with_health_facts(Project.objects.filter(pk__in=ids), now=self.now).in_bulk()
        rows = [projects[pk] for pk in ids]
        for project in rows:
            project.health = health_of(project, now=self.now)
        return rows


def health_rank(projects, *, now):
    """`assess(...).rank` of each of `projects` (2 red, 1 amber, 0 green) as one expression, so the
    portfolio can order, filter and page in the database. Each condition mirrors a rule of
    `projects.health.assess` over the facts of `with_health_facts` (tests/dashboard/
    test_portfolio_rank.py holds the two to the same answer for every reason). A fact that is a
    matter of "is there any" is a set of project ids read once, not a subquery per project; the
    latest-of facts (last update, visual, score) are read per project only where a cheaper
    condition has not already decided."""
    active = ~Q(phase=Phase.CLOSED)
    today = team_today(projects, now=now, of="project__")
    overdue_promises = open_promises_due_before(today)
    unanswered = unanswered_client_mail()
    red = (
        having(unanswered.filter(respond_by__lte=now))
        # Only of the projects shown: a lead's few are read through the project index, not a scan
        # of all mail.
        | having(failed_client_mails().filter(project__in=projects))
        | having(Update.objects.filter(state=Update.State.OVERDUE))
        | having(open_escalations().filter(severity="critical"))
        | Q(client_silence="overdue")
        | active & having(overdue_promises.values("project").annotate(n=Count("pk")).filter(n__gt=1))
        # "is not null" first: an unknown comparison does not cut an AND short, a false one does.
        | active
        & Q(kickoff_at__isnull=False, kickoff_at__lt=now - FIRST_WORD_WITHIN)
        & update_gap_too_long(now)
        | score_at_most(UNHAPPY_SATISFACTION)
    )
    amber = (
        active & Q(kickoff_at__isnull=True)
        | having(unanswered.filter(respond_by__lte=now + CLOSE_TO_DEADLINE))
        | having(open_escalations().filter(severity__in=["moderate", "minor"]))
        | Q(client_silence="late")
        | active & having(overdue_promises)
        | having(unconfirmed_decisions())
        | having(Update.objects.filter(state=Update.State.DRAFT))
        | score_at_most(LOW_SATISFACTION)
        | Q(phase__in=[Phase.BUILD, Phase.QA], kickoff_at__isnull=False)
        & Q(LessThan(Coalesce(last_visual_sent(), "kickoff_at"), now - SHOW_SOMETHING_WITHIN))
    )
    return Case(
        When(red, then=Value(RANK["red"])),
        When(amber, then=Value(RANK["amber"])),
        default=Value(RANK["green"]),
        output_field=IntegerField(),
    )


def having(rows):
    """The projects with any of `rows`: one hashed set of project ids, not a subquery per project."""
    return Q(pk__in=rows.values("project"))


def score_at_most(score):
    """The client's latest answer scored `score` or less: read per project only for those with
    any answer that low."""
    latest = Cast(KeyTextTransform("score", satisfaction.last_answer()), IntegerField())
    low = SatisfactionAnswer.objects.filter(score__lte=score, ask__update__state=Update.State.SENT)
    return Q(pk__in=low.values("ask__project")) & Q(LessThanOrEqual(latest, score))


def update_gap_too_long(now):
    """`silence`'s red for a project kicked off more than 48 hours ago (the caller checks that):
    the last update sent before the kickoff (or none), or before the phase's cadence cutoff — before
    the later of the two. The cutoff (`now` less `update_gap_allowed`) is worked out here for each
    cadence in use, so that the rule stays in one place."""
    cadences = CadencePolicy.objects.order_by().values_list("interval_days", "business_days_only").distinct()
    cutoff = Case(
        *[
            When(
                interval_days=days,
                business_days_only=business,
                then=Value(now - update_gap_allowed(days, business)),
            )
            for days, business in cadences
        ],
        output_field=DateTimeField(),
    )
    cutoff = cadence_of("cutoff", CadencePolicy.objects.annotate(cutoff=cutoff))
    last = Coalesce(last_update_sent(), Value(NEVER))
    return Q(LessThan(last, Greatest("kickoff_at", Coalesce(cutoff, "kickoff_at"))))


WEEKS = 12


def weekly_team_figures(projects, *, now):
    """For the team's small charts, per week (Monday start, UTC) for the last 12 weeks: the share of
    client emails answered in time, and the share of updates sent by the time they were owed.
    Two queries; a week with nothing to judge is None."""
    monday = (now - dt.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = [monday - dt.timedelta(weeks=back) for back in range(WEEKS - 1, -1, -1)]
    replies = Message.objects.filter(
        project__in=projects, direction=Message.Direction.IN, respond_by__gte=starts[0], respond_by__lt=now
    )
    updates = Update.objects.filter(project__in=projects, send_by__gte=starts[0], send_by__lt=now).exclude(
        state=Update.State.DISCARDED
    )
    return (
        share_in_time(replies, deadline="respond_by", done_at="responded_at", starts=starts),
        share_in_time(updates, deadline="send_by", done_at="sent_at", starts=starts),
    )


def share_in_time(rows, *, deadline, done_at, starts):
    """Per week, the share of `rows` done by their deadline, counted in the database: an admin's
    twelve weeks are tens of thousands of rows. Weeks are labelled with the month in the active
    language."""
    counted = (
        rows.order_by()
        .values(week=TruncWeek(deadline, tzinfo=dt.UTC))
        .annotate(met=Count("pk", filter=Q(**{f"{done_at}__lte": F(deadline)})), due=Count("pk"))
    )
    weeks = {week["week"]: week for week in counted}
    return [
        (
            dateformat.format(start, "d M"),
            round(100 * weeks[start]["met"] / weeks[start]["due"]) if start in weeks else None,
        )
        for start in starts
    ]
