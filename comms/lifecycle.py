"""A project's life as the lead logs it, whatever the face (dashboard, admin, API, seed): created,
kicked off, decisions and meetings, phase changes, launch, the client writing. Each writes the fact
and, in the same transaction, drafts what it owes the client and sets the deadlines the tick acts on.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comms import drafts, obligations
from comms.autopilot import (
    deadline_times,
    draft_now,
    ensure_morning_digest,
    schedule_cadence,
    schedule_quiet_client,
    supersede,
)
from comms.calendars import Clocks
from comms.models import Deadline
from comms.plan import copy_default_channel_rules
from comms.record import decision_fact
from projects.models import Decision, Phase, PhaseChange, Project
from projects.when import when

# The updates whose shape belongs to one phase: left unsent when the project moves on, they are stale.
PHASE_BOUND_KINDS = ("discovery_summary", "build_status", "qa_note", "delivery_checklist")


# Where chat and task updates go, and how the board's lists and labels are named.
CONNECTION_FIELDS = ("slack_channel", "board", "board_done_list", "board_next_list", "board_decision_label")
# Fields a lead edits directly; phase, kickoff and launch are steps with their own services.
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "scope",
        "starts_on",
        "target_delivery_on",
        "target_launch_on",
        "owner",
        "lead",
        "record_location",
        "auto_send_drafts",
        "known_limitations",
        "support_terms",
        "team_calendar",
        *CONNECTION_FIELDS,
    }
)
# A clock a few minutes ahead of the server's still logs a call that has just ended.
CLOCK_SKEW = dt.timedelta(minutes=5)
# Earlier moments are slips of the keyboard (0001, 1926), and far enough back they fall off the
# calendar arithmetic altogether.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# Whole sentences per moment logged by hand (too early, in the future): languages inflect the
# words around "kickoff call", "decision" and "launch".
IMPLAUSIBLE = {
    "kickoff_at": (
        gettext_lazy("The kickoff call is dated %(year)s: check the year."),
        gettext_lazy("The kickoff call is in the future: log it once it has happened."),
    ),
    "made_at": (
        gettext_lazy("The decision is dated %(year)s: check the year."),
        gettext_lazy("The decision is in the future: log it once it has happened."),
    ),
    "launched_at": (
        gettext_lazy("The launch is dated %(year)s: check the year."),
        gettext_lazy("The launch is in the future: log it once it has happened."),
    ),
}


class PhaseUnchanged(ValueError):
    """Raised when asked to move a project into the phase it is already in."""


class AlreadyLogged(ValueError):
    """The kickoff or the launch is already in the record; it happens once."""


@transaction.atomic
def create_project(*, by=None, contacts=(), team=(), kickoff_at=None, **fields):
    """Create a project with the org's channel rules and the first line of its phase history. It
    waits for its kickoff call, unless `kickoff_at` says the call already happened."""
    project = Project(**fields)
    project.full_clean()
    project.save()
    project.contacts.set(contacts)
    project.team.set(team)
    start_project_record(project, by=by)
    if kickoff_at:
        log_kickoff(project, at=kickoff_at, by=by)
    return project


@transaction.atomic
def update_project(project, *, by, contacts=None, team=None, **fields):
    """A lead's edit of what the project is (names, dates, people, delivery terms). A new owner
    gets their morning digest."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not edited directly: {', '.join(sorted(unknown))}.")
    project = Project.objects.select_for_update().get(pk=project.pk)
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    if contacts is not None:
        strangers = [contact.name for contact in contacts if contact.client_id != project.client_id]
        if strangers:
            raise ValidationError(
                {
                    "contacts": _("Not contacts of %(client)s: %(people)s.")
                    % {"client": project.client, "people": ", ".join(strangers)}
                }
            )
        project.contacts.set(contacts)
    if team is not None:
        project.team.set(team)
    if "owner" in fields:
        ensure_morning_digest(project.owner, now=timezone.now())
    return project


def team_time(instant, project):
    return when(instant, Clocks().team(project).timezone)


def refuse_implausible(at, field):
    """A moment logged by hand happened, and not before EARLIEST."""
    too_early, in_future = IMPLAUSIBLE[field]
    if at < EARLIEST:
        raise ValidationError({field: too_early % {"year": at.year}})
    if at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({field: str(in_future)})


def start_project_record(project, *, by=None):
    """What every new project gets, however it was created (service, admin, seed): the default
    channel rules, the first line of its phase history, and a morning digest for its owner."""
    copy_default_channel_rules(project)
    ensure_morning_digest(project.owner, now=timezone.now())
    if not project.phase_changes.exists():
        PhaseChange.objects.create(
            project=project, from_phase="", to_phase=project.phase, changed_at=timezone.now(), changed_by=by
        )


@transaction.atomic
def log_kickoff(project, *, at, by):
    """The kickoff call happened: draft the kickoff summary (owed within one business day) and
    start the phase cadence and the quiet-client watch from the call."""
    project = Project.objects.select_for_update().select_related("client__calendar").get(pk=project.pk)
    if project.kickoff_at:
        raise AlreadyLogged(
            _("The kickoff call is already logged (%(when)s).")
            % {"when": team_time(project.kickoff_at, project)}
        )
    if project.phase == Phase.CLOSED:
        raise ValidationError({"kickoff_at": _("The project is closed.")})
    refuse_implausible(at, "kickoff_at")
    project.kickoff_at = at
    project.save(update_fields=["kickoff_at"])
    clocks = Clocks()
    send_by = obligations.within_one_business_day(
        at, "kickoff call", clocks.team(project), clocks.client(project)
    )
    update = draft_now(project, "kickoff_summary", now=at, send_by=send_by)
    schedule_cadence(project, last=at, clocks=clocks)
    schedule_quiet_client(project, since=at, clocks=clocks)
    return update


