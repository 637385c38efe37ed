"""Draft composition: turns the plain facts of a project's record into the update owed to the client,
one function per kind, each with a detailed body for technical contacts and a short one for executives,
written in the language the client reads (Django's catalogues in locale/, dates named by projects.dates)."""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from projects.dates import moment, spelled
from projects.models import Phase

# Whole sentences, not "<stage> <state>": the word order is the language's.
STATES = {
    "green": gettext_lazy("%(stage)s is on track"),
    "amber": gettext_lazy("%(stage)s needs attention"),
    "red": gettext_lazy("%(stage)s is behind schedule"),
}
RAG_WORDS = {"green": gettext_lazy("GREEN"), "amber": gettext_lazy("AMBER"), "red": gettext_lazy("RED")}
VENUES = {
    "call": gettext_lazy("on a call"),
    "meeting": gettext_lazy("in a meeting"),
    "email": gettext_lazy("by email"),
    "chat": gettext_lazy("in chat"),
}
# What a recap's subject calls the occasion: "recap of our call".
OCCASIONS = {
    "call": pgettext_lazy("a meeting recap's occasion", "call"),
    "meeting": pgettext_lazy("a meeting recap's occasion", "meeting"),
    "email": pgettext_lazy("a meeting recap's occasion", "email"),
    "chat": pgettext_lazy("a meeting recap's occasion", "chat"),
}
READS = {
    "technical": gettext_lazy(" — gets the detailed updates"),
    "executive": gettext_lazy(" — gets the short summary"),
}

LIST_LIMIT = 5  # items per list before "and N more"; fewer when a body must fit a word budget
BUILD_WORDS = 200
EXECUTIVE_WORDS = 80
RED_AFTER_DAYS_OVERDUE = 5
AMBER_AFTER_DAYS_WAITING = 3
SUPPORT_DAYS = 30


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: str = ""
    kind: str = ""  # client contacts: "technical" or "executive"


@dataclass(frozen=True)
class CommitmentFact:
    description: str
    due_on: date
    status: str  # "open" | "done" | "dropped"
    progress: int
    in_scope: bool
    done_on: date | None = None
    recovery_plan: str = ""


@dataclass(frozen=True)
class DecisionFact:
    summary: str
    made_at: datetime
    made_in: str  # "call" | "meeting" | "email" | "chat"
    agreed_by: tuple[str, ...] = ()
    awaiting_client: bool = False


@dataclass(frozen=True)
class PhaseChangeFact:
    from_phase: str  # empty for the phase a project starts in
    to_phase: str
    note: str = ""


@dataclass(frozen=True)
class CardFact:
    name: str
    promise: str = ""  # the description of the promise linked to the card, if one is


@dataclass(frozen=True)
class BoardFacts:
    """What the project's board shows for the build update."""

    shipped: tuple[CardFact, ...]  # moved to the done list since the previous update
    upcoming: tuple[CardFact, ...]  # in the next list
    decisions: tuple[CardFact, ...]  # labelled as waiting for the client's decision


@dataclass(frozen=True)
class ProjectRecord:
    project: str
    client: str
    phase: str
    scope: str
    owner: Person
    lead: Person
    team: tuple[Person, ...]
    contacts: tuple[Person, ...]
    escalation_path: tuple[str, ...]
    cadence: str
    commitments: tuple[CommitmentFact, ...]
    decisions: tuple[DecisionFact, ...]
    today: date  # the client's, so "overdue" matches what they see
    since: date | None = None  # the previous update of this kind; None for the first
    known_limitations: str = ""
    support_terms: str = ""
    portal_url: str = ""
    board: BoardFacts | None = None  # read for the build update when the project has a board
    # The languages its readers read, the project's main one first; empty: the active language only.
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    kind: str
    subject: str
    technical: str
    executive: str
    status_line: str
    rag: str  # "green" | "amber" | "red"
    language: str = ""
    # The same draft in each other language its readers read, by language code.
    translations: dict[str, Draft] = dataclasses.field(default_factory=dict, compare=False)


