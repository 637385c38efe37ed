"""The outbox: outbound Message rows are the source of truth; a sender claims one with a lease,
sends it through Anymail and records the provider's answer.

A send whose outcome is unknown (the sender stopped and its lease ran out, the answer timed out,
the connection was reset after the request went out) is not repeated blindly: the provider is
asked first (`comms/providers.py`), and a message it has is marked sent. With a provider that
cannot be asked, the message is sent again and the row's `blind_resends` counts it, so the one
window left for a duplicate is measured rather than hidden.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import random
from email.mime.image import MIMEImage

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import BooleanField, Case, DateTimeField, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from comms import carriers, providers
from comms.models import Channel, Deadline, Message
from comms.words import CHANNELS
from projects.header_text import fold_to_line
from projects.team_language import speaking_to_member

logger = logging.getLogger(__name__)

LEASE = settings.OUTBOX_LEASE  # 2 minutes: far longer than one provider call with its timeout
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=1)
PROVIDER_REJECTED = {"rejected", "invalid", "failed"}
RECIPIENT_REFUSED = {"rejected", "invalid"}
DELIVERY_PROBLEM = "delivery_problem"  # the kind of the admins' notice that team mail failed
# Woken by its registered name: the task module stands on this one, so this one does not import it.
SEND_TASK = "comms.tasks.send_messages"
# Rows per wake-up: publishing a task costs about as much as composing a draft, and a tick can
# queue thousands of mails; chunks this small still spread over every worker process.
WAKE_CHUNK = 20


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
    ready = [message for message in messages if message.send_after <= message.created_at]
    for message in ready:
        message.woken_at = message.created_at  # woken once committed: the sweep leaves it alone
    Message.objects.bulk_create(messages)
    meet_response_deadlines(
        {
            (m.project_id, m.contact_id)
            for m in messages
            if m.contact_id and m.direction == Message.Direction.OUT
        },
        at=max(message.created_at for message in messages),
    )
    if ready:
        transaction.on_commit(lambda: wake_senders([message.pk for message in ready]))
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
    send_messages = current_app.tasks[SEND_TASK]
    message_ids = list(message_ids)
    for start in range(0, len(message_ids), WAKE_CHUNK):
        chunk = message_ids[start : start + WAKE_CHUNK]
        try:
            send_messages.delay(chunk)
        except Exception:
            logger.warning(
                "Could not queue messages %s; the sweep will wake them again.", chunk, exc_info=True
            )


# --- Sending one row ----------------------------------------------------------------------------


def claim(message_id, *, now):
    """Take a message for sending, or None if it is settled, not yet due, or leased to another
    sender. A claim on a row whose lease ran out is counted, and since that sender may have reached
    the provider before it stopped, the provider is to be asked before the row is sent again."""
    lease_ran_out = Q(state=Message.State.SENDING)
    claimed = Message.objects.filter(
        pk=message_id, state__in=Message.PENDING_STATES, send_after__lte=now
    ).update(
        lease_expiries=F("lease_expiries") + Case(When(lease_ran_out, then=Value(1)), default=Value(0)),
        check_provider_first=Case(
            When(lease_ran_out, then=Value(True)),
            default=F("check_provider_first"),
            output_field=BooleanField(),
        ),
        # An attempt in doubt keeps its start: the provider's search is trusted from some time after it.
        last_attempt_at=Case(
            When(lease_ran_out | Q(check_provider_first=True), then=F("last_attempt_at")),
            default=Value(now),
            output_field=DateTimeField(),
        ),
        state=Message.State.SENDING,
        send_after=now + LEASE,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    # The owner's language: a failure is told to them in it.
    return Message.objects.select_related("project__owner__member_settings", "contact", "user").get(
        pk=message_id
    )


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
        if message.update_id:
            for visual in message.update.visuals.exclude(image=""):
                email.attach(inline_image(visual))
    email.tags = [message.kind]
    email.metadata = {"message_id": str(message.pk), "project_id": str(message.project_id or "")}
    provider = providers.current()
    if provider is not None:
        provider.prepare(email, message)
    return email


def inline_image(visual):
    """An update's image as a part of the email, shown where the HTML names its Content-ID."""
    content_type = mimetypes.guess_type(visual.image.name)[0] or "image/png"
    with visual.image.open("rb") as image:
        part = MIMEImage(image.read(), _subtype=content_type.split("/", 1)[1])
    part.add_header("Content-ID", f"<{visual.content_id}>")
    part.add_header("Content-Disposition", "inline", filename=visual.image.name.rsplit("/", 1)[-1])
    return part


