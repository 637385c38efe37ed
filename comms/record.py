"""Reads a project's record into the plain facts the draft composer works from."""

import functools
import operator
from zoneinfo import ZoneInfo

from django.db.models import Max, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import dateformat
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from comms import drafts
from comms.models import CadencePolicy, Channel, Message, Update, UpdateKind
from comms.words import DECISION_STATES
from escalations.models import Tier
from projects.languages import languages_read
from projects.models import Commitment, Decision, OrganisationSettings, PhaseChange, Project


def in_reading_language(words):
    """`words` as a function whose text is written when it is read, in the language active then."""
    return lazy(words, str)


def projects_for_drafting(project_ids):
    """Projects with everything a draft needs, in a fixed number of queries for any number of them."""
    return (
        Project.objects.filter(pk__in=project_ids)
        .select_related(
            "client__calendar",
            "client__account_owner",
            "owner__member_settings",  # the language the owner is told of the drafts in
            "lead",
            "team_calendar",
        )
        .prefetch_related(
            "team",
            "contacts",
            "commitments",
            Prefetch("decisions", queryset=Decision.objects.prefetch_related("agreed_by")),
            Prefetch("escalation_tiers", queryset=Tier.objects.prefetch_related("members")),
            "cadence_overrides",
            "channel_rules",  # where each update goes: comms/channel_plan.py
        )
        .annotate(last_update_sent_at=Max("updates__sent_at", filter=Q(updates__state=Update.State.SENT)))
    )


class OrgPlan:
    """The org-wide defaults a draft falls back to, read once per pass."""

    def __init__(self, clocks=None):
        """`clocks`: the pass's, which may have read the organisation's settings already."""
        self.cadence = {policy.phase: policy for policy in CadencePolicy.objects.filter(project__isnull=True)}
        self.clocks = clocks

    @functools.cached_property
    def organisation(self):
        """Read only when a client's language falls back to the organisation's."""
        return self.clocks.organisation() if self.clocks else OrganisationSettings.current()

    @functools.cached_property
    def tiers(self):
        """Read only by a pass that needs escalation paths (drafts do; the API's plan does not)."""
        return {
            tier.level: tier for tier in Tier.objects.filter(project__isnull=True).prefetch_related("members")
        }

    def cadence_for(self, project, phase=None):
        phase = phase or project.phase
        overrides = {policy.phase: policy for policy in project.cadence_overrides.all()}
        return overrides.get(phase) or self.cadence.get(phase)

    def escalation_path(self, project):
        tiers = {**self.tiers, **{tier.level: tier for tier in project.escalation_tiers.all()}}
        lines = []
        for level in sorted(tiers):
            people = ", ".join(person_name(user) for user in tiers[level].responders(project))
            lines.append(tier_line(level, tiers[level].name, people))
        return tuple(lines)


@in_reading_language
def tier_line(level, name, people):
    return f"L{level} {name}: {people or _('to be named')}"


# A cadence's update, as "you will get a written <kind> every week" names it.
CADENCE_KINDS = {
    "kickoff_summary": pgettext_lazy("a cadence's update", "kickoff summary"),
    "discovery_summary": pgettext_lazy("a cadence's update", "discovery summary"),
    "build_status": pgettext_lazy("a cadence's update", "build status"),
    "qa_note": pgettext_lazy("a cadence's update", "qa note"),
    "delivery_checklist": pgettext_lazy("a cadence's update", "delivery checklist"),
    "delivery_summary": pgettext_lazy("a cadence's update", "delivery summary"),
    "phase_notice": pgettext_lazy("a cadence's update", "phase-change notice"),
    "post_launch_checkin": pgettext_lazy("a cadence's update", "post-launch check-in"),
}


def describe_cadence(policy):
    """The cadence in words, in the active language."""
    if policy is None:
        return _("no further scheduled updates")
    days = policy.interval_days
    if days == 1:
        every = _("every business day") if policy.business_days_only else _("every day")
    elif days == 7 and not policy.business_days_only:
        every = _("every week")
    elif policy.business_days_only:
        every = ngettext("every %(count)s business day", "every %(count)s business days", days) % {
            "count": days
        }
    else:
        every = ngettext("every %(count)s day", "every %(count)s days", days) % {"count": days}
    kind = CADENCE_KINDS.get(policy.update_kind) or policy.get_update_kind_display().lower()
    return _("a written %(kind)s %(every)s") % {"kind": kind, "every": every}