# --- The kinds -----------------------------------------------------------------------------------


def kickoff_summary(record: ProjectRecord) -> Draft:
    facts, owner = _Facts(record), record.owner
    ours = [_("Your one contact for anything on this project: %(person)s") % {"person": _person(owner)}]
    ours.append(_person(record.lead))
    if record.team:
        ours.append(_("Team: %(names)s") % {"names": ", ".join(person.name for person in record.team)})
    yours = [_person(contact) + str(READS.get(contact.kind, "")) for contact in record.contacts]
    escalation = _section(
        _("If a problem needs more authority, it goes up in this order:"), record.escalation_path
    )
    return facts.draft(
        "kickoff_summary",
        _("%(project)s: kickoff summary") % {"project": record.project},
        lambda limit: (
            _("Thank you for the kickoff call. Here is what we agreed, written down in one place."),
            _("What we will deliver\n%(scope)s") % {"scope": record.scope},
            _section(_("Who to talk to on our side"), ours),
            _section(_("On your side"), yours),
            escalation
            or _("If a problem needs more authority, tell %(owner)s, who takes it further.")
            % {"owner": owner.name},
            _(
                "How you will hear from us\nFrom now on you will get %(cadence)s. "
                "Whenever the project moves to a new phase, we tell you in one line."
            )
            % {"cadence": record.cadence},
            facts.promises(limit),
        ),
        _(
            "We have started %(project)s. Scope: %(scope)s "
            "Your one contact is %(owner)s (%(email)s). You will get %(cadence)s."
        )
        % {
            "project": record.project,
            "scope": _sentence(_clip(record.scope, 80)),
            "owner": owner.name,
            "email": owner.email,
            "cadence": record.cadence,
        },
    )


def discovery_summary(record: ProjectRecord) -> Draft:
    facts = _Facts(record)
    decided = [_decision(d) for d in facts.decided_since] or [_("Nothing new decided.")]
    made, asked = len(facts.decided_since), len(facts.asks)
    return facts.draft(
        "discovery_summary",
        _("%(project)s: discovery summary, %(day)s") % {"project": record.project, "day": _day(record.today)},
        lambda limit: (
            facts.listed(_("Decided%(since)s") % {"since": facts.since}, decided, limit),
            facts.listed(_("Open questions for you"), facts.asks, limit),
            facts.promises(limit),
        ),
        _("%(decisions)s made%(since)s; %(questions)s for you.")
        % {
            "decisions": _count(
                made, _("no decisions"), ngettext("%(count)s decision", "%(count)s decisions", made)
            ),
            "since": facts.since,
            "questions": _count(
                asked,
                _("no open questions"),
                ngettext("%(count)s open question", "%(count)s open questions", asked),
            ),
        },
    )


def build_status(record: ProjectRecord) -> Draft:
    facts = _Facts(record)
    shipped = [facts.promise(c) for c in facts.done_since]
    upcoming = [facts.promise(c) for c in facts.open]
    asks = facts.asks
    if record.board:
        # The board's cards lead; the record adds what the board does not name, overdue promises
        # first (the client most needs to hear of them, and they are the last to be cut).
        board = record.board
        on_board = _on_board(board)
        shipped = _names(board.shipped) + [facts.promise(c) for c in facts.done_since if not on_board(c)]
        upcoming = (
            [facts.promise(c) for c in facts.late]
            + _names(board.upcoming, leaving=facts.late)
            + [facts.promise(c) for c in facts.open if c not in facts.late and not on_board(c)]
        )
        asks = asks + _names(board.decisions)
    nothing_new = _("Nothing new%(since)s.") % {"since": facts.since}
    return facts.draft(
        "build_status",
        _("%(project)s: build status, %(day)s") % {"project": record.project, "day": _day(record.today)},
        lambda limit: (
            facts.status_line,
            facts.listed(BUILD_SECTIONS[0], shipped or [nothing_new], limit),
            facts.listed(
                BUILD_SECTIONS[1], upcoming or [_("Nothing open right now.")], facts.keeping_late(limit)
            ),
            facts.listed(BUILD_SECTIONS[2], asks or [_("Nothing right now.")], limit),
        ),
        _("Shipped%(since)s: %(items)s. %(next)s")
        % {"since": facts.since, "items": _items(len(shipped)), "next": facts.next_up()},
        words=BUILD_WORDS,
    )