def deliver(message_id, *, now=None):
    """Send one queued message; returns what happened: sent, retry, waiting, failed or skipped."""
    now = now or timezone.now()
    message = claim(message_id, now=now)
    if message is None:
        return "skipped"
    carrier = carriers.of(message)
    provider = carrier or providers.current()
    if message.check_provider_first and provider is not None:
        settled = reconcile(message, provider, now=now)
        if settled:
            return settled
    if message.attempts > MAX_ATTEMPTS:
        # Only senders that stopped mid-send take a row past the limit; retry() stops the rest.
        last = f" Last error: {message.error}" if message.error else ""
        return fail(
            message,
            f"Gave up after {MAX_ATTEMPTS} attempts; the outcome of the last one is unknown.{last}",
            now=now,
        )
    if message.check_provider_first:
        send_again(message, blind=provider is None, now=now)
    if carrier is not None:
        return carry(message, carrier, now=now)
    return send(message, provider, now=now)


def reconcile(message, provider, *, now):
    """Before a send whose outcome is unknown is repeated, ask the provider whether it has the
    message. Returns what happened, or None when the message is to be sent. An answer uses no
    attempt; a provider that cannot be asked is retried like a failed send."""
    try:
        provider_id = provider.find(message)
    except providers.SearchFailed as error:
        return retry(message, f"Could not ask {provider.name} whether it has the message: {error}", now=now)
    mine = Message.objects.filter(pk=message.pk, state=Message.State.SENDING, attempts=message.attempts)
    if provider_id:
        mine.update(
            state=Message.State.SENT,
            provider_message_id=provider_id,
            sent_at=message.last_attempt_at or now,
            send_after=None,
            error="",
            check_provider_first=False,
            attempts=F("attempts") - 1,
        )
        logger.info(
            "Message %s: %s already had it (%s); not sent again.", message.pk, provider.name, provider_id
        )
        return "sent"
    trusted_from = (message.last_attempt_at or message.created_at) + provider.search_delay
    if now < trusted_from:
        mine.update(
            state=Message.State.QUEUED,
            send_after=trusted_from,
            attempts=F("attempts") - 1,
            error=f"{provider.name} does not show the last attempt yet; asking again before sending again.",
        )
        return "waiting"
    return None


def send_again(message, *, blind, now):
    """A new attempt after one whose outcome is unknown. A provider that cannot be asked gets the
    message again, and the row counts it: that resend may have reached the recipient twice."""
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING, attempts=message.attempts).update(
        check_provider_first=False,
        last_attempt_at=now,
        blind_resends=F("blind_resends") + (1 if blind else 0),
    )
    message.check_provider_first, message.last_attempt_at = False, now


def send(message, provider, *, now):
    try:
        email = as_email(message)
        email.send()
    except AnymailRecipientsRefused as error:
        return fail(message, f"The provider refused the recipient: {error}", now=now, recipient_refused=True)
    except AnymailAPIError as error:
        status = error.status_code
        if status is not None and 400 <= status < 500 and status != 429:
            reason = f"The provider rejected the message ({status}): {error}"
            return fail(message, reason, now=now, recipient_refused=providers.refuses_recipient(error))
        return retry(
            message,
            f"Provider error{f' {status}' if status else ''}: {error}",
            now=now,
            outcome_unknown=providers.may_have_reached(error),
            provider=provider,
        )
    except OSError as error:
        return retry(
            message,
            f"Network error: {error}",
            now=now,
            outcome_unknown=providers.may_have_reached(error),
            provider=provider,
        )
    except ValueError as error:
        # Django's BadHeaderError, Anymail's invalid address or unsupported feature: the message
        # itself cannot be sent, and sending it again will not change that.
        return fail(message, f"The message cannot be sent as it is: {error}", now=now)
    except Exception as error:
        logger.exception("Message %s: the mail backend raised an unexpected error.", message.pk)
        return retry(
            message, f"{type(error).__name__}: {error}", now=now, outcome_unknown=True, provider=provider
        )
    # Django's own backends (SMTP, say) send without Anymail's answer: sent, with no provider id.
    status = getattr(email, "anymail_status", None)
    if status and status.status and status.status <= PROVIDER_REJECTED:
        return fail(
            message,
            f"The provider did not accept the message ({', '.join(sorted(status.status))}).",
            now=now,
            recipient_refused=status.status <= RECIPIENT_REFUSED,
        )
    return sent(message, (status and status.message_id) or "", now=now)