# Made once: `lazy` builds a class each time it is called.
cadence_in_reading_language = in_reading_language(describe_cadence)


def person_name(user):
    return user.get_full_name() or user.username


def team_person(user, role):
    return drafts.Person(name=person_name(user), email=user.email, role=role)


def project_record(project, org, *, today, portal_url=""):
    """The plain facts of a project prefetched by `projects_for_drafting`. Its words of our own
    (roles, cadence, escalation path) are lazy: the record is read once and written in each
    language its readers read."""
    last_sent = project.last_update_sent_at
    zone = ZoneInfo(project.client.calendar.time_zone)
    return drafts.ProjectRecord(
        project=project.name,
        client=project.client.name,
        phase=project.phase,
        scope=project.scope,
        owner=team_person(project.owner, gettext_lazy("Project owner")),
        lead=team_person(project.lead, gettext_lazy("Project lead")),
        team=tuple(
            team_person(user, gettext_lazy("Team"))
            for user in project.team.all()
            if user.pk not in {project.owner_id, project.lead_id}
        ),
        contacts=tuple(
            drafts.Person(name=contact.name, email=contact.email, role=contact.role, kind=contact.kind)
            for contact in project.contacts.all()
        ),
        escalation_path=org.escalation_path(project),
        cadence=cadence_in_reading_language(org.cadence_for(project)),
        commitments=tuple(
            drafts.CommitmentFact(
                description=c.description,
                due_on=c.due_on,
                status=c.status,
                progress=c.progress,
                in_scope=c.in_scope,
                done_on=c.done_on,
                recovery_plan=c.recovery_plan,
            )
            for c in project.commitments.all()
        ),
        decisions=tuple(decision_fact(decision, zone) for decision in project.decisions.all()),
        today=today,
        since=last_sent.date() if last_sent else None,
        known_limitations=project.known_limitations,
        support_terms=project.support_terms,
        portal_url=portal_url,
        languages=languages_read(
            project.mail_recipients(), project.client, SimpleLazyObject(lambda: org.organisation)
        ),
    )


def decision_fact(decision, zone):
    """A decision as the client reads it: its time in their own time zone."""
    return drafts.DecisionFact(
        summary=decision.summary,
        made_at=decision.made_at.astimezone(zone),
        made_in=decision.made_in,
        agreed_by=tuple(contact.name for contact in decision.agreed_by.all()),
        awaiting_client=decision.awaiting_client,
    )


# The kinds of drafts and mail outside the cadence's update kinds, in words.
KIND_LABELS = {
    **dict(UpdateKind.choices),
    "decision_confirmation": pgettext_lazy("kind of draft or mail", "Decision confirmation"),
    "meeting_recap": pgettext_lazy("kind of draft or mail", "Meeting recap"),
    "quiet_client_nudge": pgettext_lazy("kind of draft or mail", "Check-in with a quiet client"),
    "reply": pgettext_lazy("kind of draft or mail", "Reply"),
    "client_mail": pgettext_lazy("kind of draft or mail", "Client email"),
    "escalation_raised": pgettext_lazy("kind of draft or mail", "Escalation raised"),
    "escalation_resolved": pgettext_lazy("kind of draft or mail", "Escalation resolved"),
}


def entry_kind_label(kind):
    """'decision_confirmation' → 'Decision confirmation'; a kind not named above still reads as words."""
    return str(KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize())


