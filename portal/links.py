"""The portal's "send me a link" page: a single-use sign-in link by mail, within a rate limit per
address and per network address (both in the organisation settings)."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext, ngettext

from comms.models import Message
from comms.outbox import queue_messages
from portal.language import speaking_to
from projects.models import Contact, OrganisationSettings
from projects.portal_access import portal_url

RATE_WINDOW = 3600


def within_rate(key, limit):
    """Count a request against `key` for the hour; False once the limit is passed."""
    cache.add(key, 0, RATE_WINDOW)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        return True


def within_request_limits(*, email, ip):
    """Count a "send me a link" request against its network address and its email address; False
    once either has passed the hourly limit the organisation settings give."""
    organisation = OrganisationSettings.current()
    return within_rate(f"portal-link:ip:{ip}", organisation.link_requests_per_ip) and within_rate(
        f"portal-link:email:{email}", organisation.link_requests_per_address
    )


def send_sign_in_link(email, *, now):
    """Mail a single-use link to each contact with portal access at this address, in the contact's
    language. Says nothing of whether there was one: the page answers the same either way."""
    organisation = OrganisationSettings.current()
    messages = []
    for contact in Contact.objects.filter(email__iexact=email, portal_access=True).select_related("client"):
        link = portal_url(contact, now=now, single_use=True)
        with speaking_to(contact, organisation):
            subject, body = link_mail(contact, link, organisation.single_use_link_minutes)
        messages.append(
            Message(
                kind="portal_link",
                contact=contact,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to_email=contact.email,
                subject=subject,
                body_text=body,
                dedupe_key=f"portal-link:{contact.pk}:{now.timestamp()}",
                created_at=now,
                send_after=now,
            )
        )
    queue_messages(messages)


def link_mail(contact, link, minutes):
    """The subject and the body of the mail, in the active language."""
    lasts = ngettext(
        "the link works once, for %(minutes)s minute",
        "the link works once, for %(minutes)s minutes",
        minutes,
    ) % {"minutes": minutes}
    body = gettext(
        "Hello %(name)s,\n\n"
        "Open your project status for %(client)s here (%(lasts)s):\n%(link)s\n\n"
        "If you did not ask for it, ignore this email."
    ) % {"name": contact.name, "client": contact.client.name, "lasts": lasts, "link": link}
    return gettext("Your link to your project status"), body
