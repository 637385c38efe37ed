"""The escalation procedure: raise, route, notify, acknowledge, move up, wait on the client,
resolve and close. Every step is an event on the escalation's timeline with who was told; timers
are deadlines on the same indexed table and tick as the autopilot."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from comms import obligations
from comms.calendars import Clocks
from comms.models import Deadline, Message
from comms.outbox import queue_messages, reply_to_address, team_notice
from projects.languages import house_english, language_of
from projects.team_language import speaking_to_member
from projects.when import when

from .models import (
    Category,
    CategoryRoute,
    Escalation,
    EscalationEvent,
    ProjectRole,
    Severity,
    SeverityTarget,
    Tier,
)

User = get_user_model()

# A category as the raised mail's first sentence reads it, after the severity (“Critical technical
# failure or downtime on …”): its own words, as lowercasing the label would lowercase German nouns.
CATEGORY_IN_SENTENCE = {
    Category.SCOPE_CHANGE: pgettext_lazy("escalation category, after its severity", "scope change"),
    Category.BUDGET_OVERRUN: pgettext_lazy("escalation category, after its severity", "budget overrun"),
    Category.TECHNICAL_FAILURE: pgettext_lazy(
        "escalation category, after its severity", "technical failure or downtime"
    ),
    Category.DISPUTE: pgettext_lazy("escalation category, after its severity", "dispute or complaint"),
    Category.UNANSWERED_MAIL: pgettext_lazy(
        "escalation category, after its severity", "unanswered client mail"
    ),
}


class EscalationError(Exception):
    """A step that the escalation's state does not allow; the message says why."""


class EscalationAlreadyClosed(EscalationError):
    pass


class AlreadyAcknowledged(EscalationError):
    pass


class AlreadyAtTopTier(EscalationError):
    pass


class ResolutionRequired(EscalationError):
    pass


class PostMortemRequired(EscalationError):
    pass


class NotWaiting(EscalationError):
    pass


def first_responder(project, category):
    """Routing by category: scope change → project lead, budget overrun → account owner, …"""
    route = CategoryRoute.objects.filter(category=category).first()
    role = route.first_responder if route else ProjectRole.OWNER
    return {
        ProjectRole.OWNER: project.owner,
        ProjectRole.LEAD: project.lead,
        ProjectRole.ACCOUNT_OWNER: project.client.account_owner,
    }[role]


def snapshot_path(project, first):
    """The tiers in force now, as user ids per level, with the routed first responder at L1."""
    path = {
        str(tier.level): [user.pk for user in tier.responders(project)] for tier in Tier.path_for(project)
    }
    path["1"] = [first.pk, *[pk for pk in path.get("1", []) if pk != first.pk]]
    return path


@transaction.atomic
def raise_escalation(
    project,
    *,
    category,
    severity,
    title,
    description,
    now,
    by=None,
    documentation="",
    internal=None,
    source_message=None,
    clocks=None,
):
    """`internal=None` follows the category's route on whether the client is told; True or False
    is the caller's override either way. The tick passes its `clocks`, built once per pass."""
    refuse_unknown(category=category, severity=severity)
    if internal is None:
        internal = not CategoryRoute.client_told_by_default().get(category, False)
    first = first_responder(project, category)
    target = SeverityTarget.objects.get(severity=severity)
    escalation = Escalation(
        project=project,
        category=category,
        severity=severity,
        title=title,
        description=description,
        documentation=documentation,
        internal=internal,
        first_responder=first,
        raised_by=by,
        raised_at=now,
        source_message=source_message,
        targets={
            "acknowledge_within": target.acknowledge_within,
            "acknowledge_unit": target.acknowledge_unit,
            "resolve_within": target.resolve_within,
            "resolve_unit": target.resolve_unit,
        },
        path=snapshot_path(project, first),
    )
    clocks = clocks or Clocks()
    acknowledge, resolve = (
        target_due(escalation, "acknowledge", now, clocks),
        target_due(escalation, "resolve", now, clocks),
    )
    escalation.acknowledge_by, escalation.resolve_by = acknowledge.at, resolve.at
    escalation.save()
    set_timer(escalation, Deadline.Kind.ESCALATION_ACK, acknowledge)
    set_timer(escalation, Deadline.Kind.ESCALATION_RESOLVE, resolve)
    record(escalation, EscalationEvent.Kind.RAISED, now=now, by=by, note=description)

    def write():
        lines = (
            # Translators: “Critical technical failure or downtime on Acme — Booking app.”: the
            # escalation's severity, then its category as it reads inside a sentence.
            _("%(severity)s %(category)s on %(project)s.")
            % {
                "severity": escalation.get_severity_display(),
                "category": CATEGORY_IN_SENTENCE[escalation.category],
                "project": project,
            },
            _("Acknowledge %(deadline)s.") % {"deadline": acknowledge.explanation},
            _("Resolve %(deadline)s.") % {"deadline": resolve.explanation},
        )
        return (
            _("Escalation for you: %(title)s") % {"title": title},
            "\n".join(lines) + f"\n\n{description}\n\n{documentation}",
        )

    notify_tier(escalation, 1, now=now, key="raised", write=write, clocks=clocks)
    tell_client(escalation, "raised", now=now, clocks=clocks)
    return escalation


