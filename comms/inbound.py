"""Client email arriving through Anymail's inbound webhook (secret-protected, any provider Anymail
parses): stored once per provider message with its attachments' files, matched to its project by the
Reply-To token, else by the sender's contact; what matches nothing waits in the unmatched inbox for
an admin. Someone not yet a contact who writes to a project's reply address is a new person at the
client: their mail is answered in time like a contact's, and the lead is told to add them."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
from dataclasses import dataclass

from anymail.signals import inbound
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import get_valid_filename

from comms.lifecycle import record_client_message
from comms.models import Attachment, Message
from comms.responses import is_urgent, start_response_clock
from projects.header_text import LINE_BREAKING, fold_to_line
from projects.models import Contact, Phase, Project

logger = logging.getLogger(__name__)
TOKEN = re.compile(r"\+([0-9a-f]{16})@", re.IGNORECASE)


@dataclass(frozen=True)
class ArrivedFile:
    """An attachment as it came with the mail."""

    name: str
    content_type: str
    content: bytes


class UnreadableMail(ValueError):
    """Mail without a sender address: nobody to match it to or to answer. The webhook keeps the
    payload for inspection instead of storing an empty message."""


def base_name(file_name):
    """A file name without the folders some mail programs leave in it."""
    return file_name.replace("\\", "/").rsplit("/", 1)[-1]


@receiver(inbound, dispatch_uid="comms.inbound.receive_client_mail")
def receive_client_mail(sender, event, esp_name, **kwargs):
    mail = event.message
    recipients = [address.addr_spec for address in [*(mail.to or []), *(mail.cc or [])]]
    sender_address = mail.from_email.addr_spec if mail.from_email else ""
    if not sender_address:
        raise UnreadableMail("The mail has no sender address.")
    provider_id = (mail.get("Message-ID") or event.event_id or "").strip()
    store_client_mail(
        esp_name=esp_name,
        provider_id=provider_id,
        sender=sender_address,
        recipients=recipients,
        subject=mail.subject or "",
        text=mail.text or "",
        attachments=[
            ArrivedFile(
                name=base_name(part.get_filename() or "") or "unnamed",
                content_type=part.get_content_type(),
                content=part.get_content_bytes() or b"",
            )
            for part in mail.attachments
        ],
        headers=list(mail.items()),
        received_at=event.timestamp or timezone.now(),
    )


def match(recipients, sender):
    """The project this mail belongs to, and the contact who sent it (either may be None)."""
    contacts = list(Contact.objects.filter(email__iexact=sender).select_related("client")) if sender else []
    for address in recipients:
        found = TOKEN.search(address)
        if found:
            project = (
                Project.objects.filter(reply_token=found.group(1).lower()).select_related("client").first()
            )
            if project:
                contact = next((c for c in contacts if c.client_id == project.client_id), None)
                return project, contact
    for contact in contacts:
        # The sender's active projects, the most recently written to first.
        latest = (
            contact.projects.exclude(phase=Phase.CLOSED)
            .annotate(last_mail=Max("messages__created_at"))
            .order_by(F("last_mail").desc(nulls_last=True), "-created_at")
            .first()
        )
        if latest:
            return latest, contact
    return None, (contacts[0] if len(contacts) == 1 else None)


def mail_digest(sender, recipients, subject, headers, text):
    """What a mail without a provider id says, as a digest that is the same on every retry and in
    every process (Python's own hash() changes per process). The Date header, not the time it
    reached us: a retry arrives later."""
    date = next((value for name, value in headers if name.lower() == "date"), "")
    parts = [sender.lower(), ",".join(sorted(address.lower() for address in recipients)), subject, date, text]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]


def one_line(subject):
    """A subject can arrive over several lines or with NULs (an encoded header decodes to them):
    it is stored on one line, NULs gone and each run of line breaks, tabs and spaces one space, as
    a mail header and the database can hold it. Any other subject is stored as it came."""
    if not LINE_BREAKING.search(subject):
        return subject
    return fold_to_line(subject.replace("\0", ""))


def is_colleague(address):
    """Someone on the team writing to a project's reply address (a reply-all, say) is not a new
    person at the client."""
    return get_user_model().objects.filter(email__iexact=address).exists()


def store_client_mail(
    *, esp_name, provider_id, sender, recipients, subject, text, attachments, headers, received_at
):
    """Store one inbound mail with its attachments (`ArrivedFile`s); a webhook retried by the
    provider is stored once."""
    arrived_subject, subject = subject, one_line(subject)
    text = text.replace("\0", "")  # PostgreSQL's text cannot hold NUL
    dedupe_key = f"in:{esp_name}:{provider_id or mail_digest(sender, recipients, subject, headers, text)}"[
        :120
    ]
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    project, contact = match(recipients, sender)
    from_new_person = project is not None and contact is None and not is_colleague(sender)
    try:
        with removed_unless_stored() as written, transaction.atomic():
            message = Message.objects.create(
                project=project,
                direction=Message.Direction.IN,
                kind="client_mail",
                contact=contact,
                from_email=sender,
                to_email=recipients[0] if recipients else "",
                recipients="\n".join(recipients),
                subject=subject[:300],
                # Escaped as in a JSON string: NUL cannot be stored as it is.
                original_subject=json.dumps(arrived_subject, ensure_ascii=False)[1:-1]
                if subject != arrived_subject
                else "",
                body_text=text,
                from_new_person=from_new_person,
                provider_message_id=provider_id[:200],
                urgent=is_urgent(subject, headers),
                dedupe_key=dedupe_key,
                state=Message.State.RECEIVED,
                created_at=received_at,
                send_after=None,
            )
            Attachment.objects.bulk_create(store_files(message, attachments, written))
            if project and (contact or from_new_person):
                client_wrote(message)
    except IntegrityError:  # the same retry arriving twice at once: the other copy won
        return None
    if project is None:
        logger.warning("Inbound mail from %s matched no project; it waits in the unmatched inbox.", sender)
    return message


@contextlib.contextmanager
def removed_unless_stored():
    """Files written to storage while a mail is stored, deleted again if it is not (the database
    rolls back; storage does not)."""
    written = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def store_files(message, files, written):
    """Each attachment's file in the default storage, and its row (not yet saved)."""
    rows = []
    for position, arrived in enumerate(files, start=1):
        attachment = Attachment(
            message=message,
            position=position,
            name=arrived.name[:255],
            content_type=arrived.content_type[:100],
            size=len(arrived.content),
        )
        attachment.file.save(storage_name(arrived.name), ContentFile(arrived.content), save=False)
        written.append(attachment.file.name)
        rows.append(attachment)
    return rows


def storage_name(name):
    """The client's file name made safe for storage; the row keeps it as they wrote it."""
    try:
        return get_valid_filename(name)
    except SuspiciousFileOperation:
        return "file"


@transaction.atomic
def assign_inbound(message):
    """An admin put unmatched mail on its project: it counts as the client writing, and when the
    sender is one of the client's contacts the response clock starts from its arrival."""
    project = message.project
    message.contact = (
        message.contact
        or Contact.objects.filter(client=project.client, email__iexact=message.from_email).first()
    )
    message.save(update_fields=["contact"])
    if message.contact and message.contact.client_id == project.client_id:
        client_wrote(message)


def client_wrote(message):
    """A client's message on its project, by mail or in chat: the project is no longer quiet, and
    the response clock starts from its arrival."""
    record_client_message(message.project, at=message.created_at)
    start_response_clock(message)
