"""A project's communication health: red, amber or green, with the reasons in words. Pure rules
over plain facts, so the dashboard, the digest and the portal can all say the same thing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    fails until it is. Said in the active language: the caller picks the reader's."""
    red, amber = [], []
    if not facts.closed:
        silence(facts, red, amber)
    if facts.next_response_due is not None:
        left = facts.next_response_due - facts.now
        if left <= dt.timedelta(0):
            waiting = facts.unanswered_mails
            red.append(
                ngettext(
                    "client email unanswered past its deadline (%(count)s waiting)",
                    "client email unanswered past its deadline (%(count)s waiting)",
                    waiting,
                )
                % {"count": waiting}
            )
        elif left <= CLOSE_TO_DEADLINE:
            amber.append(_("client email due in %(time)s") % {"time": minutes(left)})
    if facts.failed_mail_to:
        red.append(
            _("mail to %(person)s failed: %(error)s")
            % {"person": facts.failed_mail_to, "error": shortened(facts.failed_mail_error)}
        )
    if facts.overdue_drafts:
        count = facts.overdue_drafts
        red.append(
            ngettext("%(count)s update overdue", "%(count)s updates overdue", count) % {"count": count}
        )
    critical = facts.open_escalations.get("critical", 0)
    others = sum(count for severity, count in facts.open_escalations.items() if severity != "critical")
    if critical:
        red.append(
            ngettext("%(count)s critical escalation open", "%(count)s critical escalations open", critical)
            % {"count": critical}
        )
    if others:
        amber.append(
            ngettext("%(count)s escalation open", "%(count)s escalations open", others) % {"count": others}
        )
    if facts.client_silence == "overdue":
        red.append(_("client silent too long"))
    elif facts.client_silence == "late":
        amber.append(_("client gone quiet"))
    if facts.overdue_commitments:
        count = facts.overdue_commitments
        reason = ngettext("%(count)s promise overdue", "%(count)s promises overdue", count) % {"count": count}
        (red if count > 1 else amber).append(reason)
    if facts.last_satisfaction is not None and facts.last_satisfaction <= LOW_SATISFACTION:
        said = {"score": facts.last_satisfaction, "asked": facts.last_satisfaction_on}
        reason = (
            _("client scored us %(score)s/5 (%(asked)s)") % said
            if facts.last_satisfaction_on
            else _("client scored us %(score)s/5") % said
        )
        (red if facts.last_satisfaction <= UNHAPPY_SATISFACTION else amber).append(reason)
    if facts.shows_work and facts.kickoff_at is not None:
        since = facts.last_visual_at or facts.kickoff_at
        if facts.now - since > SHOW_SOMETHING_WITHIN:
            amber.append(
                _("nothing visual shown to the client for %(span)s") % {"span": days(facts.now - since)}
            )
    if facts.unconfirmed_decisions:
        count = facts.unconfirmed_decisions
        amber.append(
            ngettext(
                "%(count)s decision not confirmed in writing",
                "%(count)s decisions not confirmed in writing",
                count,
            )
            % {"count": count}
        )
    if facts.drafts_waiting:
        count = facts.drafts_waiting
        amber.append(
            ngettext("%(count)s draft waiting for review", "%(count)s drafts waiting for review", count)
            % {"count": count}
        )
    if red:
        return Health("red", tuple(red + amber))
    if amber:
        return Health("amber", tuple(amber))
    return Health("green", (_("on track"),))


def silence(facts: HealthFacts, red: list, amber: list) -> None:
    """We went quiet: no kickoff yet, no word within 48 hours of it, or no update for longer than
    the phase's cadence allows. Judged from what was sent, not from any deadline."""
    if facts.awaiting_kickoff:
        amber.append(_("kickoff not logged"))
        return
    if facts.kickoff_at is None:
        return
    last = facts.last_update_sent_at
    if last is None or last < facts.kickoff_at:
        if facts.now - facts.kickoff_at > FIRST_WORD_WITHIN:
            red.append(
                _("no word to the client since the kickoff %(span)s ago")
                % {"span": days(facts.now - facts.kickoff_at)}
            )
    elif facts.update_gap_allowed is not None and facts.now - last > facts.update_gap_allowed:
        red.append(_("no update to the client for %(span)s") % {"span": days(facts.now - last)})


def days(span: dt.timedelta) -> str:
    if span.days:
        return ngettext("%(count)s day", "%(count)s days", span.days) % {"count": span.days}
    return _("%(hours)s h") % {"hours": int(span.total_seconds() // 3600)}


def plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def shortened(text):
    line = " ".join(text.split())
    return line if len(line) <= ERROR_SHOWN else line[: ERROR_SHOWN - 1].rstrip() + "…"


def minutes(span: dt.timedelta) -> str:
    total = max(1, int(span.total_seconds() // 60))
    if total < 60:
        return _("%(minutes)s min") % {"minutes": total}
    return _("%(hours)s h %(minutes)s min") % {"hours": total // 60, "minutes": f"{total % 60:02d}"}