def refuse_unknown(*, category, severity):
    """The dashboard and the API offer known choices only; this stops every other caller before
    an unknown value reaches the routes, the targets or the review, which reads each stored label."""
    unknown = {}
    if category not in Category.values:
        unknown["category"] = _("“%(value)s” is not a known category: use one of %(choices)s.") % {
            "value": category,
            "choices": ", ".join(Category.values),
        }
    if severity not in Severity.values:
        unknown["severity"] = _("“%(value)s” is not a known severity: use one of %(choices)s.") % {
            "value": severity,
            "choices": ", ".join(Severity.values),
        }
    if unknown:
        raise ValidationError(unknown)


def target_due(escalation, which, start, clocks):
    project = escalation.project
    return obligations.escalation_target(
        start,
        escalation.targets[f"{which}_within"],
        escalation.targets[f"{which}_unit"],
        clocks.team(project),
        clocks.client(project),
    )


def set_timer(escalation, kind, due):
    Deadline.objects.filter(escalation=escalation, kind=kind, is_active=True).update(is_active=False)
    Deadline.objects.create(
        project=escalation.project,
        escalation=escalation,
        kind=kind,
        due_at=due.at,
        explanation=due.explanation,
    )


def stop_timers(escalation, *kinds):
    Deadline.objects.filter(escalation=escalation, kind__in=kinds, is_active=True).update(is_active=False)


def record(escalation, kind, *, now, by=None, note="", told=""):
    return EscalationEvent.objects.create(
        escalation=escalation, kind=kind, at=now, by=by, note=note, told=told[:500]
    )


def notify_tier(escalation, level, *, now, key, write, clocks=None):
    """Mail everyone who answers at a tier: critical at once, day or night; minor and moderate
    inside the team's business hours. `write()` gives the mail's (subject, body), called in each
    person's own language."""
    people = list(
        User.objects.filter(pk__in=escalation.path.get(str(level), [])).select_related("member_settings")
    )
    send_after = now
    if escalation.severity != Severity.CRITICAL:
        send_after = (clocks or Clocks()).team(escalation.project).next_opening(now)
    notices = []
    for person in people:
        with speaking_to_member(person):
            subject, body = write()
        notice = team_notice(
            escalation.project,
            person,
            kind="escalation",
            subject=subject,
            body=body,
            key=f"escalation:{escalation.pk}:{key}:{person.pk}",
            now=now,
        )
        if notice:
            notice.send_after = send_after
            notices.append(notice)
    queue_messages(notices)
    told = ", ".join(
        f"{person.get_full_name() or person.username} <{person.email}> by email" for person in people
    )
    record(
        escalation,
        EscalationEvent.Kind.NOTIFIED,
        now=now,
        note=f"L{level}",
        told=told or "nobody is named at this tier",
    )


def tell_client(escalation, step, *, now, clocks=None):
    """The client contacts hear when an escalation that concerns them is raised and resolved."""
    if escalation.internal:
        return
    project = escalation.project
    clocks = clocks or Clocks()
    organisation = clocks.organisation()
    messages = []
    for contact in project.mail_recipients():
        context = {"escalation": escalation, "project": project, "contact": contact, "step": step}
        # Each contact reads it in their own language; the title is the team's words, as written.
        with translation.override(house_english(language_of(contact, organisation, project.client))):
            said = _("We are on it: %(title)s") if step == "raised" else _("Resolved: %(title)s")
            subject = said % {"title": escalation.title}
            body_text = render_to_string("emails/escalation.txt", context)
        messages.append(
            Message(
                project=project,
                kind=f"escalation_{step}",
                contact=contact,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to_email=contact.email,
                reply_to=reply_to_address(project),
                subject=subject,
                body_text=body_text,
                urgent=escalation.severity == Severity.CRITICAL,
                dedupe_key=f"escalation:{escalation.pk}:{step}:contact:{contact.pk}",
                created_at=now,
                send_after=now
                if escalation.severity == Severity.CRITICAL
                else clocks.client(project).next_opening(now),
            )
        )
    queue_messages(messages)


def locked(escalation):
    return (
        Escalation.objects.select_for_update()
        .select_related("project__client", "project__owner")
        .get(pk=escalation.pk)
    )


