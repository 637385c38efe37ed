"""What keeps the communication plan running on its own: drafting from the record, the deadlines
that recur (cadence, quiet client, morning digest), and sending, which turns a reviewed draft into
one outbox row per recipient.

Writes are batch-first (a list of drafts, a list of updates) so the tick acting on a hundred due
deadlines costs the same handful of queries as acting on one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from babel.lists import format_list
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, ngettext

from comms import drafts, obligations, satisfaction
from comms.boards.build_update import board_facts
from comms.cadence import release_time
from comms.calendars import Clocks
from comms.channel_plan import update_route
from comms.models import CadencePolicy, Channel, Deadline, Message, Update, UpdateText
from comms.outbox import owner_alert, queue_messages, reply_to_address
from comms.record import OrgPlan, decision_fact, entry_kind_label, project_record, projects_for_drafting
from projects.bulk import update_each
from projects.languages import (
    house_english,
    language_name,
    language_of,
    languages_read,
    main_language,
    ui_locale,
)
from projects.models import Contact, Decision, OrganisationSettings
from projects.portal_access import portal_url
from projects.team_language import speaking_to_member

NEXT_TICK = dt.timedelta(minutes=1)


class NoRecipients(Exception):
    """The project has no contact who can receive mail, so an update cannot go out."""


class TextNotReviewed(NoRecipients):
    """A language a recipient reads has no text, or one still needing review since another language
    was edited, so the update cannot go out; a refusal the faces show as they show NoRecipients."""


@dataclass
class DraftPlan:
    """An update not yet saved, with the deadlines and team notices that go with it."""

    update: Update
    texts: list[UpdateText] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    notices: list[Message] = field(default_factory=list)


# --- Drafting -----------------------------------------------------------------------------------


def plan_draft(
    project,
    draft,
    *,
    now,
    send_by,
    clocks,
    composed_with,
    source=None,
    decision=None,
    urgent=False,
    not_before=None,
):
    """An update drafted now, owed by `send_by`, reviewed by the owner in the meantime. On a
    project that sends by itself it goes out when the review window ends, but not before
    `not_before` (the moment it is owed, for updates drafted ahead). `composed_with` are the
    arguments besides the record that `drafts.compose` was given."""
    update = Update(
        project=project,
        kind=draft.kind,
        subject=draft.subject,
        technical_body=draft.technical,
        executive_body=draft.executive,
        status_line=draft.status_line,
        rag=draft.rag,
        urgent=urgent,
        source=source,
        source_occurrence=source.occurrence if source else None,
        decision=decision,
        composed_with=stored_arguments(composed_with),
        send_by=send_by.at,
        created_at=now,
    )
    plan = DraftPlan(update, texts=translated_texts(update, draft))
    plan.deadlines.append(
        Deadline(
            kind=Deadline.Kind.SEND_BY, project=project, due_at=send_by.at, explanation=send_by.explanation
        )
    )
    if project.auto_send_drafts:
        release = obligations.review_window_ends(
            now, clocks.team(project), clocks.client(project), clocks.organisation().review_window
        )
        if not_before and release.at < not_before:
            release = obligations.Due(not_before, f"{release.explanation}; it is owed no earlier")
        if release.at > send_by.at:
            release = send_by
        plan.deadlines.append(
            Deadline(
                kind=Deadline.Kind.DRAFT_RELEASE,
                project=project,
                due_at=release.at,
                explanation=release.explanation,
            )
        )
    with speaking_to_member(project.owner):
        how = (
            gettext("It goes out by itself when the review window ends.")
            if project.auto_send_drafts
            else gettext("It waits for you.")
        )
        drafted = gettext(
            "%(kind)s for %(project)s is drafted and waiting for your review.\n"
            "It is owed to the client %(deadline)s."
        ) % {"kind": entry_kind_label(draft.kind), "project": project, "deadline": send_by.explanation}
        notice = owner_alert(
            project,
            subject=gettext("Draft to review: %(subject)s") % {"subject": draft.subject},
            body="\n".join([drafted, how, "", gettext("--- draft ---"), draft.technical]),
            key="draft-notice:{update}",
            now=now,
        )
    if notice:
        plan.notices.append(notice)
    return plan


def save_drafts(plans):
    """Save drafts with their deadlines and notices: three inserts for any number of drafts. A
    recurring draft replaces the project's unsent one of its kind, here or earlier in `plans`."""
    if not plans:
        return []
    newest = {}
    for plan in plans:
        newest[(plan.update.project_id, plan.update.kind)] = plan
    plans = [
        plan
        for plan in plans
        if newest[(plan.update.project_id, plan.update.kind)] is plan
        or plan.update.kind not in Update.RECURRING_KINDS
    ]
    supersede_open_drafts(
        {
            (plan.update.project_id, plan.update.kind)
            for plan in plans
            if plan.update.kind in Update.RECURRING_KINDS
        }
    )
    updates = Update.objects.bulk_create([plan.update for plan in plans])
    deadlines, notices, texts = [], [], []
    for plan in plans:
        for text in plan.texts:
            text.update = plan.update
            texts.append(text)
        for deadline in plan.deadlines:
            deadline.update = plan.update
            deadlines.append(deadline)
        for notice in plan.notices:
            notice.update = plan.update
            notice.dedupe_key = notice.dedupe_key.format(update=plan.update.pk)
            notices.append(notice)
    Deadline.objects.bulk_create(deadlines)
    # No query when every reader reads the project's main language.
    UpdateText.objects.bulk_create(texts)
    queue_messages(notices)
    return updates


