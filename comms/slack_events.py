"""Slack's Events API at /hooks/slack/events/: a client's message in a project's shared channel is
client mail too (stored once, on its project, and the response clock starts), and a team member's
message in the channel or its thread answers what waits there. Every request is checked with the
signing secret and its timestamp age (slack-sdk's verifier) before anything is read; without a
secret Slack is not connected here. Slack gives up on an answer after 3 seconds and sends the event
again (X-Slack-Retry-Num), so the work here is small and a repeated event is stored once."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.signature import SignatureVerifier

from comms.inbound import client_wrote
from comms.models import Channel, MalformedWebhook, Message
from comms.responses import is_urgent, meet_in_chat
from projects.header_text import fold_to_line
from projects.models import Contact, Phase, Project

logger = logging.getLogger(__name__)

# A person's message, a reply in a thread shown in the channel too, and a message with a file; not
# edits, deletions, joins or bots.
READ_SUBTYPES = {None, "thread_broadcast", "file_share"}
# Who a Slack user is changes rarely, and each event waits on the answer.
PERSON_CACHED_FOR = dt.timedelta(hours=1)
# Seconds for users.info: Slack itself waits 3 seconds for our answer.
LOOKUP_TIMEOUT = 2
SUBJECT_LENGTH = 80


@dataclass(frozen=True)
class Person:
    """A Slack user as users.info describes them: their email ("" when Slack does not show it) and
    whether they are a full member of our own workspace (a colleague, even without an account
    here) rather than someone from the client's workspace or a guest in ours."""

    email: str
    ours: bool


class SlackUnavailable(Exception):
    """users.info did not answer: the event is answered with an error so Slack sends it again."""


@csrf_exempt
@require_POST
def slack_events(request):
    if not settings.SLACK_SIGNING_SECRET:
        raise Http404("Slack is not connected on this server.")
    body = request.body
    if not signed_by_slack(body, request.headers):
        logger.warning("A Slack event without a valid, recent signature was refused.")
        return JsonResponse(
            {"error": "The request is not signed by Slack, or was signed more than 5 minutes ago."},
            status=401,
        )
    try:
        payload = json.loads(body)
        if payload["type"] == "url_verification":
            return JsonResponse({"challenge": payload["challenge"]})
        if payload["type"] == "event_callback":
            receive(payload["event"], workspace=payload.get("team_id", ""))
    except SlackUnavailable:
        return JsonResponse({"error": "Slack's users.info did not answer; send the event again."}, status=503)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        # Signed by Slack, so what it said is kept for inspection.
        MalformedWebhook.objects.create(
            provider="slack",
            body=body.decode("utf-8", errors="replace"),
            error=repr(error),
            received_at=timezone.now(),
        )
        logger.warning("Malformed Slack event kept for inspection: %r", error)
        return JsonResponse(
            {"error": "The event could not be read; it has been kept for inspection."}, status=400
        )
    return HttpResponse(status=200)


def signed_by_slack(body, headers):
    try:
        return SignatureVerifier(settings.SLACK_SIGNING_SECRET).is_valid_request(body, headers)
    except ValueError:  # a timestamp that is not a number
        return False


def receive(event, *, workspace):
    """One message event: a client's message is stored, a team member's answers the channel's."""
    if event["type"] != "message" or event.get("subtype") not in READ_SUBTYPES:
        return
    if event.get("bot_id") or not event.get("user"):
        return
    channel, ts = event["channel"], event["ts"]
    at = dt.datetime.fromtimestamp(float(ts), tz=dt.UTC)
    thread = event.get("thread_ts", "") if event.get("thread_ts") != ts else ""
    dedupe_key = f"slack:{channel}:{ts}"
    project = project_in(channel)
    if project is None or Message.objects.filter(dedupe_key=dedupe_key).exists():
        return
    person = who_is(event["user"], workspace=workspace)
    if not person.email:
        logger.warning("Slack user %s wrote in %s but Slack shows no email for them.", event["user"], channel)
        return
    colleague = get_user_model().objects.filter(email__iexact=person.email).order_by("-is_active").first()
    if colleague is not None and colleague.is_active:
        name = colleague.get_full_name() or colleague.get_username()
        meet_in_chat(project, channel, at=at, thread=thread, note=f"Answered in Slack by {name}")
        return
    contact = Contact.objects.filter(client=project.client, email__iexact=person.email).first()
    if contact is None and (colleague is not None or person.ours):
        return  # a former colleague, or one without an account here: not a new person at the client
    text = event.get("text") or ""
    store_chat_message(
        project,
        contact=contact,
        sender=person.email,
        channel=channel,
        ts=ts,
        thread=thread,
        text=text.replace("\0", ""),  # PostgreSQL's text cannot hold NUL
        at=at,
        dedupe_key=dedupe_key,
    )


def project_in(channel):
    """The project whose shared Slack channel this is: an open one before a closed one."""
    projects = Project.objects.filter(slack_channel=channel).select_related("client")
    return (
        projects.exclude(phase=Phase.CLOSED).order_by("-created_at").first()
        or projects.order_by("-created_at").first()
    )


def who_is(user_id, *, workspace):
    """The Slack user's email and workspace, from users.info through the official client, kept in
    the cache for a while."""
    key = f"slack:person:{user_id}"
    known = cache.get(key)
    if known is None:
        # No retries of its own: Slack sends the event again if this one fails.
        client = WebClient(
            token=settings.SLACK_BOT_TOKEN,
            base_url=settings.SLACK_API_URL,
            timeout=LOOKUP_TIMEOUT,
            retry_handlers=[],
        )
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            if error.response.get("error") != "user_not_found":
                logger.error("Slack's users.info refused %s: %s", user_id, error.response.get("error"))
                raise SlackUnavailable from error
            user = {}
        except (SlackClientError, OSError, http.client.HTTPException) as error:
            logger.error("Slack's users.info did not answer for %s: %r", user_id, error)
            raise SlackUnavailable from error
        guest = user.get("is_restricted") or user.get("is_ultra_restricted")
        known = {
            "email": (user.get("profile") or {}).get("email") or "",
            "ours": bool(user) and user.get("team_id") == workspace and not guest,
        }
        cache.set(key, known, PERSON_CACHED_FOR.total_seconds())
    return Person(**known)


def store_chat_message(project, *, contact, sender, channel, ts, thread, text, at, dedupe_key):
    """A client's chat message in the record, once however often Slack delivers it; a person who is
    not yet one of the client's contacts is a new person at the client, as in mail."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    subject = Truncator(fold_to_line(first_line)).chars(SUBJECT_LENGTH) or "(no text)"
    try:
        with transaction.atomic():
            message = Message.objects.create(
                project=project,
                direction=Message.Direction.IN,
                kind="client_mail",
                channel=Channel.CHAT,
                destination=channel,
                contact=contact,
                from_email=sender,
                subject=subject,
                body_text=text,
                from_new_person=contact is None,
                provider_message_id=ts,
                in_reply_to=thread,
                # A chat message has no subject line: the whole of it says whether it is urgent.
                urgent=is_urgent(text),
                dedupe_key=dedupe_key,
                state=Message.State.RECEIVED,
                created_at=at,
                send_after=None,
            )
            client_wrote(message)
    except IntegrityError:  # the same event delivered twice at once: the other copy won
        return None
    return message


# Included at /hooks/slack/events/ (config/urls.py).
urlpatterns = [path("", slack_events, name="slack_events")]