def refuse_if_closed(escalation):
    if escalation.state == Escalation.State.RESOLVED:
        raise EscalationAlreadyClosed(_("This escalation is already resolved."))
    if escalation.state == Escalation.State.CLOSED:
        raise EscalationAlreadyClosed(_("This escalation is already closed."))


@transaction.atomic
def acknowledge(escalation, *, by, now):
    escalation = locked(escalation)
    refuse_if_closed(escalation)
    if escalation.state == Escalation.State.ACKNOWLEDGED:
        raise AlreadyAcknowledged(_("This escalation is already acknowledged."))
    escalation.state, escalation.acknowledged_at = Escalation.State.ACKNOWLEDGED, now
    escalation.save(update_fields=["state", "acknowledged_at"])
    stop_timers(escalation, Deadline.Kind.ESCALATION_ACK)
    record(escalation, EscalationEvent.Kind.ACKNOWLEDGED, now=now, by=by)
    return escalation


@transaction.atomic
def move_up(escalation, *, by, reason, now, clocks=None, reason_for_reader=None):
    """Up one tier with a new acknowledge deadline, and the new tier is told. Also what the tick
    does when nobody acknowledged in time (by=None). `reason_for_reader()`: the reason in the
    reader's language, when the words are ours rather than a person's; the timeline keeps `reason`."""
    escalation = locked(escalation)
    refuse_if_closed(escalation)
    if escalation.tier >= Tier.Level.L3:
        raise AlreadyAtTopTier(_("This escalation is already at L3, the top tier."))
    escalation.tier += 1
    escalation.state = Escalation.State.OPEN
    clocks = clocks or Clocks()
    acknowledge_due = target_due(escalation, "acknowledge", now, clocks)
    escalation.acknowledge_by = acknowledge_due.at
    escalation.save(update_fields=["tier", "state", "acknowledge_by"])
    set_timer(escalation, Deadline.Kind.ESCALATION_ACK, acknowledge_due)
    record(escalation, EscalationEvent.Kind.MOVED_UP, now=now, by=by, note=f"To L{escalation.tier}: {reason}")

    def write():
        told_why = reason_for_reader() if reason_for_reader else reason
        acknowledge_by = _("Acknowledge %(deadline)s.") % {"deadline": acknowledge_due.explanation}
        return (
            _("Escalated to you (L%(tier)s): %(title)s")
            % {"tier": escalation.tier, "title": escalation.title},
            f"{told_why}\n\n{acknowledge_by}\n\n{escalation.description}\n\n{escalation.documentation}",
        )

    notify_tier(
        escalation, escalation.tier, now=now, key=f"tier{escalation.tier}", write=write, clocks=clocks
    )
    return escalation


@transaction.atomic
def comment(escalation, *, by, note, now):
    if not note.strip():
        raise EscalationError(_("A comment needs some text."))
    return record(locked(escalation), EscalationEvent.Kind.COMMENT, now=now, by=by, note=note)


@transaction.atomic
def wait_on_client(escalation, *, by, what, now):
    """Pause the resolve clock while the client owes us something; the pause is kept and shown."""
    escalation = locked(escalation)
    refuse_if_closed(escalation)
    if not what.strip():
        raise EscalationError(_("Say what is awaited from the client."))
    # Asked again while already waiting: the clock has been stopped since the first ask, so the
    # pause keeps its start and only what is awaited changes.
    escalation.paused_at, escalation.waiting_for = escalation.paused_at or now, what
    escalation.save(update_fields=["paused_at", "waiting_for"])
    stop_timers(escalation, Deadline.Kind.ESCALATION_RESOLVE)
    record(escalation, EscalationEvent.Kind.WAITING, now=now, by=by, note=what)
    return escalation


@transaction.atomic
def resume(escalation, *, by, now):
    escalation = locked(escalation)
    if escalation.paused_at is None:
        raise NotWaiting(_("This escalation is not waiting on the client."))
    pause = now - escalation.paused_at
    clocks = Clocks()
    # The target moves on the clock it is counted on: business time for business-hour and
    # business-day targets, day and night for critical ones.
    resolve_due = obligations.resolve_target_after_pause(
        escalation.resolve_by,
        escalation.paused_at,
        now,
        escalation.targets["resolve_unit"],
        clocks.team(escalation.project),
        clocks.client(escalation.project),
    )
    escalation.paused_for += pause
    escalation.resolve_by = resolve_due.at
    escalation.paused_at, escalation.waiting_for = None, ""
    escalation.save(update_fields=["paused_for", "resolve_by", "paused_at", "waiting_for"])
    set_timer(escalation, Deadline.Kind.ESCALATION_RESOLVE, resolve_due)
    record(escalation, EscalationEvent.Kind.RESUMED, now=now, by=by, note=f"Paused for {pause}.")
    return escalation