def translated_texts(update, draft):
    """The draft's translations as rows of `update`, unsaved."""
    return [
        UpdateText(
            update=update,
            language=language,
            subject=translated.subject,
            technical_body=translated.technical,
            executive_body=translated.executive,
            status_line=translated.status_line,
        )
        for language, translated in draft.translations.items()
    ]


def supersede_open_drafts(project_kinds):
    """Unsent drafts of these (project, kind) pairs are kept, marked superseded, and stop counting:
    their deadlines retire. Two writes for any number of pairs."""
    if not project_kinds:
        return
    projects_by_kind = defaultdict(list)
    for project_id, kind in project_kinds:
        projects_by_kind[kind].append(project_id)
    # One condition per kind, not per pair: a tick's batch drafts one kind for hundreds of projects.
    which = Q()
    for kind, project_ids in projects_by_kind.items():
        which |= Q(kind=kind, project_id__in=project_ids)
    supersede(Update.objects.filter(which))


def supersede(updates):
    superseded = updates.filter(state__in=Update.OPEN_STATES)
    Deadline.objects.filter(update__in=superseded, is_active=True).update(is_active=False)
    superseded.update(state=Update.State.SUPERSEDED)


def draft_now(project, kind, *, now, send_by, confirms=None, **extra):
    """Draft one update from the record at once (kickoff, decision confirmation, phase notice)."""
    clocks = Clocks()
    project = projects_for_drafting([project.pk]).get()
    record = project_record(project, OrgPlan(clocks), today=clocks.client(project).local_date(now))
    plan = plan_draft(
        project,
        compose_draft(kind, project, record, **extra),
        now=now,
        send_by=send_by,
        clocks=clocks,
        composed_with=extra,
        decision=confirms,
    )
    return save_drafts([plan])[0]


# Drafted from the project's board as well as the record, when it has one.
BOARD_KINDS = {"build_status"}


def compose_draft(kind, project, record, **extra):
    """`drafts.compose_for_readers`: in the project's main language, translated into each other
    language a recipient reads; with what the project's board shows for the kinds drafted from it.
    The board is read here, once per draft; a board that cannot be read leaves the record alone."""
    if kind in BOARD_KINDS:
        record = dataclasses.replace(record, board=board_facts(project))
    return drafts.compose_for_readers(kind, record, **extra)


def stored_arguments(extra):
    """A draft's composition arguments as JSON. A decision is left out: a confirmation is composed
    again from its decision row, so an edit of the decision reaches it."""
    stored = {}
    for name, value in extra.items():
        if isinstance(value, drafts.PhaseChangeFact):
            value = {"from_phase": value.from_phase, "to_phase": value.to_phase, "note": value.note}
        elif isinstance(value, dt.datetime):
            value = value.isoformat()
        if name != "decision":
            stored[name] = value
    return stored


def composed_again(update, project, org, *, today):
    """An unedited draft composed afresh from the record as it is now (None when the draft was
    made before its composition was kept, or a person edited it)."""
    if update.composed_with is None or update.revision:
        return None
    arguments = dict(update.composed_with)
    if "change" in arguments:
        arguments["change"] = drafts.PhaseChangeFact(**arguments["change"])
    if "held_at" in arguments:
        arguments["held_at"] = dt.datetime.fromisoformat(arguments["held_at"])
    if update.decision_id:
        arguments["decision"] = decision_fact(update.decision, ZoneInfo(project.client.calendar.time_zone))
    return compose_draft(update.kind, project, project_record(project, org, today=today), **arguments)


# --- Deadlines that recur -----------------------------------------------------------------------


