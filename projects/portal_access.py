"""Who may open a client's portal: tokens naming a contact, signed and time-stamped with Django's
own signing (contacts are not auth users, so a user-based link library does not fit) — the personal
link in every update email, the portal's cookie and the calendar feed. A token opens nothing once
expired, tampered with, or issued before the contact's access was revoked; a cookie, nothing once
the contact has signed out."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from .models import Contact, OrganisationSettings, UsedPortalLink

LINK_SALT = "client-portal-link"
COOKIE_SALT = "client-portal-session"


class LinkRefused(Exception):
    """Expired, tampered with, or revoked: the visitor is asked to request a new link."""


def link_token(contact, *, now=None, single_use=False):
    payload = {"contact": contact.pk, "issued": (now or timezone.now()).timestamp()}
    if single_use:
        payload["once"] = secrets.token_hex(16)
    return signing.dumps(payload, salt=LINK_SALT, compress=True)


def contact_for_link(token):
    """The contact a link opens the portal for; LinkRefused otherwise. A link asked for on the
    "send me a link" page works once, within 15 minutes; one from an update email, for 14 days
    (the organisation settings may say otherwise)."""
    try:
        once = signing.loads(token, salt=LINK_SALT).get("once")
    except (signing.BadSignature, AttributeError):
        raise LinkRefused from None
    organisation = OrganisationSettings.current()
    max_age = organisation.single_use_link_age if once else organisation.portal_link_age
    contact, _ = _opened(token, salt=LINK_SALT, max_age=max_age)
    if once:
        try:
            with transaction.atomic():
                UsedPortalLink.objects.create(nonce=once)
        except IntegrityError:
            raise LinkRefused from None
    return contact


def session_value(contact):
    return signing.dumps(
        {"contact": contact.pk, "issued": timezone.now().timestamp(), "epoch": contact.portal_session_epoch},
        salt=COOKIE_SALT,
    )


def contact_for_session(value):
    """The contact a portal cookie belongs to; None once it expired, was revoked or signed out."""
    if not value:
        return None
    try:
        max_age = OrganisationSettings.current().portal_session_age
        contact, payload = _opened(value, salt=COOKIE_SALT, max_age=max_age)
    except LinkRefused:
        return None
    return contact if payload.get("epoch") == contact.portal_session_epoch else None


def end_sessions(contact):
    """Sign out: every portal session of this contact ends, on this device and any other a copy of
    the cookie went to. Their links still open a new one."""
    Contact.objects.filter(pk=contact.pk).update(portal_session_epoch=F("portal_session_epoch") + 1)


def _opened(value, *, salt, max_age):
    """The contact a signed value opens the portal for, and what else it carries."""
    try:
        payload = signing.loads(value, salt=salt, max_age=max_age)
        contact_id, issued = payload["contact"], dt.datetime.fromtimestamp(payload["issued"], tz=dt.UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused from None
    contact = Contact.objects.select_related("client").filter(pk=contact_id, portal_access=True).first()
    if contact is None or (contact.portal_revoked_at and issued <= contact.portal_revoked_at):
        raise LinkRefused  # revoking kills every link and session issued before it
    return contact, payload


def portal_url(contact, *, now=None, single_use=False):
    """The read-only link that opens only this contact's portal: carried in every update email, or
    asked for once on the portal's "send me a link" page."""
    token = link_token(contact, now=now, single_use=single_use)
    return settings.SITE_URL.rstrip("/") + reverse("portal:open_link", args=[token])


CALENDAR_SALT = "client-portal-calendar"


def calendar_token(contact, *, now=None):
    """A feed address for calendar apps, which carry no cookies: it lasts until access is revoked."""
    return signing.dumps(
        {"contact": contact.pk, "issued": (now or timezone.now()).timestamp()}, salt=CALENDAR_SALT
    )


def contact_for_calendar(token):
    contact, _ = _opened(token, salt=CALENDAR_SALT, max_age=None)
    return contact