@transaction.atomic
def resolve(escalation, *, by, resolution, now):
    escalation = locked(escalation)
    refuse_if_closed(escalation)
    if not resolution.strip():
        raise ResolutionRequired(_("Say how it was resolved."))
    escalation.state, escalation.resolved_at, escalation.resolution = (
        Escalation.State.RESOLVED,
        now,
        resolution,
    )
    escalation.paused_at = None
    escalation.save(update_fields=["state", "resolved_at", "resolution", "paused_at"])
    stop_timers(escalation, Deadline.Kind.ESCALATION_ACK, Deadline.Kind.ESCALATION_RESOLVE)
    record(escalation, EscalationEvent.Kind.RESOLVED, now=now, by=by, note=resolution)
    tell_client(escalation, "resolved", now=now)
    return escalation


@transaction.atomic
def close(escalation, *, by, now, resolution="", what="", why="", prevention=""):
    """Closing needs a resolution; a critical escalation also needs its post-mortem."""
    escalation = locked(escalation)
    if escalation.state == Escalation.State.CLOSED:
        raise EscalationAlreadyClosed(_("This escalation is already closed."))
    resolution = resolution or escalation.resolution
    if not resolution.strip():
        raise ResolutionRequired(_("An escalation cannot be closed without a resolution."))
    what, why, prevention = (
        what or escalation.post_mortem_what,
        why or escalation.post_mortem_why,
        prevention or escalation.post_mortem_prevention,
    )
    if escalation.severity == Severity.CRITICAL and not (what.strip() and why.strip() and prevention.strip()):
        raise PostMortemRequired(
            _(
                "A critical escalation needs a post-mortem before it is closed: what happened, why, and what "
                "prevents a repeat."
            )
        )
    if escalation.state != Escalation.State.RESOLVED:
        escalation.resolved_at = now
        tell_client(escalation, "resolved", now=now)
    escalation.state, escalation.closed_at, escalation.resolution = Escalation.State.CLOSED, now, resolution
    escalation.post_mortem_what, escalation.post_mortem_why, escalation.post_mortem_prevention = (
        what,
        why,
        prevention,
    )
    escalation.save()
    stop_timers(escalation, Deadline.Kind.ESCALATION_ACK, Deadline.Kind.ESCALATION_RESOLVE)
    record(escalation, EscalationEvent.Kind.CLOSED, now=now, by=by, note=resolution)
    return escalation


# --- Timers the tick acts on ---------------------------------------------------------------------
# Each in its own transaction: one the tick sets aside with a problem leaves nothing half-done.


def team_time(instant, escalation, clocks):
    return when(instant, (clocks or Clocks()).team(escalation.project).timezone)


@transaction.atomic
def acknowledge_overdue(escalation, *, now, clocks=None):
    """Nobody acknowledged in time: up one tier by itself; at L3 the top tier is reminded."""
    if escalation.state != Escalation.State.OPEN:
        return "nothing"
    if escalation.tier < Tier.Level.L3:
        due = team_time(escalation.acknowledge_by, escalation, clocks)
        move_up(
            escalation,
            by=None,
            reason=f"Not acknowledged by {due}.",
            reason_for_reader=lambda: _("Not acknowledged by %(time)s.") % {"time": due},
            now=now,
            clocks=clocks,
        )
        return "moved up"
    notify_tier(
        escalation,
        3,
        now=now,
        clocks=clocks,
        key=f"unacknowledged:{now:%Y%m%d%H%M}",
        write=lambda: (
            _("Still not acknowledged: %(title)s") % {"title": escalation.title},
            _("This escalation is at the top tier and nobody has acknowledged it."),
        ),
    )
    return "reminded"


@transaction.atomic
def resolve_overdue(escalation, *, now, clocks=None):
    """The resolve target passed: the tier above is told (the top tier at L3)."""
    if escalation.state not in (Escalation.State.OPEN, Escalation.State.ACKNOWLEDGED) or escalation.paused_at:
        return "nothing"
    above = min(escalation.tier + 1, Tier.Level.L3)
    record(escalation, EscalationEvent.Kind.RESOLVE_OVERDUE, now=now, note=f"L{above} told.")
    target = team_time(escalation.resolve_by, escalation, clocks)
    notify_tier(
        escalation,
        above,
        now=now,
        key="resolve-overdue",
        write=lambda: (
            _("Not resolved in time: %(title)s") % {"title": escalation.title},
            _("The resolve target (%(time)s) has passed at L%(tier)s.")
            % {"time": target, "tier": escalation.tier},
        ),
        clocks=clocks,
    )
    return "resolve overdue"