def carry(message, carrier, *, now):
    """Send a chat or board message through its carrier; the service's id for it (a Slack message's
    `ts`, a Trello comment's id) is kept as the provider's id, for the record and for replies."""
    try:
        external_id = carrier.send(message)
    except carriers.Refused as error:
        return fail(message, f"{carrier.name} refused the message: {error}", now=now)
    except carriers.TryLater as error:
        return retry(
            message,
            f"{carrier.name}: {error}",
            now=now,
            outcome_unknown=error.outcome_unknown,
            provider=carrier,
            not_before=error.retry_after,
        )
    except Exception as error:
        logger.exception("Message %s: the %s carrier raised an unexpected error.", message.pk, carrier.name)
        return retry(
            message, f"{type(error).__name__}: {error}", now=now, outcome_unknown=True, provider=carrier
        )
    return sent(message, external_id, now=now)


def sent(message, provider_id, *, now):
    """Record this attempt's success, unless another sender settled the row meanwhile."""
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING, attempts=message.attempts).update(
        state=Message.State.SENT, provider_message_id=provider_id, sent_at=now, send_after=None, error=""
    )
    return "sent"


def retry_delay(attempts):
    """Exponential backoff with jitter, so many failed sends do not come back all at once."""
    delay = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
    return delay * random.uniform(0.5, 1.5)


def retry(message, reason, *, now, outcome_unknown=False, provider=None, not_before=None):
    """Try again later, and not before the service's own `not_before` wait. A send that may have
    reached the provider is marked to be looked up first; at the limit it is still looked up (if
    the provider can be asked) before it is called failed."""
    look_up_at_limit = outcome_unknown and provider is not None
    if message.attempts >= MAX_ATTEMPTS and not look_up_at_limit:
        return fail(
            message,
            f"Gave up after {min(message.attempts, MAX_ATTEMPTS)} attempts. Last error: {reason}",
            now=now,
        )
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING, attempts=message.attempts).update(
        state=Message.State.QUEUED,
        send_after=now + max(retry_delay(min(message.attempts, MAX_ATTEMPTS)), not_before or dt.timedelta(0)),
        error=reason,
        check_provider_first=message.check_provider_first or outcome_unknown,
    )
    logger.warning("Message %s will be retried: %s", message.pk, reason)
    return "retry"


@transaction.atomic
def fail(message, reason, *, now, recipient_refused=False):
    """A permanent failure, kept on the row for the record. A client's mail is told to the project's
    owner (a recipient refused for good flags the contact as a bounce does); a team member's mail is
    told to the admins."""
    failed = Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(
        state=Message.State.FAILED,
        send_after=None,
        error=reason,
        attempts=min(message.attempts, MAX_ATTEMPTS),
        check_provider_first=False,
    )
    if not failed:
        return "skipped"  # another sender settled it after this one's lease ran out
    logger.error("Message %s failed: %s", message.pk, reason)
    message.error = reason
    if recipient_refused and message.contact:
        flag_bounced_contact(message, now)
    elif message.user_id is not None:
        queue_messages(not_yet_queued(admins_told(message, reason, now=now)))
    elif message.project:
        with speaking_to_member(message.project.owner):
            check = (
                _("Check the address and send again.")
                if message.channel == Channel.EMAIL
                else _("Check the connection and send again.")
            )
            alert = owner_alert(
                message.project,
                subject=_("Not delivered: %(subject)s") % {"subject": fold_to_line(message.subject)},
                body=f"{not_delivered(message)}\n{reason}\n\n{check}",
                key=f"failed:{message.pk}",
                now=now,
            )
        queue_messages(not_yet_queued([alert]))
    return "failed"