def schedule_cadence(project, *, last, clocks, org=None):
    """Create or move the project's next-update deadline by its phase's cadence."""
    policy = org.cadence_for(project) if org else CadencePolicy.for_project(project)
    if policy is None:
        return None
    owed = next_update_owed(project, policy, last, clocks.client(project))
    return _set_live_deadline(
        project,
        Deadline.Kind.CADENCE_UPDATE,
        owed,
        prepare_on=clocks.team(project),
        review_window=clocks.organisation().review_window,
        now=last,
    )


def next_update_owed(project, policy, last, client):
    """When the phase cadence next owes the client an update. The delivery checklist waits for the
    final week before the target launch (daily through the whole phase when no date is set)."""
    owed = obligations.cadence_update(last, policy.interval_days, policy.business_days_only, client)
    final_week = delivery_final_week(project, policy, client)
    if final_week and owed.at < final_week.at:
        return final_week
    return owed


def delivery_final_week(project, policy, client):
    if policy.update_kind == "delivery_checklist" and project.target_launch_on:
        return obligations.delivery_final_week(project.target_launch_on, client)
    return None


def schedule_quiet_client(project, *, since, clocks):
    policy = CadencePolicy.for_project(project)
    if policy is None:
        return None
    due = obligations.quiet_client(since, policy.quiet_after_business_days, clocks.client(project))
    return _set_live_deadline(project, Deadline.Kind.QUIET_CLIENT, due)


def _set_live_deadline(
    project, kind, due, *, prepare_on=None, review_window=obligations.REVIEW_WINDOW, now=None
):
    """Create or move a recurring deadline; with `prepare_on` (the team's clock) it is acted on
    ahead of the instant it is owed, so the owner's review fits before."""
    deadline, _ = Deadline.objects.update_or_create(
        project=project,
        kind=kind,
        is_active=True,
        defaults={
            **deadline_times(due, prepare_on, now=now or timezone.now(), review_window=review_window),
            "problem": "",
        },
    )
    return deadline


def deadline_times(owed, prepare_on=None, *, now, review_window=obligations.REVIEW_WINDOW):
    """The fields of a deadline owed at `owed.at`; drafted ahead on the team's clock when given, so
    that the review window fits, but never before the next tick, so the pass that set it does not
    act on it again."""
    if prepare_on is None:
        return {"due_at": owed.at, "owed_at": None, "explanation": owed.explanation}
    drafted = max(obligations.prepare_ahead(owed.at, prepare_on, review_window), now + NEXT_TICK)
    return {"due_at": min(drafted, owed.at), "owed_at": owed.at, "explanation": owed.explanation}


def ensure_morning_digest(owner, *, now, clocks=None):
    """Every project owner gets a digest deadline at the opening of their next business day."""
    clocks = clocks or Clocks()
    if Deadline.objects.filter(owner=owner, kind=Deadline.Kind.MORNING_DIGEST, is_active=True).exists():
        return
    due = obligations.morning_digest(now, clocks.of(clocks.team_default_calendar()))
    Deadline.objects.create(
        owner=owner, kind=Deadline.Kind.MORNING_DIGEST, due_at=due.at, explanation=due.explanation
    )


# --- Sending ------------------------------------------------------------------------------------


def client_messages(update, project, *, now, clock, texts=None, organisation=None):
    """One outbox row per recipient, in the language they read: `texts` holds the draft in each
    language besides the main one of its own fields (`organisation`: the settings read when a
    contact's language falls back to them). Executives get the status at a glance, technical contacts
    the detail; routine mail waits for the client's business hours, urgent mail does not. An
    update whose type the project's plan sends by chat is one post in its Slack channel instead,
    held for the client's hours like mail: a shared channel notifies the client's phones too."""
    send_after = release_time(now, clock, urgent=update.urgent)
    if update_route(update, project).channel == Channel.CHAT:
        return [chat_message(update, project, now=now, send_after=send_after)]
    people = project.mail_recipients()
    if not people:
        raise NoRecipients(
            f"{project} has no client contact who receives updates (or all addresses bounced)."
        )
    messages = []
    visuals = list(update.visuals.all())
    texts = texts or {}
    organisation = organisation or SimpleLazyObject(OrganisationSettings.current)
    for contact in people:
        language = language_of(contact, organisation, project.client)
        text = texts.get(language, update)
        executive = contact.kind == Contact.Kind.EXECUTIVE
        body = text.executive_body if executive else text.technical_body
        context = {
            "update": update,
            "status_line": text.status_line,
            "project": project,
            "contact": contact,
            "body": body,
            "visuals": visuals,
            # The day-30 check-in (and a phase's end, if the organisation asks then) asks how
            # satisfied they are: five signed links, one ask kept per contact and email.
            "score_links": satisfaction.email_links(update, contact, now=now),
            "satisfaction_question": satisfaction.QUESTION,
            # A contact whose portal access was revoked still hears from us, but is shown no way in.
            "portal_url": portal_url(contact) if contact.portal_access else "",
        }
        with translation.override(house_english(language)):
            body_text = render_to_string("emails/update.txt", context).strip() + "\n"
            body_html = render_to_string("emails/update.html", context)
        messages.append(
            Message(
                project=project,
                kind=update.kind,
                contact=contact,
                update=update,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to_email=contact.email,
                reply_to=reply_to_address(project),
                subject=text.subject,
                body_text=body_text,
                body_html=body_html,
                urgent=update.urgent,
                dedupe_key=f"update:{update.pk}:contact:{contact.pk}",
                created_at=now,
                send_after=send_after,
            )
        )
    return messages


