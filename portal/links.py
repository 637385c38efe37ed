"""Personal sign-in links for client contacts, signed and time-stamped with Django's own signing
(contacts are not auth users, so a user-based link library does not fit): a link names its contact
and when it was issued, and opens nothing once expired or once the contact's access was revoked."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from comms.models import Message
from projects.models import Contact, UsedPortalLink

LINK_SALT = "client-portal-link"
COOKIE = "client_portal"  # a cookie of its own: the portal never shares the team's session
COOKIE_SALT = "client-portal-session"
SESSION_AGE = dt.timedelta(days=1)


class LinkRefused(Exception):
    """Expired, tampered with, or revoked: the visitor is asked to request a new link."""


SINGLE_USE_AGE = dt.timedelta(minutes=15)


def link_token(contact, *, now=None, single_use=False):
    payload = {"contact": contact.pk, "issued": (now or timezone.now()).timestamp()}
    if single_use:
        payload["once"] = secrets.token_hex(16)
    return signing.dumps(payload, salt=LINK_SALT, compress=True)


def contact_for_link(token):
    """The contact a link opens the portal for; LinkRefused otherwise. A link asked for on the
    "send me a link" page works once, within 15 minutes; one from an update email, for 14 days."""
    try:
        once = signing.loads(token, salt=LINK_SALT).get("once")
    except (signing.BadSignature, AttributeError):
        raise LinkRefused from None
    max_age = SINGLE_USE_AGE if once else dt.timedelta(days=settings.PORTAL_LINK_DAYS)
    contact = _contact(token, salt=LINK_SALT, max_age=max_age)
    if once:
        try:
            with transaction.atomic():
                UsedPortalLink.objects.create(nonce=once)
        except IntegrityError:
            raise LinkRefused from None
    return contact


def session_value(contact):
    return signing.dumps({"contact": contact.pk, "issued": timezone.now().timestamp()}, salt=COOKIE_SALT)


def contact_for_session(value):
    try:
        return _contact(value or "", salt=COOKIE_SALT, max_age=SESSION_AGE)
    except LinkRefused:
        return None


def _contact(value, *, salt, max_age):
    try:
        payload = signing.loads(value, salt=salt, max_age=max_age)
        contact_id, issued = payload["contact"], dt.datetime.fromtimestamp(payload["issued"], tz=dt.UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused from None
    contact = Contact.objects.select_related("client").filter(pk=contact_id, portal_access=True).first()
    if contact is None or (contact.portal_revoked_at and issued <= contact.portal_revoked_at):
        raise LinkRefused  # revoking kills every link and session issued before it
    return contact


def portal_url(contact, *, now=None):
    """The read-only link carried in every update email: it opens only this contact's portal."""
    return settings.SITE_URL.rstrip("/") + reverse("portal:open_link", args=[link_token(contact, now=now)])


REQUESTS_PER_ADDRESS = 3  # per hour
REQUESTS_PER_IP = 10  # per hour
RATE_WINDOW = 3600


def within_rate(key, limit):
    """Count a request against `key` for the hour; False once the limit is passed."""
    cache.add(key, 0, RATE_WINDOW)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        return True


def send_sign_in_link(email, *, now):
    """Mail a single-use link to each contact with portal access at this address. Says nothing of
    whether there was one: the page answers the same either way."""
    from comms.outbox import queue_messages

    messages = []
    for contact in Contact.objects.filter(email__iexact=email, portal_access=True).select_related("client"):
        link = settings.SITE_URL.rstrip("/") + reverse(
            "portal:open_link", args=[link_token(contact, now=now, single_use=True)]
        )
        messages.append(
            Message(
                kind="portal_link",
                contact=contact,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to_email=contact.email,
                subject="Your link to your project status",
                body_text=f"Hello {contact.name},\n\nOpen your project status for {contact.client.name} here "
                f"(the link works once, for 15 minutes):\n{link}\n\nIf you did not ask for it, ignore this email.",
                dedupe_key=f"portal-link:{contact.pk}:{now.timestamp()}",
                created_at=now,
                send_after=now,
            )
        )
    queue_messages(messages)


CALENDAR_SALT = "client-portal-calendar"


def calendar_token(contact, *, now=None):
    """A feed address for calendar apps, which carry no cookies: it lasts until access is revoked."""
    return signing.dumps(
        {"contact": contact.pk, "issued": (now or timezone.now()).timestamp()}, salt=CALENDAR_SALT
    )


def contact_for_calendar(token):
    return _contact(token, salt=CALENDAR_SALT, max_age=None)