def record_entries(project, *, latest=None, kind=""):
    """Every message in and out, update, decision, commitment and phase change, oldest first;
    with `latest`, only the newest that many (read newest-first from each source, so a long
    record costs no more than a short one); `kind` (message, update, decision, commitment,
    phase_change) keeps one source only. Each entry's `kind` and `state` are codes (for filters and
    exports); its `label` and `state_label` are the same in words, for people. Searching by words is
    comms/search.py's."""

    def pick(queryset, moment):
        if not shows(kind, queryset.model):
            return queryset.none()
        return queryset.order_by(f"-{moment}")[:latest] if latest else queryset

    messages = pick(timeline_messages(project).prefetch_related("attachments"), "at")
    updates = pick(timeline_updates(project), "at")
    decisions = pick(project.decisions.prefetch_related("agreed_by"), "made_at")
    commitments = pick(project.commitments.all(), "created_at")
    changes = pick(project.phase_changes.all(), "changed_at")
    return entries_of(messages, updates, decisions, commitments, changes, latest=latest)


def shows(kind, model):
    """Whether a timeline filtered to `kind` (empty: everything) shows rows of `model`."""
    return not kind or model._meta.model_name.startswith(kind.replace("_", ""))


def timeline_messages(project):
    """Mail in and out; a person's own notes and digests (messages with a user) are not the record."""
    return project.messages.filter(user__isnull=True).annotate(at=Coalesce("sent_at", "created_at"))


def timeline_updates(project):
    return project.updates.exclude(state=Update.State.DISCARDED).annotate(
        at=Coalesce("sent_at", "created_at")
    )


def entries_of(messages, updates, decisions, commitments, changes, *, latest=None, details=True):
    """Timeline entries of rows already read, oldest first; with `latest`, the newest that many.
    Without `details` the entries have no `detail` (the project page shows none; the export
    does), so who agreed to each decision need not be read."""
    entries = [
        *map(message_entry, messages),
        *map(update_entry, updates),
        *(decision_entry(decision, details=details) for decision in decisions),
        *map(commitment_entry, commitments),
        *map(phase_change_entry, changes),
    ]
    if not details:
        for entry in entries:
            del entry["detail"]
    entries.sort(key=lambda entry: entry["at"])
    return entries[-latest:] if latest else entries


# How a message went or came, in the record's words.
SENT_BY = {
    Channel.EMAIL: gettext_lazy("%(kind)s emailed"),
    Channel.CHAT: gettext_lazy("%(kind)s posted in Slack"),
    Channel.PROJECT_BOARD: gettext_lazy("%(kind)s posted on the board"),
}
CAME_BY = {
    Channel.EMAIL: gettext_lazy("Email from the client"),
    Channel.CHAT: gettext_lazy("Slack message from the client"),
}
MADE_IN = {
    Decision.Venue.CALL: pgettext_lazy("a decision", "made in a call"),
    Decision.Venue.MEETING: pgettext_lazy("a decision", "made in a meeting"),
    Decision.Venue.EMAIL: pgettext_lazy("a decision", "made in an email"),
    Decision.Venue.CHAT: pgettext_lazy("a decision", "made in a chat"),
}


def message_entry(message):
    outbound = message.direction == Message.Direction.OUT
    where = message.to_email or message.destination if outbound else message.from_email
    return {
        "at": message.sent_at or message.created_at,
        "kind": f"message:{message.kind}",
        "label": (SENT_BY.get(message.channel) or _("%(kind)s sent"))
        % {"kind": entry_kind_label(message.kind)}
        if outbound
        else str(CAME_BY.get(message.channel) or _("Message from the client")),
        "direction": message.direction,
        "title": message.subject,
        "detail": (_("to %(address)s") if outbound else _("from %(address)s")) % {"address": where}
        + f"\n{message.body_text}",
        "state": message.state,
        "state_label": str(message.get_state_display()),
        "attachments": [attachment_fact(attachment) for attachment in message.attachments.all()],
        "new_person": message.from_email if message.from_new_person else "",
    }


def update_entry(update):
    return {
        "at": update.sent_at or update.created_at,
        "kind": f"update:{update.kind}",
        "label": (_("%(kind)s sent") if update.state == Update.State.SENT else _("%(kind)s drafted"))
        % {"kind": entry_kind_label(update.kind)},
        "direction": "out",
        "title": update.subject,
        "detail": update.technical_body,
        "state": update.state,
        "state_label": str(update.get_state_display()),
    }