@transaction.atomic
def log_decision(project, *, summary, made_in, made_at, by, agreed_by=(), awaiting_client=False, now=None):
    """Record a decision; one made by voice gets its written confirmation drafted at once, owed
    within one business day of the call."""
    refuse_implausible(made_at, "made_at")
    decision = Decision.objects.create(
        project=project,
        summary=summary,
        made_in=made_in,
        made_at=made_at,
        logged_by=by,
        awaiting_client=awaiting_client,
    )
    decision.agreed_by.set(agreed_by)
    if decision.needs_written_confirmation and not awaiting_client:
        clocks = Clocks()
        # A deadline's explanation is stored in English, whoever's language the request is in.
        with translation.override("en"):
            venue = decision.get_made_in_display().lower()
        send_by = obligations.within_one_business_day(
            made_at, venue, clocks.team(project), clocks.client(project)
        )
        draft_now(
            project,
            "decision_confirmation",
            now=now or made_at,
            send_by=send_by,
            confirms=decision,
            decision=decision_fact(decision, ZoneInfo(project.client.calendar.time_zone)),
        )
    return decision


@transaction.atomic
def change_phase(project, *, to, by, note="", at=None):
    """Move a project to another phase and write it into the phase history."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.phase == to:
        raise PhaseUnchanged(
            _("The project is already in %(phase)s.") % {"phase": project.get_phase_display()}
        )
    change = PhaseChange.objects.create(
        project=project,
        from_phase=project.phase,
        to_phase=to,
        changed_at=at or timezone.now(),
        changed_by=by,
        note=note,
    )
    project.phase = to
    project.save(update_fields=["phase"])
    on_phase_changed(project, change, now=change.changed_at)
    return change


def on_phase_changed(project, change, *, now):
    """Phase changes are never silent: draft the one-line notice, owed at the client's next
    business hour after the review window; restart the cadence and quiet watch for the new phase.
    An unsent update of the phase left no longer fits and is superseded. Closing supersedes every
    unsent draft and stops the project's clocks, but for client mail and escalations, which are
    still answered; the record stays."""
    closing = change.to_phase == Phase.CLOSED
    if closing:
        supersede(project.updates.all())
    else:
        supersede(project.updates.filter(kind__in=PHASE_BOUND_KINDS))
    clocks = Clocks()
    team, client = clocks.team(project), clocks.client(project)
    review = obligations.review_window_ends(now, team, client, clocks.organisation().review_window)
    send_by = obligations.Due(
        client.next_opening(review.at),
        f"{obligations.phase_notice(review.at, client).explanation}, after the review window",
    )
    draft_now(
        project,
        "phase_notice",
        now=now,
        send_by=send_by,
        change=drafts.PhaseChangeFact(
            from_phase=change.from_phase, to_phase=change.to_phase, note=change.note
        ),
    )
    if closing:
        Deadline.objects.filter(
            project=project,
            is_active=True,
            kind__in=[Deadline.Kind.CADENCE_UPDATE, Deadline.Kind.QUIET_CLIENT, Deadline.Kind.CHECKIN],
        ).update(is_active=False)
        return
    if project.kickoff_at:  # before it, the project waits for its kickoff call
        schedule_cadence(project, last=now, clocks=clocks)
        schedule_quiet_client(project, since=project.last_client_message_at or now, clocks=clocks)


@transaction.atomic
def record_launch(project, *, at, by):
    """The project went live: draft the delivery summary and book the day-7 and day-30 check-ins."""
    project = Project.objects.select_for_update().select_related("client__calendar").get(pk=project.pk)
    if project.launched_at:
        raise AlreadyLogged(
            _("The launch is already recorded (%(when)s).")
            % {"when": team_time(project.launched_at, project)}
        )
    refuse_implausible(at, "launched_at")
    project.launched_at = at
    project.save(update_fields=["launched_at"])
    clocks = Clocks()
    team, client = clocks.team(project), clocks.client(project)
    draft_now(
        project,
        "delivery_summary",
        now=at,
        send_by=obligations.within_one_business_day(at, "launch", team, client),
    )
    for day in obligations.CHECKIN_DAYS:
        owed = obligations.checkin(at, day, client)
        Deadline.objects.update_or_create(
            project=project,
            kind=Deadline.Kind.CHECKIN,
            checkin_day=day,
            defaults={
                **deadline_times(owed, team, now=at, review_window=clocks.organisation().review_window),
                "is_active": True,
                "problem": "",
            },
        )


@transaction.atomic
def record_client_message(project, *, at):
    """A client contact wrote: the project is no longer quiet and the watch restarts."""
    Project.objects.filter(pk=project.pk).update(last_client_message_at=at, client_silence="on_time")
    project.last_client_message_at, project.client_silence = at, "on_time"
    schedule_quiet_client(project, since=at, clocks=Clocks())


@transaction.atomic
def log_meeting(project, *, venue, held_at, recap, by, now):
    """A call or meeting with the client: its recap goes out in writing, drafted at once and owed
    within one business day, like a decision made by voice."""
    clocks = Clocks()
    send_by = obligations.within_one_business_day(
        held_at, venue, clocks.team(project), clocks.client(project)
    )
    return draft_now(
        project, "meeting_recap", now=now, send_by=send_by, held_at=held_at, venue=venue, recap=recap
    )
