"""Draft composition: turns the plain facts of a project's record into the update owed to the client,
one function per kind, each with a detailed body for technical contacts and a short one for executives."""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from projects.when import MONTHS, WEEKDAYS, when

PHASE_LABELS = {
    "discovery": "Discovery",
    "build": "Build",
    "qa": "QA/UAT",
    "delivery": "Delivery",
    "support": "Post-launch support",
    "closed": "Closed",
}
STATES = {"green": "is on track", "amber": "needs attention", "red": "is behind schedule"}
VENUES = {"call": "on a call", "meeting": "in a meeting", "email": "by email", "chat": "in chat"}
READS = {"technical": " — gets the detailed updates", "executive": " — gets the short summary"}

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


@dataclass(frozen=True)
class Draft:
    kind: str
    subject: str
    technical: str
    executive: str
    status_line: str
    rag: str  # "green" | "amber" | "red"


# --- The kinds -----------------------------------------------------------------------------------


def kickoff_summary(record: ProjectRecord) -> Draft:
    facts, owner = _Facts(record), record.owner
    ours = [f"Your one contact for anything on this project: {_person(owner)}", _person(record.lead)]
    if record.team:
        ours.append("Team: " + ", ".join(person.name for person in record.team))
    yours = [_person(contact) + READS.get(contact.kind, "") for contact in record.contacts]
    escalation = _section(
        "If a problem needs more authority, it goes up in this order:", record.escalation_path
    )
    return facts.draft(
        "kickoff_summary",
        f"{record.project}: kickoff summary",
        lambda limit: (
            "Thank you for the kickoff call. Here is what we agreed, written down in one place.",
            f"What we will deliver\n{record.scope}",
            _section("Who to talk to on our side", ours),
            _section("On your side", yours),
            escalation or f"If a problem needs more authority, tell {owner.name}, who takes it further.",
            f"How you will hear from us\nFrom now on you will get {record.cadence}. "
            "Whenever the project moves to a new phase, we tell you in one line.",
            facts.promises(limit),
        ),
        f"We have started {record.project}. Scope: {_sentence(_clip(record.scope, 80))} "
        f"Your one contact is {owner.name} ({owner.email}). You will get {record.cadence}.",
    )


