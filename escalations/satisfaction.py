"""The client's voice, acted on and read back: a score of 1 or 2 is a complaint for the client's
account owner, a 3 a word to the project's owner; a comment can become a promise; the answers read
back as figures per project, per client and per phase (the project page, the portfolio's health,
the escalation review, the API). Asking is comms/satisfaction.py."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from comms.models import SatisfactionAnswer, SatisfactionAsk, Update, asked_in
from comms.outbox import owner_alert, queue_messages
from projects.models import Phase
from projects.services import add_commitment
from projects.team_language import speaking_to_member

from .models import Category, Severity
from .services import comment as comment_on_escalation
from .services import raise_escalation

QUESTION = SatisfactionAsk.QUESTION
SCORES = dict(SatisfactionAnswer.Score.choices)
COMPLAINT_AT_MOST = 2  # a score this low raises a complaint with the account owner
OWNER_TOLD_AT = 3  # a middling score is worth a word to the project's owner
COMMENT_LENGTH = 2000


class AlreadyCommitted(Exception):
    """The feedback was already turned into a promise."""


# --- Answering and acting ----------------------------------------------------------------------


@transaction.atomic
def record_answer(ask, score, *, now):
    """One answer per ask: a second click changes the score. A low score raises one complaint for
    the answer however often it changes; a 3 tells the owner once."""
    if score not in SCORES:
        raise ValueError(f"A score is 1 to 5, not {score!r}.")
    ask = (
        SatisfactionAsk.objects.select_for_update()
        .select_related("project__client", "project__owner", "contact")
        .get(pk=ask.pk)
    )
    answer = SatisfactionAnswer.objects.filter(ask=ask).first()
    before = answer.score if answer else None
    if answer is None:
        answer = SatisfactionAnswer.objects.create(ask=ask, score=score, answered_at=now)
    elif answer.score != score:
        answer.score, answer.changed_at = score, now
        answer.save(update_fields=["score", "changed_at"])
    else:
        return answer
    answer.ask = ask
    act_on(answer, before, now=now)
    return answer


def act_on(answer, before, *, now):
    ask = answer.ask
    project, who = ask.project, ask.contact.name
    if answer.escalation_id:
        # The complaint is already with the account owner; a changed mind (even to a 5) does not
        # close it: it goes on its timeline, and the account owner resolves it with the client.
        comment_on_escalation(
            answer.escalation,
            by=None,
            note=f"{who} changed their satisfaction score from {before}/5 to {answer.score}/5.",
            now=now,
        )
    elif answer.score <= COMPLAINT_AT_MOST:
        # Stored as the team's record, in the product's language, whatever the client's page spoke.
        with translation.override(settings.LANGUAGE_CODE):
            title = f"{who} scored us {answer.score}/5 ({ask.occasion_label})"[:200]
            description = complaint(answer)
        answer.escalation = raise_escalation(
            project,
            category=Category.DISPUTE,
            severity=Severity.MODERATE,
            title=title,
            description=description,
            now=now,
            # Between the team and its account owner: the client has just told us, and hears
            # back from the account owner in person rather than from a form letter.
            internal=True,
        )
        answer.save(update_fields=["escalation"])
    elif answer.score == OWNER_TOLD_AT and answer.owner_told_at is None:
        with speaking_to_member(project.owner):
            alert = owner_alert(
                project,
                subject=_("%(project)s: %(person)s scored us %(score)s/5")
                % {"project": project, "person": who, "score": answer.score},
                body=_(
                    "%(person)s answered %(score)s/5 to “%(question)s” (%(occasion)s).\n"
                    "Not a complaint, but worth a word with them before it becomes one."
                )
                % {"person": who, "score": answer.score, "question": QUESTION, "occasion": ask.occasion_label}
                + their_comment(answer),
                key=f"satisfaction:{answer.pk}:owner",
                now=now,
            )
        queue_messages([alert])
        answer.owner_told_at = now
        answer.save(update_fields=["owner_told_at"])


def complaint(answer):
    ask = answer.ask
    return (
        f"{ask.contact.name} ({ask.contact.email}) answered {answer.score}/5 to “{QUESTION}” "
        f"({ask.occasion_label}) on {ask.project}."
        + (comment_lines(answer) or "\n\nNo comment yet; one they add is put on this timeline.")
    )


def comment_lines(answer):
    return f"\n\nTheir comment:\n{answer.comment}" if answer.comment else ""


def their_comment(answer):
    """`comment_lines` for the owner, in the active language; the complaint's timeline stays as written."""
    return "\n\n" + _("Their comment:") + f"\n{answer.comment}" if answer.comment else ""


