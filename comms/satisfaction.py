"""The client's voice, asked: one question, "how satisfied are you with how we have worked with
you?", scored 1 to 5, in the day-30 check-in and (when the organisation settings say so) in each
phase-change notice, as five links in the email (`comms.autopilot.client_messages`) and on the portal.

The links are signed like portal links (`projects.portal_access`) and last as long as the portal
link beside them. Opening one records nothing: mail scanners open links too, so only the button on
the page it opens (a POST) records the score (escalations/satisfaction.py acts on it)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from projects.models import OrganisationSettings
from projects.portal_access import LinkRefused, _opened

from .models import SatisfactionAnswer, SatisfactionAsk, Update

QUESTION = SatisfactionAsk.QUESTION
SCORES = dict(SatisfactionAnswer.Score.choices)
CHECKIN_DAY = 30
LINK_SALT = "client-satisfaction-link"


# --- Asking ------------------------------------------------------------------------------------


def occasion_of(update):
    """(occasion, phase that ended) when this update asks the question, else None."""
    composed = update.composed_with or {}
    if update.kind == "post_launch_checkin" and composed.get("day") == CHECKIN_DAY:
        return SatisfactionAsk.Occasion.DAY_30, ""
    ended = (composed.get("change") or {}).get("from_phase")
    if update.kind == "phase_notice" and ended and OrganisationSettings.current().satisfaction_at_phase_end:
        return SatisfactionAsk.Occasion.PHASE_END, ended
    return None


def email_links(update, contact, *, now=None):
    """The five one-click links (score, address) for this contact's copy of the update, or none
    when it does not ask. The ask is kept with the email; it counts once the update is sent, so a
    preview of a draft that is never sent asks nobody. Like the portal link, none for a contact
    whose portal access was revoked."""
    if update.pk is None or contact.pk is None or not contact.portal_access:
        return []
    occasion = occasion_of(update)
    if occasion is None:
        return []
    now = now or timezone.now()
    ask, _ = SatisfactionAsk.objects.update_or_create(
        update=update,
        contact=contact,
        defaults={"asked_at": now},
        create_defaults={
            "project_id": update.project_id,
            "occasion": occasion[0],
            "phase": occasion[1],
            "asked_at": now,
        },
    )
    return [(score, link_url(ask, score, now=now)) for score in SCORES]


def link_token(ask, score, *, now=None):
    payload = {
        "contact": ask.contact_id,
        "issued": (now or timezone.now()).timestamp(),
        "ask": ask.pk,
        "score": score,
    }
    return signing.dumps(payload, salt=LINK_SALT, compress=True)


def link_url(ask, score, *, now=None):
    token = link_token(ask, score, now=now)
    return settings.SITE_URL.rstrip("/") + reverse("portal:satisfaction", args=[token])


def opened(token):
    """(ask, score) a link answers; LinkRefused once it is expired, tampered with, issued before
    the contact's access was revoked, or names an update that was never sent."""
    max_age = OrganisationSettings.current().portal_link_age
    contact, payload = _opened(token, salt=LINK_SALT, max_age=max_age)
    score = payload.get("score")
    ask = (
        SatisfactionAsk.objects.select_related("project", "contact__client__calendar")
        .filter(pk=payload.get("ask"), contact=contact, update__state=Update.State.SENT)
        .first()
    )
    if ask is None or score not in SCORES:
        raise LinkRefused
    return ask, score


def open_ask(project, contact, *, now):
    """The contact's latest unanswered ask on the project, while its links still work."""
    since = now - OrganisationSettings.current().portal_link_age
    return (
        SatisfactionAsk.objects.filter(
            project=project,
            contact=contact,
            update__state=Update.State.SENT,
            asked_at__gte=since,
            answer__isnull=True,
        )
        .select_related("project")
        .first()
    )