def not_delivered(message):
    if message.channel == Channel.EMAIL:
        return _("Mail to %(address)s could not be sent.") % {"address": message.to_email}
    return _("The %(channel)s message to %(destination)s could not be sent.") % {
        "channel": CHANNELS[message.channel],
        "destination": message.destination,
    }


def flag_bounced_contact(message, when):
    """The contact's address bounced or was refused for good: flagged, so no more mail goes to it
    until it is fixed, and the owner is told."""
    message.contact.email_bounced_at = when
    message.contact.save(update_fields=["email_bounced_at"])
    if message.project:
        with speaking_to_member(message.project.owner):
            alert = owner_alert(
                message.project,
                subject=_("Bounced: mail to %(person)s") % {"person": message.contact.name},
                body=_(
                    "“%(subject)s” to %(address)s bounced (%(error)s). "
                    "The contact is flagged and gets no more mail until the address is fixed."
                )
                % {"subject": message.subject, "address": message.to_email, "error": message.error},
                key=f"bounce:{message.pk}",
                now=when,
            )
        queue_messages(not_yet_queued([alert]))


def admins_told(message, reason, *, now):
    """Notices to the admins that mail to a team member failed. A notice that fails in turn tells
    nobody again, and nobody is told at the very address that failed."""
    if message.kind == DELIVERY_PROBLEM:
        return []
    person = message.user.get_full_name() or message.user.get_username()
    admins = (
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .exclude(email__iexact=message.to_email)
        .select_related("member_settings")
    )
    notices = []
    for admin in admins:
        with speaking_to_member(admin):
            failed = _("Mail to %(person)s (%(address)s) could not be sent.") % {
                "person": person,
                "address": message.to_email,
            }
            check = _("Check their address; the message stays in the admin's list of failed mail.")
            notices.append(
                team_notice(
                    message.project,
                    admin,
                    kind=DELIVERY_PROBLEM,
                    subject=_("Not delivered to %(person)s: %(subject)s")
                    % {"person": person, "subject": fold_to_line(message.subject)},
                    body=f"{failed}\n{reason}\n\n{check}",
                    key=f"team-failed:{message.pk}:{admin.pk}",
                    now=now,
                )
            )
    return notices


def not_yet_queued(notices):
    """Leave out notices already written under their key: a problem that comes back after it was
    cleared, or a message failing again after an admin's retry, is not told twice, and a repeated
    key does not undo the transaction that queues them."""
    notices = [notice for notice in notices if notice is not None]
    if not notices:
        return []
    written = set(
        Message.objects.filter(dedupe_key__in=[notice.dedupe_key for notice in notices]).values_list(
            "dedupe_key", flat=True
        )
    )
    return [notice for notice in notices if notice.dedupe_key not in written]


# --- After an outage ----------------------------------------------------------------------------


def resend_failed_since(since, *, now):
    """Queue again every outbound message that failed here (the provider never reported taking it)
    since `since`, with its attempts renewed. Each is looked up at the provider before it is sent,
    so one the provider in fact has is marked sent, not sent twice. Mail to a contact flagged as
    bounced stays failed. Returns how many were queued."""
    failed = (
        Message.objects.filter(
            direction=Message.Direction.OUT, state=Message.State.FAILED, provider_message_id=""
        )
        .with_failed_at()
        .filter(failed_at__gte=since)
        .exclude(contact__email_bounced_at__isnull=False)
    )
    ids = list(failed.values_list("pk", flat=True))
    queued = Message.objects.filter(pk__in=ids, state=Message.State.FAILED).update(
        state=Message.State.QUEUED,
        send_after=now,
        woken_at=now,
        attempts=0,
        check_provider_first=True,
        error="",
    )
    transaction.on_commit(lambda: wake_senders(ids))
    return queued