@transaction.atomic
def add_comment(answer, text, *, now):
    """The comment the thank-you page offers (a second one replaces it). It reaches whoever the
    score already reached: the complaint's timeline for 1–2, the owner for a 3."""
    text = text.strip()[:COMMENT_LENGTH]
    if not text or text == answer.comment:
        return answer
    answer = (
        SatisfactionAnswer.objects.select_for_update()
        .select_related("ask__project", "ask__contact")
        .get(pk=answer.pk)
    )
    answer.comment, answer.changed_at = text, now
    answer.save(update_fields=["comment", "changed_at"])
    if answer.escalation_id:
        comment_on_escalation(answer.escalation, by=None, note=f"The client's comment:\n{text}", now=now)
    elif answer.owner_told_at:
        project = answer.ask.project
        with speaking_to_member(project.owner):
            subject = _("%(project)s: %(person)s added a comment to their %(score)s/5") % {
                "project": project,
                "person": answer.ask.contact.name,
                "score": answer.score,
            }
        queue_messages(
            [
                owner_alert(
                    project,
                    subject=subject,
                    body=text,
                    key=f"satisfaction:{answer.pk}:comment:{now.timestamp()}",
                    now=now,
                )
            ]
        )
    return answer


@transaction.atomic
def commit_to_feedback(answer, *, description, due_on):
    """The lead turns a comment into a promise in one step; the promise links back to it."""
    answer = SatisfactionAnswer.objects.select_for_update().select_related("ask__project").get(pk=answer.pk)
    if answer.commitment_id:
        raise AlreadyCommitted("This feedback is already a promise.")
    answer.commitment = add_commitment(answer.ask.project, description=description, due_on=due_on)
    answer.save(update_fields=["commitment"])
    return answer


# --- Seeing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Sent asks and their answers: scores oldest first, response rate, feedback not yet acted on."""

    asked: int
    answers: tuple[SatisfactionAnswer, ...]

    @property
    def answered(self):
        return len(self.answers)

    @property
    def response_percent(self):
        return round(100 * self.answered / self.asked) if self.asked else None

    @property
    def mean(self):
        return mean([answer.score for answer in self.answers])

    @property
    def last(self):
        return self.answers[-1] if self.answers else None

    @property
    def open_feedback(self):
        """Comments not yet turned into a promise, newest first."""
        return [answer for answer in reversed(self.answers) if answer.comment and not answer.commitment_id]


def figures(asks):
    """Figures of sent asks (each read with its answer, if any)."""
    answers = []
    for ask in asks:
        try:
            answers.append(ask.answer)
        except SatisfactionAnswer.DoesNotExist:
            continue
    answers.sort(key=lambda answer: (answer.ask.asked_at, answer.answered_at, answer.pk))
    return Figures(asked=len(asks), answers=tuple(answers))


@dataclass(frozen=True)
class ProjectSatisfaction:
    project: Figures
    client: Figures


def for_project(project):
    """The dashboard's section: the project's own figures, and its client's over all projects.
    One query: the client's sent asks with their answers, the project's among them."""
    asks = list(
        SatisfactionAsk.objects.filter(project__client_id=project.client_id, update__state=Update.State.SENT)
        .select_related("contact", "answer__commitment", "answer__escalation")
        .order_by("asked_at", "pk")
    )
    return ProjectSatisfaction(
        project=figures([ask for ask in asks if ask.project_id == project.pk]), client=figures(asks)
    )