def decision_entry(decision, *, details=True):
    agreed = ", ".join(contact.name for contact in decision.agreed_by.all()) if details else ""
    state = (
        "confirmed"
        if decision.confirmed_at
        else ("awaiting client" if decision.awaiting_client else "logged")
    )
    return {
        "at": decision.made_at,
        "kind": "decision",
        "label": _("Decision logged"),
        "direction": "",
        "title": decision.summary,
        "detail": str(MADE_IN[decision.made_in])
        + (_(", agreed by %(people)s") % {"people": agreed} if agreed else ""),
        "state": state,
        "state_label": capfirst(str(DECISION_STATES[state])),
    }


def commitment_entry(commitment):
    return {
        "at": commitment.created_at,
        "kind": "commitment",
        "label": _("Promise made"),
        "direction": "",
        "title": commitment.description,
        "detail": (
            _("due %(day)s, %(progress)s%% done, in scope")
            if commitment.in_scope
            else _("due %(day)s, %(progress)s%% done, out of scope")
        )
        % {"day": commitment.due_on.isoformat(), "progress": commitment.progress},
        "state": commitment.status,
        "state_label": str(commitment.get_status_display()),
    }


def phase_change_entry(change):
    return {
        "at": change.changed_at,
        "kind": "phase_change",
        "label": _("Phase changed") if change.from_phase else _("Project started"),
        "direction": "",
        "title": _("%(old)s to %(new)s")
        % {"old": change.get_from_phase_display(), "new": change.get_to_phase_display()}
        if change.from_phase
        else _("%(phase)s phase") % {"phase": change.get_to_phase_display()},
        "detail": change.note,
        "state": "",
        "state_label": "",
    }


def attachment_fact(attachment):
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "kept": attachment.kept,
    }


def promises_done_since(project, since):
    """Promises done on or after the client's date of `since` (a promise has a done date, not an
    instant). Read from `commitments`, so a prefetch serves it."""
    return done_since(project.commitments.all(), since, ZoneInfo(project.client.calendar.time_zone))


def done_since(commitments, since, zone):
    day = since.astimezone(zone).date()
    return [c for c in commitments if c.done_on and c.done_on >= day]


def changes_since(project, since):
    """What changed in a project's record after `since` (a person's edit of a draft), in words:
    promises done, phase changes, decisions made. Two queries; promises are read from `commitments`."""
    return changes_among(
        since,
        ZoneInfo(project.client.calendar.time_zone),
        commitments=project.commitments.all(),
        phase_changes=project.phase_changes.filter(changed_at__gt=since),
        decisions=project.decisions.filter(made_at__gt=since),
    )


def changes_among(since, zone, *, commitments, phase_changes, decisions, done_zone=None):
    """`changes_since` of rows already read (any superset of what changed after `since`); a
    promise's done date is compared with the date of `since` in `done_zone` (default `zone`)."""
    changes = [
        _("Promise done on %(day)s: %(promise)s") % {"day": short_day(c.done_on), "promise": c.description}
        for c in done_since(commitments, since, done_zone or zone)
    ]
    changes += [
        _("Moved from %(old)s to %(new)s on %(day)s")
        % {
            "old": change.get_from_phase_display(),
            "new": change.get_to_phase_display(),
            "day": short_day(change.changed_at.astimezone(zone)),
        }
        for change in sorted(phase_changes, key=lambda change: change.changed_at)
        if change.changed_at > since
    ]
    changes += [
        _("Decision made on %(day)s: %(decision)s")
        % {"day": short_day(decision.made_at.astimezone(zone)), "decision": decision.summary}
        for decision in sorted(decisions, key=lambda decision: decision.made_at)
        if decision.made_at > since
    ]
    return changes


def short_day(moment):
    """The day as "Tue 04 Nov", its names in the active language."""
    return dateformat.format(moment, "D d M")


WAITING_FOR_REPLY = Q(direction=Message.Direction.IN, respond_by__isnull=False, responded_at__isnull=True)
OPEN_DRAFT_STATES = (Update.State.DRAFT, Update.State.OVERDUE)


