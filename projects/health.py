"""A project's communication health: red, amber or green, with the reasons in words. Pure rules
over plain facts, so the dashboard, the digest and the portal can all say the same thing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CLOSE_TO_DEADLINE = dt.timedelta(hours=1)
ERROR_SHOWN = 160  # characters of a provider's error: enough for the cause, short enough for a row
FIRST_WORD_WITHIN = dt.timedelta(hours=48)  # after the kickoff call
# While there is something to see (build, QA), a client shown nothing for longer stops believing it.
SHOW_SOMETHING_WITHIN = dt.timedelta(days=7)
RANK = {"green": 0, "amber": 1, "red": 2}
# Satisfaction scores (1–5): a 3 is worth attention, a 1 or 2 is a client already let down.
LOW_SATISFACTION = 3
UNHAPPY_SATISFACTION = 2


@dataclass(frozen=True)
class HealthFacts:
    now: dt.datetime
    overdue_drafts: int = 0
    drafts_waiting: int = 0
    unanswered_mails: int = 0
    next_response_due: dt.datetime | None = None
    unconfirmed_decisions: int = 0
    open_escalations: dict[str, int] = field(default_factory=dict)  # severity → count
    client_silence: str = "on_time"  # on_time | late | overdue
    overdue_commitments: int = 0
    closed: bool = False
    awaiting_kickoff: bool = False
    kickoff_at: dt.datetime | None = None
    last_update_sent_at: dt.datetime | None = None
    # Longest the client may go without an update in the current phase: its cadence plus grace.
    update_gap_allowed: dt.timedelta | None = None
    # The latest client mail that failed with no later mail to that contact on the project gone
    # through: whom it was for and the error it ended with.
    failed_mail_to: str = ""
    failed_mail_error: str = ""
    # Whether the phase has something to show (build, QA), and when an update last showed a
    # screenshot, a mockup or a link.
    shows_work: bool = False
    last_visual_at: dt.datetime | None = None
    # The client's latest answer to "how satisfied are you?" (1–5) and what asked it.
    last_satisfaction: int | None = None
    last_satisfaction_on: str = ""


@dataclass(frozen=True)
class Health:
    rag: str
    reasons: tuple[str, ...]

    @property
    def rank(self):
        return RANK[self.rag]


def assess(facts: HealthFacts) -> Health:
    """Red: the client is already let down (a breached reply, an overdue update, mail that did not
    reach them, a critical escalation, a client silent too long, promises slipping, a satisfaction
    score of 1 or 2). Amber: it is about to happen (a score of 3 among them). Green: nothing needs
    the lead today. The portfolio orders by the same rules said in SQL (dashboard/portfolio.py
    `health_rank`): a rule changed here is changed there, and tests/dashboard/test_portfolio_rank.py
    fails until it is."""
    red, amber = [], []
    if not facts.closed:
        silence(facts, red, amber)
    if facts.next_response_due is not None:
        left = facts.next_response_due - facts.now
        if left <= dt.timedelta(0):
            red.append(f"client email unanswered past its deadline ({facts.unanswered_mails} waiting)")
        elif left <= CLOSE_TO_DEADLINE:
            amber.append(f"client email due in {minutes(left)}")
    if facts.failed_mail_to:
        red.append(f"mail to {facts.failed_mail_to} failed: {shortened(facts.failed_mail_error)}")
    if facts.overdue_drafts:
        red.append(f"{plural(facts.overdue_drafts, 'update')} overdue")
    critical = facts.open_escalations.get("critical", 0)
    others = sum(count for severity, count in facts.open_escalations.items() if severity != "critical")
    if critical:
        red.append(f"{plural(critical, 'critical escalation')} open")
    if others:
        amber.append(f"{plural(others, 'escalation')} open")
    if facts.client_silence == "overdue":
        red.append("client silent too long")
    elif facts.client_silence == "late":
        amber.append("client gone quiet")
    if facts.overdue_commitments > 1:
        red.append(f"{facts.overdue_commitments} promises overdue")
    elif facts.overdue_commitments == 1:
        amber.append("1 promise overdue")
    if facts.last_satisfaction is not None and facts.last_satisfaction <= LOW_SATISFACTION:
        asked = f" ({facts.last_satisfaction_on})" if facts.last_satisfaction_on else ""
        reason = f"client scored us {facts.last_satisfaction}/5{asked}"
        (red if facts.last_satisfaction <= UNHAPPY_SATISFACTION else amber).append(reason)
    if facts.shows_work and facts.kickoff_at is not None:
        since = facts.last_visual_at or facts.kickoff_at
        if facts.now - since > SHOW_SOMETHING_WITHIN:
            amber.append(f"nothing visual shown to the client for {days(facts.now - since)}")
    if facts.unconfirmed_decisions:
        amber.append(f"{plural(facts.unconfirmed_decisions, 'decision')} not confirmed in writing")
    if facts.drafts_waiting:
        amber.append(f"{plural(facts.drafts_waiting, 'draft')} waiting for review")
    if red:
        return Health("red", tuple(red + amber))
    if amber:
        return Health("amber", tuple(amber))
    return Health("green", ("on track",))


def silence(facts: HealthFacts, red: list, amber: list) -> None:
    """We went quiet: no kickoff yet, no word within 48 hours of it, or no update for longer than
    the phase's cadence allows. Judged from what was sent, not from any deadline."""
    if facts.awaiting_kickoff:
        amber.append("kickoff not logged")
        return
    if facts.kickoff_at is None:
        return
    last = facts.last_update_sent_at
    if last is None or last < facts.kickoff_at:
        if facts.now - facts.kickoff_at > FIRST_WORD_WITHIN:
            red.append(f"no word to the client since the kickoff {days(facts.now - facts.kickoff_at)} ago")
    elif facts.update_gap_allowed is not None and facts.now - last > facts.update_gap_allowed:
        red.append(f"no update to the client for {days(facts.now - last)}")


def days(span: dt.timedelta) -> str:
    return plural(span.days, "day") if span.days else f"{int(span.total_seconds() // 3600)} h"


def plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def shortened(text):
    line = " ".join(text.split())
    return line if len(line) <= ERROR_SHOWN else line[: ERROR_SHOWN - 1].rstrip() + "…"


def minutes(span: dt.timedelta) -> str:
    total = max(1, int(span.total_seconds() // 60))
    return f"{total} min" if total < 60 else f"{total // 60} h {total % 60:02d} min"