def last_answer():
    """A subquery for a project queryset (on OuterRef("pk")): the latest answer on the project as
    {"score", "occasion", "phase"}, for the portfolio's health facts."""
    return Subquery(
        SatisfactionAnswer.objects.filter(ask__project=OuterRef("pk"), ask__update__state=Update.State.SENT)
        .order_by("-ask__asked_at", "-answered_at")
        .values(fact=JSONObject(score="score", occasion="ask__occasion", phase="ask__phase"))[:1],
        output_field=JSONField(),
    )


def health_facts(last):
    """`HealthFacts` keyword arguments from the value of `last_answer` (None: never answered)."""
    if not last:
        return {}
    return {
        "last_satisfaction": last["score"],
        "last_satisfaction_on": asked_in(last["occasion"], last["phase"]),
    }


@dataclass(frozen=True)
class Scores:
    """Answers to asks made in a period, and (for a trend) the mean of the period before it."""

    asked: int
    answered: int
    mean: float | None
    previous_mean: float | None = None

    @property
    def response_percent(self):
        return round(100 * self.answered / self.asked) if self.asked else None

    @property
    def trend(self):
        """'up', 'down' or 'steady' against the period before; '' with nothing to compare."""
        if self.mean is None or self.previous_mean is None:
            return ""
        change = round(self.mean - self.previous_mean, 1)
        return "up" if change > 0 else "down" if change < 0 else "steady"


@dataclass(frozen=True)
class Summary:
    """Asks made in [since, until): overall, per client (by name) and per occasion (day 30, the end
    of each phase), each with its trend against the period of the same length just before."""

    since: dt.datetime
    until: dt.datetime
    overall: Scores
    by_client: dict[str, Scores]
    by_phase: dict[str, Scores]


def summary(since, until, *, projects=None):
    """Two periods read in one query: this one and the one of the same length before it."""
    try:
        before = since - (until - since)
    except OverflowError:  # a period reaching back before the year 1
        before = dt.datetime.min.replace(tzinfo=dt.UTC)
    asks = SatisfactionAsk.objects.filter(
        update__state=Update.State.SENT, asked_at__gte=before, asked_at__lt=until
    )
    if projects is not None:
        asks = asks.filter(project__in=projects)
    rows = asks.values_list("asked_at", "project__client__name", "occasion", "phase", "answer__score")
    now_, then = defaultdict(list), defaultdict(list)
    for asked_at, client, occasion, phase, score in rows:
        period = now_ if asked_at >= since else then
        for key in ("", f"client:{client}", f"phase:{phase_label(occasion, phase)}"):
            period[key].append(score)

    def scores(key):
        current = now_.get(key, [])
        return Scores(
            asked=len(current),
            answered=len(answered(current)),
            mean=mean(answered(current)),
            previous_mean=mean(answered(then.get(key, []))),
        )

    def grouped(prefix):
        keys = sorted(key for key in now_ if key.startswith(prefix))
        return {key.removeprefix(prefix): scores(key) for key in keys}

    return Summary(
        since=since,
        until=until,
        overall=scores(""),
        by_client=grouped("client:"),
        by_phase=dict(sorted(grouped("phase:").items(), key=lambda item: phase_order(item[0]))),
    )


def phase_label(occasion, phase):
    return capfirst(asked_in(occasion, phase))


def phase_order(label):
    """Phases in the order a project goes through them, the day-30 check-in after them all."""
    labels = [phase_label(SatisfactionAsk.Occasion.PHASE_END, phase) for phase in Phase.values]
    return labels.index(label) if label in labels else len(labels)


def answered(scores):
    return [score for score in scores if score is not None]


def mean(scores):
    return round(statistics.fmean(scores), 1) if scores else None
