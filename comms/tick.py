"""The tick: one pass that finds the deadlines that have come due and acts on them.

It reads only due rows (a range scan of the live-deadline index), locks them so that two ticks
never take the same row (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises
writers instead), acts, and moves each deadline on or retires it in the same transaction. Work is
done a batch at a time with bulk writes, so its cost follows what is due, not how many projects
exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comms import obligations
from comms.autopilot import (
    NoRecipients,
    compose_draft,
    deadline_times,
    delivery_final_week,
    next_update_owed,
    plan_draft,
    ready_to_send,
    record_sent,
    save_drafts,
)
from comms.calendars import Clocks, UnusableCalendar
from comms.clock import ONE_DAY, to_utc
from comms.models import Deadline, Message, Update
from comms.outbox import LEASE, not_yet_queued, owner_alert, queue_messages, team_notice, wake_senders
from comms.record import OrgPlan, person_name, project_record, projects_for_drafting
from escalations.models import Category, Escalation, Severity
from escalations.services import acknowledge_overdue, raise_escalation, resolve_overdue
from projects.bulk import update_each
from projects.dates import moment
from projects.header_text import fold_to_line
from projects.models import Commitment, Phase, Project
from projects.team_language import speaking_to_member
from projects.when import when

BATCH = 200
PROBLEM_RETRY = dt.timedelta(hours=1)
# A draft owed while its release is due is going out now, in this pass or another; whether it did is
# seen this long after, and only a release that failed makes it overdue.
RELEASE_RECHECK = dt.timedelta(minutes=5)
SWEEP_LIMIT = 1000

logger = logging.getLogger(__name__)


class Problem(Exception):
    """A deadline could not be acted on for a reason the owner or an admin must fix."""


def run_tick(now=None):
    """One pass as of `now`; returns counts of what it did."""
    now = now or timezone.now()
    summary = Counter()
    # Sweep first: what this pass queues is woken when it commits, so the sweep is for rows
    # whose wake-up was lost, whose retry is due, or whose release into client hours has come.
    summary["messages woken"] = sweep(now)
    clocks, org = Clocks(), None
    while True:
        with transaction.atomic():
            due = list(
                Deadline.objects.due(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("owner__member_settings")[:BATCH]
            )
            if not due:
                break
            org = org or OrgPlan(clocks)
            batch = TickPass(due, now=now, clocks=clocks, org=org, summary=summary)
            batch.run()
        # A batch whose drafts were all being sent by other passes is theirs to finish.
        if len(due) < BATCH or not batch.due:
            break
    return summary


def describe(summary):
    done = [f"{count} {what}" for what, count in sorted(summary.items()) if count]
    return ", ".join(done) if done else "nothing was due"


def sweep(now):
    """Wake senders for outbox rows that came due and were not woken since: released into the
    client's hours, due a retry, or left by a sender whose lease ran out (a lost task, a killed
    worker). Rows are marked as they are taken, under SKIP LOCKED, so ticks running at once wake
    each row once between them. A row woken but still not taken a lease later (its task lost on
    the way) is woken again."""
    not_woken_since_due = (
        Q(woken_at__isnull=True) | Q(woken_at__lt=F("send_after")) | Q(woken_at__lte=now - LEASE)
    )
    with transaction.atomic():
        ready = list(
            Message.objects.ready_to_send(now)
            .filter(not_woken_since_due)
            .select_for_update(skip_locked=True)
            .order_by("send_after")
            .values_list("pk", flat=True)[:SWEEP_LIMIT]
        )
        Message.objects.filter(pk__in=ready).update(woken_at=now)
    wake_senders(ready)
    return len(ready)


def releases_due(update_ids, now):
    """Of these drafts, those whose release is due and has not failed: each is going out now."""
    if not update_ids:
        return set()
    return set(
        Deadline.objects.filter(
            kind=Deadline.Kind.DRAFT_RELEASE,
            is_active=True,
            due_at__lte=now,
            problem="",
            update_id__in=update_ids,
        ).values_list("update_id", flat=True)
    )


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class TickPass:
    """Acts on one locked batch of due deadlines and writes the results in bulk."""

    def __init__(self, due, *, now, clocks, org, summary):
        self.now, self.clocks, self.org, self.summary = now, clocks, org, summary
        self.drafts, self.to_send, self.outgoing, self.notices = [], [], [], []
        self.changed_updates, self.changed_projects = {}, {}
        self.new_problems, self.problem_notices = [], []
        update_ids = {d.update_id for d in due if d.update_id}
        # Read before the drafts: a release another pass commits in between then shows as sent.
        self.releasing = releases_due({d.update_id for d in due if d.kind == Deadline.Kind.SEND_BY}, now)
        # A draft another pass (or its owner) is sending right now is locked: its deadlines wait for
        # the next pass rather than judge it half-sent, and nobody waits on a lock held in reverse.
        self.updates = {
            u.pk: u
            for u in Update.objects.filter(pk__in=update_ids)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("decision")
            # What a draft going out by itself reads again: who agreed a decision it confirms,
            # and what it shows.
            .prefetch_related("decision__agreed_by", "visuals")
        }
        self.due = [d for d in due if not d.update_id or d.update_id in self.updates]
        self.summary["left to the pass sending their draft"] += len(due) - len(self.due)
        project_ids = {d.project_id for d in due if d.project_id} | {
            u.project_id for u in self.updates.values()
        }
        self.projects = {p.pk: p for p in projects_for_drafting(project_ids)} if project_ids else {}
        # Recurring drafts due to go out by themselves later: the next occurrence leaves them their
        # turn (they are composed afresh when sent) instead of superseding them before the client
        # sees them. Any other unsent draft is superseded by the newer one.
        self.waiting = set(
            Deadline.objects.filter(
                kind=Deadline.Kind.DRAFT_RELEASE,
                is_active=True,
                due_at__gt=now,
                update__project_id__in=project_ids,
                update__kind__in=Update.RECURRING_KINDS,
                update__state=Update.State.DRAFT,
            ).values_list("update__project_id", "update__kind")
        )

    def run(self):
        handlers = {
            Deadline.Kind.CADENCE_UPDATE: self.cadence_update,
            Deadline.Kind.CHECKIN: self.checkin,
            Deadline.Kind.QUIET_CLIENT: self.quiet_client,
            Deadline.Kind.DRAFT_RELEASE: self.draft_release,
            Deadline.Kind.SEND_BY: self.send_by,
            Deadline.Kind.MORNING_DIGEST: self.morning_digest,
            Deadline.Kind.RESPONSE_REMINDER: self.response_reminder,
            Deadline.Kind.RESPONSE_DUE: self.response_due,
            Deadline.Kind.ESCALATION_ACK: self.escalation_ack,
            Deadline.Kind.ESCALATION_RESOLVE: self.escalation_resolve,
        }
        for deadline in self.due:
            was_due_at, told = deadline.due_at, deadline.problem
            drafted, noticed = len(self.drafts), len(self.notices)
            deadline.occurrence += 1
            deadline.problem = ""
            try:
                if deadline.project_id:
                    # A calendar no clock can be built from is found here, once per pass, before
                    # anything is done on its project: each of the project's deadlines reports it.
                    self.clocks.of_project(self.project(deadline))
                handlers[deadline.kind](deadline)
            except DatabaseError:
                raise  # the batch's transaction is lost: nothing can be recorded, the next tick retries
            except Exception as error:
                # One project's data (a stored draft that no longer reads, say) must not stop the
                # others. What the failed act drafted or queued goes with it: it is tried again whole.
                del self.drafts[drafted:], self.notices[noticed:]
                if isinstance(error, (Problem, UnusableCalendar)):
                    problem = str(error)
                else:
                    logger.exception("%s: deadline %s failed", deadline.get_kind_display(), deadline.pk)
                    problem = f"Unexpected error: {type(error).__name__}: {error}"
                self.report(deadline, problem, told=told)
            if deadline.is_active and deadline.due_at == was_due_at:
                # Each act moves its deadline on or retires it; one that did neither would be
                # taken again at once, so it waits and says so.
                self.report(
                    deadline, "The deadline was not moved on; it will be tried again later.", told=told
                )
        # Drafts turned overdue first, so a newer draft of their kind saved below supersedes them.
        update_each(self.changed_updates.values(), ["state"])
        save_drafts(self.drafts)
        if self.to_send:
            record_sent(self.to_send, self.outgoing, now=self.now)
        queue_messages(self.notices + not_yet_queued(self.problem_notices + self.admin_notices()))
        update_each(self.changed_projects.values(), ["client_silence"])
        update_each(self.due, ["due_at", "owed_at", "is_active", "occurrence", "problem", "explanation"])

    # --- helpers ---

    def project(self, deadline):
        return self.projects[deadline.project_id]

    def record(self, project):
        today = self.clocks.client(project).local_date(self.now)
        return project_record(project, self.org, today=today)

    def draft(self, deadline, project, kind, send_by, **extra):
        if (project.pk, kind) in self.waiting:
            self.summary["left to the draft already waiting"] += 1
            return
        draft = compose_draft(kind, project, self.record(project), **extra)
        self.drafts.append(
            plan_draft(
                project,
                draft,
                now=self.now,
                send_by=send_by,
                clocks=self.clocks,
                composed_with=extra,
                source=deadline,
                not_before=deadline.owed_at,
            )
        )
        self.summary["drafted"] += 1

    def alert(self, project, key, subject, body):
        notice = owner_alert(project, subject=subject, body=body, key=key, now=self.now)
        if notice is None:
            raise Problem(f"The owner {person_name(project.owner)} has no email address for alerts.")
        self.notices.append(notice)

    def report(self, deadline, problem, *, told):
        """Shown on the deadline (admin, the project page) and tried again later; the owner is
        mailed once per distinct problem, the admins once each time it is new (`told`: the problem
        the deadline already showed)."""
        deadline.problem = problem[:300]
        # A handler may have retired the deadline before it failed; it is not done until it acts.
        deadline.is_active = True
        deadline.due_at = self.now + PROBLEM_RETRY
        self.summary["problems"] += 1
        if deadline.problem == told:
            return
        self.new_problems.append(deadline)
        if deadline.project_id:
            project = self.projects.get(deadline.project_id)
            if project is None:
                return
            with speaking_to_member(project.owner):
                notice = owner_alert(
                    project,
                    subject=_("Needs your attention: %(project)s") % {"project": project},
                    body=_("The portal could not act on “%(deadline)s”: %(problem)s")
                    % {"deadline": deadline.get_kind_display(), "problem": problem},
                    # A digest, not hash(): the same problem seen by two worker processes is one alert.
                    key=f"problem:{deadline.pk}:{digest(problem)}",
                    now=self.now,
                )
            if notice:
                self.problem_notices.append(notice)

    def admin_notices(self):
        """The problems new in this batch, in one mail to each organisation admin: an owner can
        fix neither a calendar nor their own missing address."""
        if not self.new_problems:
            return []
        admins = (
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .exclude(email="")
            .select_related("member_settings")
        )
        return [self.admin_notice(admin) for admin in admins]

    def admin_notice(self, admin):
        count = len(self.new_problems)
        with speaking_to_member(admin):
            lines = [
                _("- %(what)s, “%(deadline)s”: %(problem)s")
                % {
                    "what": self.projects.get(deadline.project_id) or person_name(deadline.owner),
                    "deadline": deadline.get_kind_display(),
                    "problem": deadline.problem,
                }
                for deadline in self.new_problems
            ]
            body = _(
                "The portal could not act on these deadlines; each is tried again every hour and is listed "
                "in admin → Deadlines."
            )
            body += "\n\n" + "\n".join(lines)
            subject = ngettext(
                "Needs an admin: %(count)s deadline could not be acted on",
                "Needs an admin: %(count)s deadlines could not be acted on",
                count,
            ) % {"count": count}
        return team_notice(
            None,
            admin,
            kind="deadline_problem",
            subject=subject,
            body=body,
            key=f"problems:{digest(body)}:{admin.pk}",
            now=self.now,
        )

    def retire(self, deadline):
        deadline.is_active = False

    def late_by_grace(self, deadline, project):
        owed = deadline.owed_at or deadline.due_at
        return obligations.overdue_after(
            owed,
            self.clocks.team(project),
            self.clocks.client(project),
            self.clocks.organisation().late_grace_business_days,
        )

    # --- one handler per kind ---

    def cadence_update(self, deadline):
        """The phase cadence came round: draft the update in the phase's shape, owed within one
        business day, and book the next one. A delivery checklist before the final week, or a
        support check-in close to the day-7 or day-30 one, is not drafted: the deadline moves on."""
        project = self.project(deadline)
        policy = self.org.cadence_for(project)
        if policy is None:
            self.retire(deadline)
            return
        client, team = self.clocks.client(project), self.clocks.team(project)
        owed = deadline.owed_at or deadline.due_at
        final_week = delivery_final_week(project, policy, client)
        folded = (
            policy.update_kind == "post_launch_checkin"
            and project.launched_at is not None
            and obligations.folds_into_checkin(owed, project.launched_at, client)
        )
        if final_week and owed < final_week.at:
            following = final_week
        else:
            if folded:
                self.summary["folded into a check-in"] += 1
            else:
                extra = {}
                if policy.update_kind == "post_launch_checkin":
                    extra["day"] = max(1, (self.now - (project.launched_at or deadline.due_at)).days)
                self.draft(
                    deadline, project, policy.update_kind, self.late_by_grace(deadline, project), **extra
                )
            following = next_update_owed(project, policy, owed, client)
            if following.at <= self.now:  # catching up after downtime: one draft, then on from now
                following = next_update_owed(project, policy, self.now, client)
        window = self.clocks.organisation().review_window
        for name, value in deadline_times(following, team, now=self.now, review_window=window).items():
            setattr(deadline, name, value)

    def checkin(self, deadline):
        project = self.project(deadline)
        self.draft(
            deadline,
            project,
            "post_launch_checkin",
            self.late_by_grace(deadline, project),
            day=deadline.checkin_day,
        )
        self.retire(deadline)

    def quiet_client(self, deadline):
        """Healthchecks-style: on time → late (nudge the client, tell the owner) → overdue (tell
        the owner again). Each alert fires once, on the change of state."""
        project = self.project(deadline)
        policy = self.org.cadence_for(project)
        if policy is None:
            self.retire(deadline)
            return
        if project.client_silence == "on_time":
            project.client_silence = "late"
            self.draft(
                deadline,
                project,
                "quiet_client_nudge",
                self.late_by_grace(deadline, project),
                business_days=policy.quiet_after_business_days,
            )
            days = policy.quiet_after_business_days
            with speaking_to_member(project.owner):
                self.alert(
                    project,
                    f"quiet:{deadline.pk}:{deadline.occurrence}",
                    _("%(client)s has gone quiet") % {"client": project.client},
                    ngettext(
                        "No message from any contact of %(client)s on %(project)s for %(count)s business day. "
                        "A friendly nudge is drafted for you.",
                        "No message from any contact of %(client)s on %(project)s for %(count)s business days. "
                        "A friendly nudge is drafted for you.",
                        days,
                    )
                    % {"client": project.client, "project": project, "count": days},
                )
            grace = self.late_by_grace(deadline, project)
            deadline.due_at, deadline.explanation = grace.at, grace.explanation
        else:
            project.client_silence = "overdue"
            with speaking_to_member(project.owner):
                self.alert(
                    project,
                    f"silent:{deadline.pk}:{deadline.occurrence}",
                    _("%(client)s is still silent") % {"client": project.client},
                    _(
                        "%(client)s has not written about %(project)s since the nudge. "
                        "Consider a call in the shared window."
                    )
                    % {"client": project.client, "project": project},
                )
            self.retire(deadline)
        self.changed_projects[project.pk] = project

    def draft_release(self, deadline):
        """The review window ended on a project that sends by itself: the draft goes out as it is."""
        update = self.updates[deadline.update_id]
        self.retire(deadline)
        if update.state not in (Update.State.DRAFT, Update.State.OVERDUE):
            return
        update.project = self.projects[update.project_id]
        try:
            self.outgoing += ready_to_send(update, by=None, now=self.now, clocks=self.clocks, org=self.org)
        except NoRecipients as problem:
            raise Problem(f"{problem} The draft cannot go out.") from problem
        self.to_send.append(update)
        self.summary["sent by themselves"] += 1

    def send_by(self, deadline):
        """A draft still unsent when it is owed shows as overdue and the owner is told, once; one
        whose release is due is going out, so it is looked at again shortly instead."""
        update = self.updates[deadline.update_id]
        self.retire(deadline)
        if update.state != Update.State.DRAFT or update in self.to_send:
            return
        if update.pk in self.releasing:
            deadline.is_active, deadline.due_at = True, self.now + RELEASE_RECHECK
            self.summary["left to the release under way"] += 1
            return
        update.state = Update.State.OVERDUE
        self.changed_updates[update.pk] = update
        project = self.projects[update.project_id]
        with speaking_to_member(project.owner):
            self.alert(
                project,
                f"overdue:{update.pk}",
                _("Overdue: %(subject)s") % {"subject": update.subject},
                _("This draft for %(client)s has not been sent; it was %(deadline)s.")
                % {"client": project.client, "deadline": deadline.explanation},
            )
        self.summary["overdue"] += 1

    def morning_digest(self, deadline):
        """One mail at the start of the owner's day with only what is late, breached or due today."""
        owner = deadline.owner
        team = self.clocks.of(self.clocks.team_default_calendar())
        end_of_day = obligations.end_of_today(self.now, team)
        with speaking_to_member(owner):
            lines = digest_lines(owner, now=self.now, end_of_day=end_of_day, clocks=self.clocks)
            subject = ngettext(
                "Today: %(count)s thing needs you", "Today: %(count)s things need you", len(lines)
            ) % {"count": len(lines)}
        if lines:
            notice = team_notice(
                None,
                owner,
                kind="morning_digest",
                subject=subject,
                body="\n".join(f"- {line}" for line in lines),
                key=f"digest:{deadline.pk}:{deadline.occurrence}",
                now=self.now,
            )
            if notice:
                self.notices.append(notice)
                self.summary["digests"] += 1
        following = obligations.morning_digest(self.now, team)
        deadline.due_at, deadline.explanation = following.at, following.explanation

    # --- client email and escalations: few at a time, so each acts through its service ---

    def response_reminder(self, deadline):
        """80% of the response time is gone and the client is still waiting: tell the owner."""
        self.retire(deadline)
        message = Message.objects.select_related("project__client", "project__owner__member_settings").get(
            pk=deadline.message_id
        )
        if message.responded_at is None:
            zone = self.clocks.team(message.project).timezone
            with speaking_to_member(message.project.owner):
                self.alert(
                    message.project,
                    f"reply-reminder:{message.pk}",
                    _("Reply due soon: %(subject)s") % {"subject": fold_to_line(message.subject)},
                    _(
                        "%(sender)s wrote %(written)s and is waiting. "
                        "Reply by %(deadline)s at the latest (an acknowledgement counts)."
                    )
                    % {
                        "sender": message.from_email,
                        "written": moment(message.created_at, zone),
                        "deadline": moment(message.respond_by, zone),
                    },
                )
            self.summary["reply reminders"] += 1

    def response_due(self, deadline):
        """Nobody answered in time: an "unanswered client mail" escalation is raised at L1."""
        self.retire(deadline)
        message = Message.objects.select_related("project__client", "contact").get(pk=deadline.message_id)
        if message.responded_at is None and not message.escalations.exists():
            raise_escalation(
                message.project,
                category=Category.UNANSWERED_MAIL,
                severity=Severity.CRITICAL if message.urgent else Severity.MODERATE,
                title=f"Unanswered client mail: {fold_to_line(message.subject)}"[:200],
                description=f"{message.from_email} wrote "
                f"{when(message.created_at, self.clocks.team(message.project).timezone)}; the reply was "
                f"{deadline.explanation}.",
                documentation=message.body_text[:2000],
                internal=True,
                now=self.now,
                source_message=message,
                clocks=self.clocks,
            )
            self.summary["escalations raised"] += 1

    def escalation_ack(self, deadline):
        self.retire(deadline)
        escalation = Escalation.objects.get(pk=deadline.escalation_id)
        if acknowledge_overdue(escalation, now=self.now, clocks=self.clocks) == "moved up":
            self.summary["escalations moved up"] += 1

    def escalation_resolve(self, deadline):
        self.retire(deadline)
        escalation = Escalation.objects.get(pk=deadline.escalation_id)
        if resolve_overdue(escalation, now=self.now, clocks=self.clocks) != "nothing":
            self.summary["escalations past resolve target"] += 1