class PageRecord:
    """What the project page shows of the record, in one query per table however long the record
    and however many drafts: the newest `latest` timeline entries (`kind` as in `record_entries`,
    without details), the drafts waiting for review, the client mails waiting for a reply, soonest
    due first (only `waiting_shown` of them if given), every promise and phase change, and what
    changed since each draft's edit.
    Each table is read once for all its uses: the newest rows OR the rows another section needs."""

    def __init__(self, project, *, latest, kind="", waiting_shown=None, team_zone=None):
        self.zone = ZoneInfo(project.client.calendar.time_zone)
        # A promise is marked done on the team's date, so an edit is dated there to compare: on the
        # client's, an edit late in London's day is already tomorrow in Sydney.
        self.team_zone = team_zone or self.zone
        at = Coalesce("sent_at", "created_at")

        def newest(queryset, moment):
            return Q(pk__in=queryset.order_by(f"-{moment}").values("pk")[:latest])

        waiting = (
            project.messages.filter(WAITING_FOR_REPLY).order_by("respond_by").values("pk")[:waiting_shown]
        )

        def messages_where(condition):
            # A client's HTML mail can be long, and the page shows its text.
            return project.messages.filter(condition).defer("body_html").annotate(at=at).order_by()

        # Each list's rows read apart, joined by UNION ALL: PostgreSQL then reads them by their key,
        # where one OR of the two lists made it test every message of the project against both.
        # A waiting mail among the newest comes twice; newest first, as the sorts below expect.
        parts = [messages_where(Q(pk__in=waiting))]
        if shows(kind, Message):
            parts.append(messages_where(newest(timeline_messages(project), "at")))
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        messages = sorted({m.pk: m for m in rows}.values(), key=lambda m: m.created_at, reverse=True)
        prefetch_related_objects(messages, "attachments")
        # Timeline rows may wait for a reply too, but the soonest `waiting_shown` are all read.
        self.waiting = sorted(
            (
                m
                for m in messages
                if m.direction == Message.Direction.IN and m.respond_by and not m.responded_at
            ),
            key=lambda m: m.respond_by,
        )[:waiting_shown]
        updates = list(
            project.updates.filter(
                either(
                    Q(state__in=OPEN_DRAFT_STATES),
                    newest(timeline_updates(project), "at") if shows(kind, Update) else None,
                )
            ).annotate(at=at)
        )
        self.drafts = sorted((u for u in updates if u.state in OPEN_DRAFT_STATES), key=lambda u: u.send_by)
        prefetch_related_objects(self.drafts, "visuals", "texts")
        edits = [draft.edited_at for draft in self.drafts if draft.edited_at]
        conditions = [
            Q(made_at__gt=min(edits)) if edits else None,
            newest(project.decisions.all(), "made_at") if shows(kind, Decision) else None,
        ]
        asked = [condition for condition in conditions if condition is not None]
        self.decisions = list(project.decisions.filter(either(*asked))) if asked else []
        self.commitments = list(project.commitments.all())
        self.phase_changes = list(project.phase_changes.all())

        def timeline(rows, model, moment):
            if not shows(kind, model):
                return []
            return sorted(rows, key=lambda row: getattr(row, moment), reverse=True)[:latest]

        self.entries = entries_of(
            timeline((m for m in messages if m.user_id is None), Message, "at"),
            timeline((u for u in updates if u.state != Update.State.DISCARDED), Update, "at"),
            timeline(self.decisions, Decision, "made_at"),
            timeline(self.commitments, Commitment, "created_at"),
            timeline(self.phase_changes, PhaseChange, "changed_at"),
            latest=latest,
            details=False,
        )

    def promises_done_since(self, since):
        return done_since(self.commitments, since, self.team_zone)

    def changes_since(self, since):
        return changes_among(
            since,
            self.zone,
            commitments=self.commitments,
            phase_changes=self.phase_changes,
            decisions=self.decisions,
            done_zone=self.team_zone,
        )


def either(*conditions):
    """The conditions given (None: not asked for) joined by OR."""
    return functools.reduce(operator.or_, [condition for condition in conditions if condition is not None])