def chat_message(update, project, *, now, send_after):
    return Message(
        project=project,
        kind=update.kind,
        update=update,
        channel=Channel.CHAT,
        destination=project.slack_channel,
        subject=update.subject,
        body_text=render_to_string("chat/update.txt", {"update": update}).strip() + "\n",
        urgent=update.urgent,
        dedupe_key=f"update:{update.pk}:chat:{project.slack_channel}",
        created_at=now,
        send_after=send_after,
    )


def send_updates(updates, *, by, now, clocks, org=None):
    """Send reviewed drafts: each one nobody edited composed again from the record as it is now, so
    it cannot report a done promise as late or a phase already left; outbox rows for every
    recipient, the drafts marked sent, their deadlines retired, decisions confirmed. Each update's
    `project` must come from `projects_for_drafting`."""
    org = org or OrgPlan(clocks)
    messages = []
    for update in updates:
        messages.extend(ready_to_send(update, by=by, now=now, clocks=clocks, org=org))
    return record_sent(updates, messages, now=now)


def ready_to_send(update, *, by, now, clocks, org):
    """One draft made ready in memory (composed again if nobody edited it, marked sent) and its
    outbox rows; nothing is written, so a caller sending many can set aside one that fails. A
    draft a person edited goes out in the texts they saved, and not while a language its
    recipients read has none or one needing review."""
    project = update.project
    client = clocks.client(project)
    organisation = SimpleLazyObject(lambda: org.organisation)
    fresh = composed_again(update, project, org, today=client.local_date(now))
    if fresh is not None:
        update.subject, update.technical_body, update.executive_body = (
            fresh.subject,
            fresh.technical,
            fresh.executive,
        )
        update.status_line, update.rag = fresh.status_line, fresh.rag
        # Kept on the draft until `record_sent` writes them with the batch.
        update.composed_texts = translated_texts(update, fresh)
        texts = {text.language: text for text in update.composed_texts}
    elif update_route(update, project).channel == Channel.CHAT:
        if update.main_text_needs_review:
            raise not_reviewed([main_language(project.client, organisation)])
        texts = {}  # one post in the project's channel, in the draft's own text
    else:
        texts = saved_texts(update, project, organisation)
    messages = client_messages(update, project, now=now, clock=client, texts=texts, organisation=organisation)
    update.state, update.sent_at, update.sent_by = Update.State.SENT, now, by
    return messages


def saved_texts(update, project, organisation):
    """The texts a person saved, by language, for the languages its recipients read besides the
    main one (read only when there are some); refused when one is missing, or when one of them or
    the main text needs review."""
    main, *others = languages_read(project.mail_recipients(), project.client, organisation)
    texts = {text.language: text for text in update.texts.all()} if others else {}
    for language in others:
        if language not in texts:
            raise TextNotReviewed(
                gettext(
                    "A contact reads %(language)s and this draft has no %(language)s text: write it, then send."
                )
                % {"language": language_name(language)}
            )
    unreviewed = [main] * update.main_text_needs_review + [
        language for language in others if texts[language].needs_review
    ]
    if unreviewed:
        raise not_reviewed(unreviewed)
    return texts


def not_reviewed(languages):
    names = format_list([language_name(language) for language in languages], locale=ui_locale())
    return TextNotReviewed(
        ngettext(
            "The %(languages)s text needs review since another language was edited: check it and save "
            "it, then send.",
            "The %(languages)s texts need review since another language was edited: check them and save "
            "them, then send.",
            len(languages),
        )
        % {"languages": names}
    )