# The build update's three sections; the lint looks for each, in the language of the body.
BUILD_SECTIONS = (
    gettext_lazy("What shipped"),
    gettext_lazy("What is next"),
    gettext_lazy("What needs your decision"),
)


def qa_note(record: ProjectRecord) -> Draft:
    facts = _Facts(record)
    tested = [facts.promise(c) for c in facts.done_since] or [
        _("Nothing new%(since)s.") % {"since": facts.since}
    ]
    return facts.draft(
        "qa_note",
        _("%(project)s: QA note, %(day)s") % {"project": record.project, "day": _day(record.today)},
        lambda limit: (
            facts.listed(_("Tested%(since)s") % {"since": facts.since}, tested, limit),
            facts.listed(_("Waiting for your sign-off"), facts.asks, limit),
            facts.promises(limit),
        ),
        _("Tested%(since)s: %(tested)s. Waiting for your sign-off: %(waiting)s.")
        % {
            "since": facts.since,
            "tested": _items(len(facts.done_since)),
            "waiting": _items(len(facts.asks)),
        },
    )


def delivery_checklist(record: ProjectRecord) -> Draft:
    facts = _Facts(record)
    scoped = [facts.checkbox(c) for c in facts.scoped]
    extras = [facts.checkbox(c) for c in facts.extras]
    return facts.draft(
        "delivery_checklist",
        _("%(project)s: delivery checklist, %(day)s")
        % {"project": record.project, "day": _day(record.today)},
        # Every item is shown, however many: a checklist with gaps is no checklist.
        lambda limit: (
            f"{facts.delivered}.",
            "\n".join(scoped),
            _section(_("Outside the agreed scope"), extras),
            facts.listed(_("Waiting for your decision"), facts.asks, limit),
        ),
        f"{facts.delivered}. {facts.next_up()}",
    )


def delivery_summary(record: ProjectRecord) -> Draft:
    facts, owner = _Facts(record), record.owner
    delivered = [_clip(c.description, 90) for c in facts.scoped if c.status == "done"]
    missing = [facts.promise(c) for c in facts.scoped if c.status != "done"]
    until = _day(record.today + timedelta(days=SUPPORT_DAYS))
    support = record.support_terms or _("Write to %(owner)s (%(email)s) about anything you find.") % {
        "owner": owner.name,
        "email": owner.email,
    }
    return facts.draft(
        "delivery_summary",
        _("%(project)s: delivery summary") % {"project": record.project},
        lambda limit: (
            _("%(project)s is delivered. %(delivered)s.")
            % {"project": record.project, "delivered": facts.delivered},
            facts.listed(_("What we delivered"), delivered, limit),
            facts.listed(_("Not delivered"), missing, limit),
            _("Known limitations\n%(limitations)s")
            % {"limitations": record.known_limitations or _("None known.")},
            _("Support for the next %(days)s days (until %(until)s)\n%(support)s")
            % {"days": SUPPORT_DAYS, "until": until, "support": support},
            facts.listed(_("Waiting for your decision"), facts.asks, limit),
        ),
        _("%(delivered)s. Support until %(until)s: %(support)s")
        % {"delivered": facts.delivered, "until": until, "support": _clip(support, 100)},
    )


