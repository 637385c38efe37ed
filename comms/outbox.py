"""The outbox: outbound Message rows are the source of truth; a sender claims one with a lease,
sends it through Anymail and records the provider's answer.

Delivery is at least once. The one window for a duplicate is a sender that dies after the provider
accepted a message and before its id was recorded: its lease runs out, another sender sends again,
and the row's `lease_expiries` counts it, so the window is measured rather than hidden.
"""

from __future__ import annotations

import datetime as dt
import logging
import random

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from comms.models import Deadline, Message
from projects.header_text import fold_to_line

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)  # far longer than one provider call with its timeout
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=1)
PROVIDER_REJECTED = {"rejected", "invalid", "failed"}
# Woken by its registered name: the task module stands on this one, so this one does not import it.
SEND_TASK = "comms.tasks.send_message"


# --- Writing rows -------------------------------------------------------------------------------


def team_notice(project, user, *, kind, subject, body, key, now):
    """Mail to someone on the team (drafts to review, alerts), sent at once. None when the person
    has no address: the caller shows that as a problem instead of failing."""
    if not user.email:
        return None
    return Message(
        project=project,
        kind=kind,
        user=user,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to_email=user.email,
        subject=subject,
        body_text=body,
        dedupe_key=key,
        created_at=now,
        send_after=now,
    )


def owner_alert(project, *, subject, body, key, now):
    return team_notice(
        project, project.owner, kind="owner_alert", subject=subject, body=body, key=key, now=now
    )


def queue_messages(messages):
    """Write outbox rows, and once they are committed wake a sender for those due now. If the
    wake-up is lost, the tick's sweep finds the rows anyway."""
    messages = [message for message in messages if message is not None]
    if not messages:
        return []
    Message.objects.bulk_create(messages)
    meet_response_deadlines(
        {
            (m.project_id, m.contact_id)
            for m in messages
            if m.contact_id and m.direction == Message.Direction.OUT
        },
        at=max(message.created_at for message in messages),
    )
    ready = [message.pk for message in messages if message.send_after <= message.created_at]
    if ready:
        transaction.on_commit(lambda: wake_senders(ready))
    return messages


def meet_response_deadlines(pairs, *, at, note=""):
    """Mail to a contact on a project answers everything that contact is waiting on there.
    `pairs` are (project id, contact id); one read and two writes for any number of them."""
    pairs = set(pairs)
    if not pairs:
        return 0
    waiting = Message.objects.filter(
        project_id__in={project for project, _ in pairs},
        contact_id__in={contact for _, contact in pairs},
        direction=Message.Direction.IN,
        respond_by__isnull=False,
        responded_at__isnull=True,
        created_at__lte=at,
    ).values_list("pk", "project_id", "contact_id")
    ids = [pk for pk, project, contact in waiting if (project, contact) in pairs]
    if ids:
        Message.objects.filter(pk__in=ids).update(responded_at=at, response_note=note)
        Deadline.objects.filter(message_id__in=ids, is_active=True).update(is_active=False)
    return len(ids)


def reply_to_address(project):
    return settings.REPLY_TO_ADDRESS.format(token=project.reply_token)


def wake_senders(message_ids):
    send_message = current_app.tasks[SEND_TASK]
    for message_id in message_ids:
        try:
            send_message.delay(message_id)
        except Exception:
            logger.warning(
                "Could not queue message %s; the next tick will sweep it up.", message_id, exc_info=True
            )


# --- Sending one row ----------------------------------------------------------------------------


def claim(message_id, *, now):
    """Take a message for sending, or None if it is settled, not yet due, or leased to another
    sender. A claim on a row whose lease ran out is counted as a possible duplicate."""
    claimed = Message.objects.filter(
        pk=message_id, state__in=Message.PENDING_STATES, send_after__lte=now
    ).update(
        lease_expiries=F("lease_expiries")
        + Case(When(state=Message.State.SENDING, then=Value(1)), default=Value(0)),
        state=Message.State.SENDING,
        send_after=now + LEASE,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return Message.objects.select_related("project__owner", "contact").get(pk=message_id)


def as_email(message):
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.to_email],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={"In-Reply-To": message.in_reply_to, "References": message.in_reply_to}
        if message.in_reply_to
        else None,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.tags = [message.kind]
    email.metadata = {"message_id": str(message.pk), "project_id": str(message.project_id or "")}
    return email


def deliver(message_id, *, now=None):
    """Send one queued message; returns what happened: sent, retry, failed or skipped."""
    now = now or timezone.now()
    message = claim(message_id, now=now)
    if message is None:
        return "skipped"
    try:
        email = as_email(message)
        email.send()
    except AnymailRecipientsRefused as error:
        return fail(message, f"The provider refused the recipient: {error}", now=now)
    except AnymailAPIError as error:
        status = getattr(error, "status_code", None)
        if status is not None and 400 <= status < 500 and status != 429:
            return fail(message, f"The provider rejected the message ({status}): {error}", now=now)
        return retry(message, f"Provider error{f' {status}' if status else ''}: {error}", now=now)
    except OSError as error:
        return retry(message, f"Network error: {error}", now=now)
    except ValueError as error:
        # Django's BadHeaderError, Anymail's invalid address or unsupported feature: the message
        # itself cannot be sent, and sending it again will not change that.
        return fail(message, f"The message cannot be sent as it is: {error}", now=now)
    except Exception as error:
        logger.exception("Message %s: the mail backend raised an unexpected error.", message.pk)
        return retry(message, f"{type(error).__name__}: {error}", now=now)
    # Django's own backends (SMTP, say) send without Anymail's answer: sent, with no provider id.
    status = getattr(email, "anymail_status", None)
    if status and status.status and status.status <= PROVIDER_REJECTED:
        return fail(
            message, f"The provider did not accept the message ({', '.join(sorted(status.status))}).", now=now
        )
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING, attempts=message.attempts).update(
        state=Message.State.SENT,
        provider_message_id=(status and status.message_id) or "",
        sent_at=now,
        send_after=None,
        error="",
    )
    return "sent"


def retry_delay(attempts):
    """Exponential backoff with jitter, so many failed sends do not come back all at once."""
    delay = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
    return delay * random.uniform(0.5, 1.5)


def retry(message, reason, *, now):
    if message.attempts >= MAX_ATTEMPTS:
        return fail(message, f"Gave up after {message.attempts} attempts. Last error: {reason}", now=now)
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING, attempts=message.attempts).update(
        state=Message.State.QUEUED, send_after=now + retry_delay(message.attempts), error=reason
    )
    logger.warning("Message %s will be retried: %s", message.pk, reason)
    return "retry"


@transaction.atomic
def fail(message, reason, *, now):
    """A permanent failure: kept on the row for the record and shown to the owner."""
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(
        state=Message.State.FAILED, send_after=None, error=reason
    )
    logger.error("Message %s failed: %s", message.pk, reason)
    if message.project and message.user_id is None:
        queue_messages(
            [
                owner_alert(
                    message.project,
                    subject=f"Not delivered: {fold_to_line(message.subject)}",
                    body=f"Mail to {message.to_email} could not be sent.\n{reason}\n\nCheck the address and send again.",
                    key=f"failed:{message.pk}",
                    now=now,
                )
            ]
        )
    return "failed"
