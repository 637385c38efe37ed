"""Client email arriving through Anymail's inbound webhook (secret-protected, any provider Anymail
parses): stored once per provider message, matched to its project by the Reply-To token, else by
the sender's contact; what matches nothing waits in the unmatched inbox for an admin."""

from __future__ import annotations

import hashlib
import logging
import re

from anymail.signals import inbound
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.dispatch import receiver
from django.utils import timezone

from comms.lifecycle import record_client_message
from comms.models import Message
from comms.responses import is_urgent, start_response_clock
from projects.models import Contact, Phase, Project

logger = logging.getLogger(__name__)
TOKEN = re.compile(r"\+([0-9a-f]{16})@", re.IGNORECASE)


@receiver(inbound, dispatch_uid="comms.inbound.receive_client_mail")
def receive_client_mail(sender, event, esp_name, **kwargs):
    mail = event.message
    recipients = [address.addr_spec for address in [*(mail.to or []), *(mail.cc or [])]]
    sender_address = mail.from_email.addr_spec if mail.from_email else ""
    provider_id = (mail.get("Message-ID") or event.event_id or "").strip()
    store_client_mail(
        esp_name=esp_name,
        provider_id=provider_id,
        sender=sender_address,
        recipients=recipients,
        subject=mail.subject or "",
        text=mail.text or "",
        attachments=[
            {"name": part.get_filename() or "unnamed", "size": len(part.get_content_bytes() or b"")}
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


def store_client_mail(
    *, esp_name, provider_id, sender, recipients, subject, text, attachments, headers, received_at
):
    """Store one inbound mail; a webhook retried by the provider is stored once."""
    dedupe_key = f"in:{esp_name}:{provider_id or mail_digest(sender, recipients, subject, headers, text)}"[
        :120
    ]
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    project, contact = match(recipients, sender)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                project=project,
                direction=Message.Direction.IN,
                kind="client_mail",
                contact=contact,
                from_email=sender,
                to_email=recipients[0] if recipients else "",
                recipients="\n".join(recipients),
                subject=subject[:300],
                body_text=text,
                attachments=attachments,
                provider_message_id=provider_id[:200],
                urgent=is_urgent(subject, headers),
                dedupe_key=dedupe_key,
                state=Message.State.RECEIVED,
                created_at=received_at,
                send_after=None,
            )
            if project and contact:
                record_client_message(project, at=received_at)
                start_response_clock(message)
    except IntegrityError:  # the same retry arriving twice at once: the other copy won
        return None
    if project is None:
        logger.warning("Inbound mail from %s matched no project; it waits in the unmatched inbox.", sender)
    return message


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
        record_client_message(project, at=message.created_at)
        start_response_clock(message)