def phase_notice(record: ProjectRecord, change: PhaseChangeFact) -> Draft:
    to_phase = _label(change.to_phase)
    if change.from_phase:
        line = _("We have moved %(project)s from %(from)s to %(to)s.") % {
            "project": record.project,
            "from": _label(change.from_phase),
            "to": to_phase,
        }
    else:
        line = _("We have started %(project)s in %(phase)s.") % {"project": record.project, "phase": to_phase}
    line = " ".join(f"{line} {change.note}".split())
    # The status speaks for the phase just entered, whichever phase the caller's record holds.
    facts = _Facts(dataclasses.replace(record, phase=change.to_phase))
    return facts.draft(
        "phase_notice",
        _("%(project)s: moved to %(phase)s") % {"project": record.project, "phase": to_phase},
        lambda limit: (line,),
        line,
    )


def post_launch_checkin(record: ProjectRecord, day: int) -> Draft:
    facts, owner = _Facts(record), record.owner
    pending = [facts.promise(c) for c in facts.open] or [_("Nothing is open on our side.")]
    reach = _("Write to %(owner)s at %(email)s, or reply to this email.") % {
        "owner": owner.name,
        "email": owner.email,
    }
    days = _count(day, _("no days"), ngettext("%(count)s day", "%(count)s days", day))
    return facts.draft(
        "post_launch_checkin",
        _("%(project)s: Day %(day)s check-in") % {"project": record.project, "day": day},
        lambda limit: (
            _(
                "%(project)s has been live for %(days)s. How is it going for you? "
                "Tell us about anything that does not work the way you expected, however small."
            )
            % {"project": record.project, "days": days},
            facts.listed(_("Open items"), pending, limit),
            facts.listed(_("Waiting for your decision"), facts.asks, limit),
            _("How to reach us\n%(reach)s") % {"reach": reach},
        ),
        _("Live for %(days)s. How is it going? %(reach)s") % {"days": days, "reach": reach},
    )


def decision_confirmation(record: ProjectRecord, decision: DecisionFact) -> Draft:
    facts, on = _Facts(record), _day(decision.made_at.date())
    # The time carries its zone: the caller may hand over UTC, and "15:30" alone would mislead.
    at = moment(decision.made_at)
    where = _venue(decision.made_in)
    return facts.draft(
        "decision_confirmation",
        _("%(project)s: confirming what we agreed on %(day)s") % {"project": record.project, "day": on},
        lambda limit: (
            _("To confirm in writing what we agreed %(where)s on %(when)s:") % {"where": where, "when": at},
            decision.summary,
            _("Agreed by: %(names)s.") % {"names": ", ".join(decision.agreed_by)}
            if decision.agreed_by
            else "",
            _(
                "Reply if anything here is not what you understood, and we will correct it before we act on it."
            ),
            facts.promises(limit),
        ),
        _("We agreed %(where)s on %(day)s: %(summary)s Reply if this is not what you understood.")
        % {"where": where, "day": on, "summary": _sentence(_clip(decision.summary, 120))},
    )


def meeting_recap(record: ProjectRecord, held_at: datetime, venue: str, recap: str) -> Draft:
    """A call or meeting goes out in writing: the lead's recap, then the promises as they stand."""
    facts, on = _Facts(record), _day(held_at.date())
    where, occasion = _venue(venue), OCCASIONS.get(venue, venue)
    return facts.draft(
        "meeting_recap",
        _("%(project)s: recap of our %(occasion)s on %(day)s")
        % {"project": record.project, "occasion": occasion, "day": on},
        lambda limit: (
            _("A written recap of what we covered %(where)s on %(day)s:") % {"where": where, "day": on},
            recap,
            _("Reply if anything here is not what you understood."),
            facts.promises(limit),
        ),
        _("Recap of our %(occasion)s on %(day)s: %(recap)s")
        % {"occasion": occasion, "day": on, "recap": _sentence(_clip(recap, 160))},
    )


