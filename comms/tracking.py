"""Delivery tracking: Anymail's tracking webhook (protected by its shared secret) reports what
happened to each message; a bounce flags the contact and tells the owner, and so does a contact who
marks our mail as spam or unsubscribes (they get no more routine mail)."""

from anymail.signals import tracking
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comms.models import Message
from comms.outbox import flag_bounced_contact, owner_alert, queue_messages
from projects.team_language import speaking_to_member

STATES = {
    "queued": Message.State.SENT,
    "sent": Message.State.SENT,
    "delivered": Message.State.DELIVERED,
    "bounced": Message.State.BOUNCED,
    "rejected": Message.State.BOUNCED,
    "failed": Message.State.FAILED,
}
# The contact asked for no more mail: routine updates stop; the message itself was delivered.
# What the owner is told: (subject, first sentence).
OPTED_OUT = {
    "complained": (
        gettext_lazy("%(person)s marked our mail as spam"),
        gettext_lazy("%(person)s (%(address)s) marked our mail as spam on “%(subject)s”."),
    ),
    "unsubscribed": (
        gettext_lazy("%(person)s unsubscribed"),
        gettext_lazy("%(person)s (%(address)s) unsubscribed on “%(subject)s”."),
    ),
}
# A later report never moves a message back (a late "sent" after "delivered").
RANK = {Message.State.SENT: 1, Message.State.DELIVERED: 2, Message.State.BOUNCED: 3, Message.State.FAILED: 3}


@receiver(tracking, dispatch_uid="comms.tracking.record_delivery_event")
def record_delivery_event(sender, event, esp_name, **kwargs):
    if event.event_type in OPTED_OUT and event.message_id:
        opted_out(event, OPTED_OUT[event.event_type])
        return
    state = STATES.get(event.event_type)
    if state is None or not event.message_id:
        return
    when = event.timestamp or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("project__owner__member_settings", "contact")
            .filter(provider_message_id=event.message_id, to_email__iexact=event.recipient or "")
            .first()
        )
        if message is None or RANK.get(message.state, 0) >= RANK[state]:
            return
        message.state = state
        if state == Message.State.DELIVERED:
            message.delivered_at = when
        else:
            message.error = event.description or event.mta_response or event.event_type
        message.save(update_fields=["state", "delivered_at", "error"])
        if state in (Message.State.BOUNCED, Message.State.FAILED) and message.contact:
            flag_bounced_contact(message, when)


@transaction.atomic
def opted_out(event, what):
    message = (
        Message.objects.select_related("project__owner__member_settings", "contact")
        .filter(provider_message_id=event.message_id, to_email__iexact=event.recipient or "")
        .first()
    )
    if message is None or message.contact is None or not message.contact.receives_updates:
        return
    message.contact.receives_updates = False
    message.contact.save(update_fields=["receives_updates"])
    if message.project:
        subject, did = what
        with speaking_to_member(message.project.owner):
            values = {"person": message.contact.name, "address": message.to_email, "subject": message.subject}
            alert = owner_alert(
                message.project,
                subject=subject % values,
                body=f"{did % values} "
                + _(
                    "They get no more routine updates; talk to them, and tick “receives updates” again "
                    "only if they ask."
                ),
                key=f"opted-out:{message.pk}",
                now=event.timestamp or timezone.now(),
            )
        queue_messages([alert])