def digest_lines(owner, *, now, end_of_day, clocks):
    """What is late, breached or due by the end of the owner's business day, across their projects;
    a promise is late by the date on its project's team calendar."""
    lines = [
        _("%(project)s: “%(subject)s” is overdue — it was owed %(deadline)s.")
        % {
            "project": update.project,
            "subject": update.subject,
            "deadline": moment(update.send_by, clocks.team(update.project).timezone),
        }
        for update in Update.objects.filter(project__owner=owner, state=Update.State.OVERDUE).select_related(
            "project__client"
        )
    ]
    lines += [
        _("%(project)s: “%(subject)s” waits for your review, owed today.")
        % {"project": update.project, "subject": update.subject}
        for update in Update.objects.filter(
            project__owner=owner, state=Update.State.DRAFT, send_by__lte=end_of_day
        ).select_related("project__client")
    ]
    lines += [
        _("%(project)s: the client has gone quiet.") % {"project": project}
        for project in Project.objects.filter(owner=owner)
        .exclude(client_silence="on_time")
        .select_related("client")
    ]
    # No calendar's date is more than a day ahead of UTC's, so this reads every promise that can be
    # late anywhere; each is then judged by the date on its own project's team calendar.
    promises = (
        Commitment.objects.filter(
            project__owner=owner, status=Commitment.Status.OPEN, due_on__lt=to_utc(now).date() + ONE_DAY
        )
        .exclude(project__phase=Phase.CLOSED)
        .select_related("project__client", "project__team_calendar")
    )
    lines += [
        _("%(project)s: “%(promise)s” was promised for %(day)s and is open.")
        % {
            "project": commitment.project,
            "promise": commitment.description,
            "day": dateformat.format(commitment.due_on, "D d M"),
        }
        for commitment in promises
        if commitment.is_overdue(clocks.team(commitment.project).local_date(now))
    ]
    lines += [
        _("%(project)s: mail to %(address)s failed — %(error)s")
        % {"project": message.project, "address": message.to_email, "error": message.error}
        for message in Message.objects.filter(
            project__owner=owner,
            state=Message.State.FAILED,
            user__isnull=True,
            created_at__gte=now - dt.timedelta(days=1),
        ).select_related("project__client")
    ]
    if owner.is_superuser:
        lines += undelivered_team_mail_lines(owner, now=now)
    return lines


def undelivered_team_mail_lines(admin, *, now):
    """Mail to the team that failed has no owner to tell: each admin's digest lists what failed
    since their previous digest (the last day when there was none), each mail once."""
    previous = (
        Message.objects.filter(user=admin, kind="morning_digest", created_at__lt=now)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    since = previous or now - ONE_DAY
    team_mail_failed = Message.objects.filter(
        direction=Message.Direction.OUT, user__isnull=False, state=Message.State.FAILED
    )
    failed = (
        team_mail_failed.with_failed_at()
        .filter(failed_at__gte=since, failed_at__lt=now)
        .order_by("created_at")
    )
    return [
        _("Not delivered: %(subject)s to %(address)s: %(error)s")
        % {
            "subject": fold_to_line(message.subject),
            "address": message.to_email,
            "error": " ".join(message.error.split()),
        }
        for message in failed
    ]