def quiet_client_nudge(record: ProjectRecord, business_days: int) -> Draft:
    facts = _Facts(record)
    quiet = _count(
        business_days,
        _("no business days"),
        ngettext("%(count)s business day", "%(count)s business days", business_days),
    )
    if facts.asks:
        ask, reply = (
            _("We are waiting on you for these:"),
            _("A short reply on them keeps the project moving."),
        )
    else:
        ask, reply = "", _("Nothing is blocked on your side; a short reply just tells us all is well.")
    return facts.draft(
        "quiet_client_nudge",
        _("%(project)s: checking in") % {"project": record.project},
        lambda limit: (
            _(
                "It has been %(quiet)s since we last heard from you, so here is a quick check that all is well."
            )
            % {"quiet": quiet},
            facts.listed(ask, facts.asks, limit),
            reply,
            facts.promises(limit),
        ),
        _("We have not heard from you for %(quiet)s. Is all well?") % {"quiet": quiet},
    )


KINDS: dict[str, Callable[..., Draft]] = {
    f.__name__: f
    for f in (kickoff_summary, discovery_summary, build_status, qa_note, delivery_checklist, delivery_summary)
    + (phase_notice, post_launch_checkin, decision_confirmation, meeting_recap, quiet_client_nudge)
}


def compose(kind: str, record: ProjectRecord, *, language: str | None = None, **extra) -> Draft:
    """The draft of `kind` in `language` (a code of settings.LANGUAGES; None: the active one);
    `extra` carries what that kind needs (change, day, decision, business_days)."""
    if kind not in KINDS:
        raise ValueError(f"There is no draft of kind {kind!r}; the kinds are: {', '.join(KINDS)}.")
    if language is None:
        return KINDS[kind](record, **extra)
    with translation.override(language):
        return dataclasses.replace(KINDS[kind](record, **extra), language=language)


def compose_for_readers(kind: str, record: ProjectRecord, **extra) -> Draft:
    """The draft in the record's main language, with one translation per other language its
    readers read (`record.languages`); in the active language when the record names none."""
    if not record.languages:
        return compose(kind, record, **extra)
    main, *others = record.languages
    draft = compose(kind, record, language=main, **extra)
    return dataclasses.replace(
        draft,
        translations={language: compose(kind, record, language=language, **extra) for language in others},
    )


# --- Reading the record --------------------------------------------------------------------------