def discovery_summary(record: ProjectRecord) -> Draft:
    facts = _Facts(record)
    decided = [_decision(d) for d in facts.decided_since] or ["Nothing new decided."]
    return facts.draft(
        "discovery_summary",
        f"{record.project}: discovery summary, {_day(record.today)}",
        lambda limit: (
            facts.listed(f"Decided{facts.since}", decided, limit),
            facts.listed("Open questions for you", facts.asks, limit),
            facts.promises(limit),
        ),
        f"{_count(len(facts.decided_since), 'decision')} made{facts.since}; "
        f"{_count(len(facts.asks), 'open question')} for you.",
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
    return facts.draft(
        "build_status",
        f"{record.project}: build status, {_day(record.today)}",
        lambda limit: (
            facts.status_line,
            facts.listed("What shipped", shipped or [f"Nothing new{facts.since}."], limit),
            facts.listed("What is next", upcoming or ["Nothing open right now."], facts.keeping_late(limit)),
            facts.listed("What needs your decision", asks or ["Nothing right now."], limit),
        ),
        f"Shipped{facts.since}: {_count(len(shipped), 'item')}. {facts.next_up()}",
        words=BUILD_WORDS,
    )


def qa_note(record: ProjectRecord) -> Draft:
    facts = _Facts(record)
    tested = [facts.promise(c) for c in facts.done_since] or [f"Nothing new{facts.since}."]
    return facts.draft(
        "qa_note",
        f"{record.project}: QA note, {_day(record.today)}",
        lambda limit: (
            facts.listed(f"Tested{facts.since}", tested, limit),
            facts.listed("Waiting for your sign-off", facts.asks, limit),
            facts.promises(limit),
        ),
        f"Tested{facts.since}: {_count(len(facts.done_since), 'item')}. "
        f"Waiting for your sign-off: {_count(len(facts.asks), 'item')}.",
    )


def delivery_checklist(record: ProjectRecord) -> Draft:
    facts = _Facts(record)
    scoped = [facts.checkbox(c) for c in facts.scoped]
    extras = [facts.checkbox(c) for c in facts.extras]
    return facts.draft(
        "delivery_checklist",
        f"{record.project}: delivery checklist, {_day(record.today)}",
        # Every item is shown, however many: a checklist with gaps is no checklist.
        lambda limit: (
            f"{facts.delivered}.",
            "\n".join(scoped),
            _section("Outside the agreed scope", extras),
            facts.listed("Waiting for your decision", facts.asks, limit),
        ),
        f"{facts.delivered}. {facts.next_up()}",
    )


def delivery_summary(record: ProjectRecord) -> Draft:
    facts, owner = _Facts(record), record.owner
    delivered = [_clip(c.description, 90) for c in facts.scoped if c.status == "done"]
    missing = [facts.promise(c) for c in facts.scoped if c.status != "done"]
    until = _day(record.today + timedelta(days=SUPPORT_DAYS))
    support = record.support_terms or f"Write to {owner.name} ({owner.email}) about anything you find."
    return facts.draft(
        "delivery_summary",
        f"{record.project}: delivery summary",
        lambda limit: (
            f"{record.project} is delivered. {facts.delivered}.",
            facts.listed("What we delivered", delivered, limit),
            facts.listed("Not delivered", missing, limit),
            f"Known limitations\n{record.known_limitations or 'None known.'}",
            f"Support for the next {SUPPORT_DAYS} days (until {until})\n{support}",
            facts.listed("Waiting for your decision", facts.asks, limit),
        ),
        f"{facts.delivered}. Support until {until}: {_clip(support, 100)}",
    )


def phase_notice(record: ProjectRecord, change: PhaseChangeFact) -> Draft:
    to_phase = _label(change.to_phase)
    if change.from_phase:
        line = f"We have moved {record.project} from {_label(change.from_phase)} to {to_phase}."
    else:
        line = f"We have started {record.project} in {to_phase}."
    line = " ".join(f"{line} {change.note}".split())
    # The status speaks for the phase just entered, whichever phase the caller's record holds.
    facts = _Facts(dataclasses.replace(record, phase=change.to_phase))
    return facts.draft("phase_notice", f"{record.project}: moved to {to_phase}", lambda limit: (line,), line)


def post_launch_checkin(record: ProjectRecord, day: int) -> Draft:
    facts, owner = _Facts(record), record.owner
    pending = [facts.promise(c) for c in facts.open] or ["Nothing is open on our side."]
    reach = f"Write to {owner.name} at {owner.email}, or reply to this email."
    return facts.draft(
        "post_launch_checkin",
        f"{record.project}: Day {day} check-in",
        lambda limit: (
            f"{record.project} has been live for {_count(day, 'day')}. How is it going for you? "
            "Tell us about anything that does not work the way you expected, however small.",
            facts.listed("Open items", pending, limit),
            facts.listed("Waiting for your decision", facts.asks, limit),
            f"How to reach us\n{reach}",
        ),
        f"Live for {_count(day, 'day')}. How is it going? {reach}",
    )


def decision_confirmation(record: ProjectRecord, decision: DecisionFact) -> Draft:
    facts, on = _Facts(record), _day(decision.made_at.date())
    # The time carries its zone: the caller may hand over UTC, and "15:30" alone would mislead.
    at = when(decision.made_at, decision.made_at.tzinfo)
    where = VENUES.get(decision.made_in, f"by {decision.made_in}")
    return facts.draft(
        "decision_confirmation",
        f"{record.project}: confirming what we agreed on {on}",
        lambda limit: (
            f"To confirm in writing what we agreed {where} on {at}:",
            decision.summary,
            f"Agreed by: {', '.join(decision.agreed_by)}." if decision.agreed_by else "",
            "Reply if anything here is not what you understood, and we will correct it before we act on it.",
            facts.promises(limit),
        ),
        f"We agreed {where} on {on}: {_sentence(_clip(decision.summary, 120))} "
        "Reply if this is not what you understood.",
    )


def meeting_recap(record: ProjectRecord, held_at: datetime, venue: str, recap: str) -> Draft:
    """A call or meeting goes out in writing: the lead's recap, then the promises as they stand."""
    facts, on = _Facts(record), _day(held_at.date())
    where = VENUES.get(venue, f"by {venue}")
    return facts.draft(
        "meeting_recap",
        f"{record.project}: recap of our {venue} on {on}",
        lambda limit: (
            f"A written recap of what we covered {where} on {on}:",
            recap,
            "Reply if anything here is not what you understood.",
            facts.promises(limit),
        ),
        f"Recap of our {venue} on {on}: {_sentence(_clip(recap, 160))}",
    )


def quiet_client_nudge(record: ProjectRecord, business_days: int) -> Draft:
    facts = _Facts(record)
    quiet = _count(business_days, "business day")
    if facts.asks:
        ask, reply = "We are waiting on you for these:", "A short reply on them keeps the project moving."
    else:
        ask, reply = "", "Nothing is blocked on your side; a short reply just tells us all is well."
    return facts.draft(
        "quiet_client_nudge",
        f"{record.project}: checking in",
        lambda limit: (
            f"It has been {quiet} since we last heard from you, so here is a quick check that all is well.",
            facts.listed(ask, facts.asks, limit),
            reply,
            facts.promises(limit),
        ),
        f"We have not heard from you for {quiet}. Is all well?",
    )


KINDS: dict[str, Callable[..., Draft]] = {
    f.__name__: f
    for f in (kickoff_summary, discovery_summary, build_status, qa_note, delivery_checklist, delivery_summary)
    + (phase_notice, post_launch_checkin, decision_confirmation, meeting_recap, quiet_client_nudge)
}


def compose(kind: str, record: ProjectRecord, **extra) -> Draft:
    """The draft of `kind`; `extra` carries what that kind needs (change, day, decision, business_days)."""
    if kind not in KINDS:
        raise ValueError(f"There is no draft of kind {kind!r}; the kinds are: {', '.join(KINDS)}.")
    return KINDS[kind](record, **extra)


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
        self.asks = [f"{_clip(d.summary, 90)} (waiting since {_day(d.made_at.date())})" for d in self.waiting]
        self.decided_since = [
            d for d in decisions if not d.awaiting_client and (since is None or d.made_at.date() >= since)
        ]
        self.since = f" since {_day(since)}" if since else ""
        delivered = sum(c.status == "done" for c in self.scoped)
        self.delivered = (
            f"{delivered} of {len(self.scoped)} scoped item{'' if len(self.scoped) == 1 else 's'} delivered"
            if self.scoped
            else "No scoped items were recorded"
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
            facts.append(f"{len(self.kept) - len(self.open)} of {len(self.kept)} promised items done")
        if self.late:
            facts.append(f"{_count(len(self.late), 'item')} overdue")
        if self.waiting:
            facts.append(f"{_count(len(self.waiting), 'decision')} needed from you")
        # "Closed is on track" would read oddly; a closed project is named instead.
        stage = self.record.project if self.record.phase == "closed" else _label(self.record.phase)
        return f"{stage} {STATES[self.rag]}" + (": " + "; ".join(facts) if facts else "") + "."

    def draft(self, kind, subject, technical: Callable[[int], tuple], summary: str, *, words=None) -> Draft:
        """Both bodies, signed; the executive one under its word budget with the RAG status on top.
        A body over its budget shows fewer items per list until it fits."""

        def executive(limit: int) -> str:
            return self.signed(
                f"Status: {self.rag.upper()} — {self.status_line}", summary, *self.attention(limit)
            )

        def detail(limit: int) -> str:
            return self.signed(*technical(limit))

        body = _fit(words, detail) if words else detail(LIST_LIMIT)
        return Draft(kind, subject, body, _fit(EXECUTIVE_WORDS, executive), self.status_line, self.rag)

    def attention(self, limit: int) -> tuple[str, ...]:
        """What an executive must not miss: overdue promises with their fix, decisions they owe. At
        no room for names, the counts in the status line say it."""
        if not limit:
            return ()
        late = [f"{_clip(c.description, 40)}, since {_day(c.due_on)}: {_recovery(c, 60)}" for c in self.late]
        asks = [_clip(d.summary, 50) for d in self.waiting]
        return self.listed("Overdue", late, limit), self.listed("Your decision needed", asks, limit)

    def promise(self, c: CommitmentFact) -> str:
        text = _clip(c.description, 90)
        if c.status == "done":
            return f"{text} — done {_day(c.done_on)}" if c.done_on else f"{text} — done"
        if c.status == "dropped":
            return f"{text} — dropped"
        if c.due_on < self.record.today:
            return f"{text} — {c.progress}% done, OVERDUE since {_day(c.due_on)}: {_recovery(c, 100)}"
        return f"{text} — {c.progress}% done, due {_day(c.due_on)}"

    def checkbox(self, c: CommitmentFact) -> str:
        return f"[{'x' if c.status == 'done' else ' '}] {self.promise(c)}"

    def promises(self, limit: int) -> str:
        if not self.open:
            return (
                f"Where our promises stand: all {_count(len(self.kept), 'item')} done." if self.kept else ""
            )
        done = len(self.kept) - len(self.open)
        lines = [self.promise(c) for c in self.open]
        return self.listed(
            f"Where our promises stand ({done} of {len(self.kept)} done)", lines, self.keeping_late(limit)
        )

    def keeping_late(self, limit: int) -> int:
        """How many open promises to list: overdue ones sort first and are the last to be cut, as the
        client most needs to hear about them; only a body that fits no other way loses them."""
        return max(limit, len(self.late)) if limit else 0

    def next_up(self) -> str:
        """The next promise still in time; late ones are flagged on their own."""
        coming = [c for c in self.open if c not in self.late]
        return f"Next: {_clip(coming[0].description, 60)}, due {_day(coming[0].due_on)}." if coming else ""

    def listed(self, heading: str, lines: list[str], limit: int) -> str:
        shown = [f"- {line}" for line in lines[:limit]]
        if len(lines) > limit:
            where = "see the portal" if self.record.portal_url else "ask us for the full list"
            shown.append(f"- {'and ' if shown else ''}{len(lines) - limit} more — {where}")
        return _section(heading, shown)

    def signed(self, *blocks: str) -> str:
        owner = self.record.owner
        closing = "Best regards,\n" + ", ".join(part for part in (owner.name, owner.role) if part)
        if self.record.portal_url:
            closing += f"\nYour project portal: {self.record.portal_url}"
        return "\n\n".join(block.strip() for block in (*blocks, closing) if block.strip())


# --- Wording -------------------------------------------------------------------------------------


def _fit(words: int, body: Callable[[int], str]) -> str:
    for limit in range(LIST_LIMIT, -1, -1):
        text = body(limit)
        if len(text.split()) < words:
            break
    return text


def _decision(d: DecisionFact) -> str:
    by = f", agreed by {', '.join(d.agreed_by)}" if d.agreed_by else ""
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
    return _clip(c.recovery_plan, width) if c.recovery_plan.strip() else "we will send a new date"


def _person(p: Person) -> str:
    return ", ".join(part for part in (p.name, p.role) if part) + (f" ({p.email})" if p.email else "")


def _section(heading: str, lines) -> str:
    return heading + "\n" + "\n".join(lines) if lines else ""


def _label(phase: str) -> str:
    return PHASE_LABELS.get(phase, phase.replace("_", " ").capitalize())


def _day(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def _count(n: int, noun: str) -> str:
    return f"{n or 'no'} {noun}{'' if n == 1 else 's'}"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _clip(text: str, width: int) -> str:
    return textwrap.shorten(text, width, placeholder="…")
