"""Personal sign-in links for client contacts, signed and time-stamped with Django's own signing
(contacts are not auth users, so a user-based link library does not fit): a link names its contact
and when it was issued, and opens nothing once expired or once the contact's access was revoked."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from projects.models import Contact

LINK_SALT = "client-portal-link"
COOKIE = "client_portal"  # a cookie of its own: the portal never shares the team's session
COOKIE_SALT = "client-portal-session"
SESSION_AGE = dt.timedelta(days=1)


class LinkRefused(Exception):
    """Expired, tampered with, or revoked: the visitor is asked to request a new link."""


def link_token(contact, *, now=None):
    issued = (now or timezone.now()).timestamp()
    return signing.dumps({"contact": contact.pk, "issued": issued}, salt=LINK_SALT, compress=True)


def contact_for_link(token):
    """The contact a link opens the portal for; LinkRefused otherwise."""
    return _contact(token, salt=LINK_SALT, max_age=dt.timedelta(days=settings.PORTAL_LINK_DAYS))


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