class _Facts:
    """What every kind reads off the record, worked out once, and the wording they share."""

    def __init__(self, record: ProjectRecord):
        self.record, today, since = record, record.today, record.since
        by_due = sorted(record.commitments, key=lambda c: c.due_on)
        self.open = [c for c in by_due if c.status == "open"]
        self.late = [c for c in self.open if c.due_on < today]
        self.kept = [c for c in by_due if c.status != "dropped"]
        self.scoped = [c for c in by_due if c.in_scope]
        self.extras = [c for c in by_due if not c.in_scope]
        # Inclusive: what was finished later on the day of the last update is not in it.
        done = [c for c in by_due if c.status == "done" and (since is None or (c.done_on or today) >= since)]
        self.done_since = sorted(done, key=lambda c: c.done_on or c.due_on)
        decisions = sorted(record.decisions, key=lambda d: d.made_at)
        self.waiting = [d for d in decisions if d.awaiting_client]
        self.asks = [
            _("%(summary)s (waiting since %(day)s)")
            % {"summary": _clip(d.summary, 90), "day": _day(d.made_at.date())}
            for d in self.waiting
        ]
        self.decided_since = [
            d for d in decisions if not d.awaiting_client and (since is None or d.made_at.date() >= since)
        ]
        self.since = _(" since %(day)s") % {"day": _day(since)} if since else ""
        delivered, scoped = sum(c.status == "done" for c in self.scoped), len(self.scoped)
        self.delivered = (
            ngettext(
                "%(done)s of %(total)s scoped item delivered",
                "%(done)s of %(total)s scoped items delivered",
                scoped,
            )
            % {"done": delivered, "total": scoped}
            if self.scoped
            else _("No scoped items were recorded")
        )
        self.rag = self._rag()
        self.status_line = self._status_line()

    def _rag(self) -> str:
        today = self.record.today
        if len(self.late) > 1 or any(
            c.in_scope and (today - c.due_on).days > RED_AFTER_DAYS_OVERDUE for c in self.late
        ):
            return "red"
        stalled = any((today - d.made_at.date()).days > AMBER_AFTER_DAYS_WAITING for d in self.waiting)
        return "amber" if self.late or stalled else "green"

    def _status_line(self) -> str:
        facts = []
        if self.kept:
            facts.append(
                _("%(done)s of %(total)s promised items done")
                % {"done": len(self.kept) - len(self.open), "total": len(self.kept)}
            )
        if self.late:
            late = len(self.late)
            facts.append(
                ngettext("%(count)s item overdue", "%(count)s items overdue", late) % {"count": late}
            )
        if self.waiting:
            waiting = len(self.waiting)
            facts.append(
                ngettext("%(count)s decision needed from you", "%(count)s decisions needed from you", waiting)
                % {"count": waiting}
            )
        # "Closed is on track" would read oddly; a closed project is named instead.
        stage = self.record.project if self.record.phase == "closed" else _label(self.record.phase)
        return STATES[self.rag] % {"stage": stage} + (": " + "; ".join(facts) if facts else "") + "."

    def draft(self, kind, subject, technical: Callable[[int], tuple], summary: str, *, words=None) -> Draft:
        """Both bodies, signed; the executive one under its word budget with the RAG status on top.
        A body over its budget shows fewer items per list until it fits."""

        def executive(limit: int) -> str:
            status = _("Status: %(rag)s — %(line)s") % {"rag": RAG_WORDS[self.rag], "line": self.status_line}
            return self.signed(status, summary, *self.attention(limit))

        def detail(limit: int) -> str:
            return self.signed(*technical(limit))

        body = _fit(words, detail) if words else detail(LIST_LIMIT)
        return Draft(kind, subject, body, _fit(EXECUTIVE_WORDS, executive), self.status_line, self.rag)

    def attention(self, limit: int) -> tuple[str, ...]:
        """What an executive must not miss: overdue promises with their fix, decisions they owe. At
        no room for names, the counts in the status line say it."""
        if not limit:
            return ()
        late = [
            _("%(promise)s, since %(day)s: %(recovery)s")
            % {"promise": _clip(c.description, 40), "day": _day(c.due_on), "recovery": _recovery(c, 60)}
            for c in self.late
        ]
        asks = [_clip(d.summary, 50) for d in self.waiting]
        return self.listed(_("Overdue"), late, limit), self.listed(_("Your decision needed"), asks, limit)

    def promise(self, c: CommitmentFact) -> str:
        text = _clip(c.description, 90)
        if c.status == "done":
            if c.done_on:
                return _("%(promise)s — done %(day)s") % {"promise": text, "day": _day(c.done_on)}
            return _("%(promise)s — done") % {"promise": text}
        if c.status == "dropped":
            return _("%(promise)s — dropped") % {"promise": text}
        if c.due_on < self.record.today:
            return _("%(promise)s — %(progress)s%% done, OVERDUE since %(day)s: %(recovery)s") % {
                "promise": text,
                "progress": c.progress,
                "day": _day(c.due_on),
                "recovery": _recovery(c, 100),
            }
        return _("%(promise)s — %(progress)s%% done, due %(day)s") % {
            "promise": text,
            "progress": c.progress,
            "day": _day(c.due_on),
        }

    def checkbox(self, c: CommitmentFact) -> str:
        return f"[{'x' if c.status == 'done' else ' '}] {self.promise(c)}"

    def promises(self, limit: int) -> str:
        if not self.open:
            if not self.kept:
                return ""
            kept = len(self.kept)
            return ngettext(
                "Where our promises stand: all %(count)s item done.",
                "Where our promises stand: all %(count)s items done.",
                kept,
            ) % {"count": kept}
        done = len(self.kept) - len(self.open)
        lines = [self.promise(c) for c in self.open]
        return self.listed(
            _("Where our promises stand (%(done)s of %(total)s done)")
            % {"done": done, "total": len(self.kept)},
            lines,
            self.keeping_late(limit),
        )

    def keeping_late(self, limit: int) -> int:
        """How many open promises to list: overdue ones sort first and are the last to be cut, as the
        client most needs to hear about them; only a body that fits no other way loses them."""
        return max(limit, len(self.late)) if limit else 0

    def next_up(self) -> str:
        """The next promise still in time; late ones are flagged on their own."""
        coming = [c for c in self.open if c not in self.late]
        if not coming:
            return ""
        return _("Next: %(promise)s, due %(day)s.") % {
            "promise": _clip(coming[0].description, 60),
            "day": _day(coming[0].due_on),
        }

    def listed(self, heading: str, lines: list[str], limit: int) -> str:
        shown = [f"- {line}" for line in lines[:limit]]
        if len(lines) > limit:
            more = len(lines) - limit
            if self.record.portal_url:
                line = (
                    _("and %(count)s more — see the portal")
                    if shown
                    else _("%(count)s more — see the portal")
                )
            else:
                line = (
                    _("and %(count)s more — ask us for the full list")
                    if shown
                    else _("%(count)s more — ask us for the full list")
                )
            shown.append("- " + line % {"count": more})
        return _section(heading, shown)

    def signed(self, *blocks: str) -> str:
        owner = self.record.owner
        closing = _("Best regards,\n%(signature)s") % {"signature": _names_of(owner.name, owner.role)}
        if self.record.portal_url:
            closing += "\n" + _("Your project portal: %(url)s") % {"url": self.record.portal_url}
        return "\n\n".join(block.strip() for block in (*blocks, closing) if block.strip())