def record_sent(updates, messages, *, now):
    """Write what `ready_to_send` made ready, for any number of drafts in a fixed number of queries."""
    update_each(
        updates,
        ["state", "sent_at", "sent_by", "subject", "technical_body", "executive_body", "status_line", "rag"],
    )
    # The translations composed again at sending; no query when there are none.
    UpdateText.objects.bulk_create(
        [text for update in updates for text in getattr(update, "composed_texts", ())],
        update_conflicts=True,
        unique_fields=["update", "language"],
        update_fields=["subject", "technical_body", "executive_body", "status_line"],
    )
    Deadline.objects.filter(update__in=updates, is_active=True).update(is_active=False)
    Decision.objects.filter(confirmations__in=updates, confirmed_at__isnull=True).update(confirmed_at=now)
    queue_messages(messages)
    return messages


@transaction.atomic
def send_update(update, *, by, now):
    """The owner sends a draft (edited or not)."""
    update = Update.objects.select_for_update(of=("self",)).select_related("decision").get(pk=update.pk)
    if update.state == Update.State.SENT:
        return []
    if update.state == Update.State.SUPERSEDED:
        raise DraftSuperseded("A newer draft of this kind replaced this one; send that one instead.")
    update.project = projects_for_drafting([update.project_id]).get()
    clocks = Clocks()
    messages = send_updates([update], by=by, now=now, clocks=clocks)
    if update.kind not in {"phase_notice", "decision_confirmation", "quiet_client_nudge"}:
        schedule_cadence(update.project, last=now, clocks=clocks)
    return messages


class DraftSuperseded(Exception):
    """The draft was replaced by a newer one of its kind and is kept only for the record."""


class StaleDraft(Exception):
    """Someone else saved the draft since it was loaded; nothing was overwritten."""


@transaction.atomic
def edit_draft(update, *, revision, subject, status_line, rag, executive_body, technical_body, language=""):
    """Save the owner's edits to the draft in `language` (blank: the project's main language, the
    draft's own fields) if nobody saved in between (compare-and-set on the revision). An edit to
    one language marks every other translation as needing review; saving a translation as it
    stands is its review. Saving the main text as it stands is not an edit: it stays composed
    from the record."""
    fields = {
        "subject": subject,
        "status_line": status_line,
        # Browsers send a textarea's line breaks as CRLF.
        "executive_body": executive_body.replace("\r\n", "\n"),
        "technical_body": technical_body.replace("\r\n", "\n"),
    }
    current = Update.objects.filter(pk=update.pk, revision=revision, state__in=Update.OPEN_STATES)
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(
            f"We do not write in {language!r}; the languages are: {', '.join(dict(settings.LANGUAGES))}."
        )
    others = UpdateText.objects.filter(update=update.pk)
    now = timezone.now()
    if language and language != main_language(update.project.client, OrganisationSettings.current()):
        return edit_translation(update, current, others, language, fields, rag=rag, now=now)
    fields["rag"] = rag
    stored = current.values(*fields, "main_text_needs_review").first()
    if stored and all(stored[name].strip() == value.strip() for name, value in fields.items()):
        if stored["main_text_needs_review"]:  # read again after a translation's edit: reviewed
            current.update(main_text_needs_review=False, revision=revision + 1)
            update.refresh_from_db()
        return update
    if not current.update(**fields, revision=revision + 1, edited_at=now, main_text_needs_review=False):
        raise stale()
    others.update(needs_review=True)
    update.refresh_from_db()
    return update


def edit_translation(update, current, texts, language, fields, *, rag, now):
    """`edit_draft` for a language besides the main one: its row written (made if a new contact
    reads it), the main text and the other translations marked as needing review when the text
    changed."""
    # Locked until the end of the transaction, so no edit of another language slips in between.
    if not current.select_for_update().values_list("pk", flat=True).first():
        raise stale()
    stored = texts.filter(language=language).values(*fields).first()
    unchanged = stored and all(stored[name].strip() == value.strip() for name, value in fields.items())
    if not unchanged:
        current.update(rag=rag, revision=F("revision") + 1, edited_at=now, main_text_needs_review=True)
        texts.exclude(language=language).update(needs_review=True)
    UpdateText.objects.update_or_create(
        update=update, language=language, defaults={**fields, "needs_review": False, "edited_at": now}
    )
    update.refresh_from_db()
    return update


def stale():
    """The refusal of an edit whose draft someone else saved or sent since it was loaded."""
    return StaleDraft("Someone else changed or sent this draft while you were editing it. Reload to see it.")
