"""Response times for client email and chat: each client message that needs a reply gets a deadline
on the team's calendar (3 business hours, 1 when urgent, never past that day's close) with a
reminder at 80%; any reply to that contact on that project meets it, as does a call noted by the
owner or a team member's message in the project's Slack channel."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from comms import obligations
from comms.calendars import Clocks
from comms.models import Channel, Deadline, Message
from comms.outbox import meet_response_deadlines, queue_messages, reply_to_address
from projects.header_text import fold_to_line

# Urgent mail: an "urgent"-type word in the subject, or the sender's mail client marking it high
# priority. Kept narrow on purpose: a false "urgent" costs the team a 1-hour clock. The words of
# every language we write in, since a client may write in any of them whatever their setting.
URGENT_WORDS = re.compile(
    r"\b("
    r"urgent|asap|emergency|outage|down|critical"  # English
    r"|dringend|eilt|notfall|ausfall|störung|kritisch"  # German
    r"|urgence|panne|critique"  # French (its "urgent", "urgente" are above and below)
    r"|urgente|urgencia|emergencia|caído|caída|crítico|crítica"  # Spanish
    r")\b",
    re.IGNORECASE,
)
HIGH_PRIORITY = {("importance", "high"), ("x-priority", "1"), ("x-priority", "2"), ("priority", "urgent")}


def is_urgent(subject, headers=()):
    """Urgent when the subject says so (urgent, ASAP, emergency, outage, down, critical, or the
    same in German, French or Spanish) or a header marks it: Importance: high, X-Priority: 1 or 2,
    Priority: urgent."""
    if URGENT_WORDS.search(subject or ""):
        return True
    return any(
        (name.lower(), value.strip().split(" ")[0].lower()) in HIGH_PRIORITY for name, value in headers
    )


def start_response_clock(message, *, clocks=None):
    """Give an inbound client message its response deadline and the 80% reminder."""
    clocks = clocks or Clocks()
    organisation = clocks.organisation()
    due, reminder = obligations.response_due(
        message.created_at,
        clocks.team(message.project),
        urgent=message.urgent,
        routine=organisation.routine_response,
        urgent_within=organisation.urgent_response,
    )
    message.respond_by = due.at
    message.save(update_fields=["respond_by"])
    Deadline.objects.bulk_create(
        [
            Deadline(
                project=message.project,
                message=message,
                kind=Deadline.Kind.RESPONSE_REMINDER,
                due_at=reminder,
                explanation=f"80% of the response time: reply {due.explanation}",
            ),
            Deadline(
                project=message.project,
                message=message,
                kind=Deadline.Kind.RESPONSE_DUE,
                due_at=due.at,
                explanation=due.explanation,
            ),
        ]
    )


def meet(message, *, at, note=""):
    """Answering a contact answers everything they wait for on the project; a new person at the
    client has no contact yet, so the mail answered is the one replied to."""
    if message.contact_id:
        return meet_response_deadlines({(message.project_id, message.contact_id)}, at=at, note=note)
    return answered(Message.objects.filter(pk=message.pk), at=at, note=note)


def meet_in_chat(project, channel, *, at, thread="", note=""):
    """A team member wrote in the project's chat channel: in a thread, that answers the client's
    messages in the thread; in the channel itself, every client message waiting there (whoever
    wrote it: the channel is shared, so everyone sees the answer)."""
    waiting = Message.objects.filter(
        project=project,
        channel=Channel.CHAT,
        destination=channel,
        direction=Message.Direction.IN,
        respond_by__isnull=False,
        created_at__lte=at,
    )
    if thread:
        waiting = waiting.filter(Q(provider_message_id=thread) | Q(in_reply_to=thread))
    return answered(waiting, at=at, note=note)


def answered(waiting, *, at, note):
    """The messages of `waiting` not yet answered are answered at `at`; their reminders and
    deadlines stop."""
    ids = list(waiting.filter(responded_at__isnull=True).values_list("pk", flat=True))
    count = Message.objects.filter(pk__in=ids, responded_at__isnull=True).update(
        responded_at=at, response_note=note
    )
    Deadline.objects.filter(message_id__in=ids, is_active=True).update(is_active=False)
    return count


@transaction.atomic
def answered_by_phone(message, *, by, note, now):
    if not note.strip():
        raise ValueError("Say what was agreed on the phone.")
    return meet(message, at=now, note=f"By phone ({by}): {note}")


@transaction.atomic
def reply_to_client(message, *, by, body, now):
    """Answer a client email from the portal: the reply goes out on the thread at once (the
    client wrote, so it is not held for their hours) and meets the response deadline."""
    project = message.project
    # The client's subject and Message-ID go into our headers.
    subject = fold_to_line(message.subject)
    subject = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    reply = Message(
        project=project,
        kind="reply",
        contact=message.contact,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to_email=message.from_email,
        reply_to=reply_to_address(project),
        subject=subject[:300],
        body_text=body,
        in_reply_to=fold_to_line(message.provider_message_id)
        if message.provider_message_id.startswith("<")
        else "",
        dedupe_key=f"reply:{message.pk}:{now.timestamp()}",
        created_at=now,
        send_after=now,
    )
    if message.channel == Channel.CHAT:  # answered where it was asked: in the Slack thread
        reply.channel, reply.destination = Channel.CHAT, message.destination
        reply.to_email = reply.reply_to = ""
        reply.in_reply_to = message.in_reply_to or message.provider_message_id
    queue_messages([reply])
    if message.contact_id is None:  # a contact's mail is met as the reply is queued
        meet(message, at=now)
    return reply