# --- Wording -------------------------------------------------------------------------------------


def _fit(words: int, body: Callable[[int], str]) -> str:
    for limit in range(LIST_LIMIT, -1, -1):
        text = body(limit)
        if len(text.split()) < words:
            break
    return text


def _decision(d: DecisionFact) -> str:
    by = _(", agreed by %(names)s") % {"names": ", ".join(d.agreed_by)} if d.agreed_by else ""
    return f"{_clip(d.summary, 90)} ({VENUES.get(d.made_in, d.made_in)}, {_day(d.made_at.date())}{by})"


def _on_board(board: BoardFacts) -> Callable[[CommitmentFact], bool]:
    """Whether the board already names a promise: a card linked to it, or a card of its name."""
    cards = (*board.shipped, *board.upcoming)
    named = {_folded(name) for card in cards for name in (card.name, card.promise) if name}
    return lambda c: _folded(c.description) in named


def _names(cards, *, leaving=()) -> list[str]:
    """Card names for a list, leaving out cards of the promises in `leaving` (listed already)."""
    listed = {_folded(c.description) for c in leaving}
    return [
        _clip(card.name, 90)
        for card in cards
        if _folded(card.name) not in listed and _folded(card.promise or card.name) not in listed
    ]


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _recovery(c: CommitmentFact, width: int) -> str:
    return _clip(c.recovery_plan, width) if c.recovery_plan.strip() else _("we will send a new date")


def _names_of(*parts) -> str:
    # str(): a role may be a lazy translation, read out in the language being written.
    return ", ".join(str(part) for part in parts if part)


def _person(p: Person) -> str:
    return _names_of(p.name, p.role) + (f" ({p.email})" if p.email else "")


def _section(heading: str, lines) -> str:
    return f"{heading}\n" + "\n".join(str(line) for line in lines) if lines else ""


def _label(phase: str) -> str:
    return str(Phase(phase).label) if phase in Phase.values else phase.replace("_", " ").capitalize()


def _venue(venue: str) -> str:
    return str(VENUES[venue]) if venue in VENUES else _("by %(venue)s") % {"venue": venue}


def _day(day: date) -> str:
    return spelled(day)


def _count(n: int, none: str, some: str) -> str:
    """`none` for nothing ("no items"), else `some` (ngettext's "%(count)s item(s)") counted."""
    return some % {"count": n} if n else none


def _items(n: int) -> str:
    return _count(n, _("no items"), ngettext("%(count)s item", "%(count)s items", n))


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _clip(text: str, width: int) -> str:
    return textwrap.shorten(text, width, placeholder="…")
