"""Chat through Slack's Web API with the official client: a chat row is posted to its channel
(`chat.postMessage`, in the thread it answers), and each post carries the row's dedupe key as
message metadata, so a post whose outcome is unknown can be looked up in the channel's history
before it is sent again.

The client's own retries are off: it would repeat a post after a reset connection without asking
Slack first. The outbox retries instead, looking the message up when it may have got through.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import socket
from urllib.error import URLError

from django.conf import settings
from django.utils.crypto import salted_hmac
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from comms.carriers import Refused, TryLater
from comms.providers import SearchFailed

EVENT_TYPE = "portal_message"
# History is read from a little before the attempt began: the two clocks may differ.
LOOK_BACK = dt.timedelta(minutes=2)
HISTORY_PAGE = 200

# Slack's answers that say "not now" rather than "no": its own words for a 429 or a 5xx. After
# an internal or fatal error Slack may have posted the message all the same.
BUSY = {"ratelimited", "service_unavailable", "request_timeout"}
IN_DOUBT = {"internal_error", "fatal_error"}
REFUSALS = {
    "channel_not_found": "the project's Slack channel does not exist or the bot cannot see it",
    "not_in_channel": "the bot is not a member of the project's Slack channel (invite it there)",
    "is_archived": "the project's Slack channel is archived",
    "invalid_auth": "the Slack bot token is not valid",
    "not_authed": "no Slack bot token was sent",
    "token_revoked": "the Slack bot token was revoked",
    "account_inactive": "the Slack bot token belongs to a deactivated app or user",
    "missing_scope": "the Slack bot token lacks the chat:write scope",
    "msg_too_long": "the message is too long for Slack",
    "no_text": "the message is empty",
    "thread_not_found": "the Slack thread it answers no longer exists",
    "restricted_action": "the workspace does not let the bot post in that channel",
}
SLACK_ERROR_CODE = re.compile(r"[a-z_]+")


class SlackCarrier:
    name = "Slack"
    # Slack's history shows a message as soon as it is posted; a few seconds cover the clocks.
    search_delay = dt.timedelta(seconds=10)

    def __init__(self):
        self.client = WebClient(
            token=settings.SLACK_BOT_TOKEN,
            base_url=settings.SLACK_API_URL,
            timeout=settings.CHANNEL_REQUEST_TIMEOUT,
            retry_handlers=[],
        )
        if settings.PROVIDER_SEARCH_DELAY is not None:
            self.search_delay = settings.PROVIDER_SEARCH_DELAY

    def send(self, message):
        """Post the row; returns the message's `ts`, Slack's id for it."""
        try:
            answer = self.client.chat_postMessage(
                channel=message.destination,
                text=escaped(message.body_text),
                thread_ts=message.in_reply_to or None,
                metadata={"event_type": EVENT_TYPE, "event_payload": marks(message)},
            )
        except SlackApiError as error:
            raise not_posted(error) from error
        except (OSError, http.client.HTTPException) as error:
            raise TryLater(no_answer(error), outcome_unknown=reached(error)) from error
        return answer["ts"]

    def find(self, message):
        """The `ts` of the row's post if the channel (or the thread it answers) has it, else None."""
        since = (message.last_attempt_at or message.created_at) - LOOK_BACK
        asked = {
            "channel": message.destination,
            "oldest": f"{since.timestamp():.6f}",
            "include_all_metadata": True,
            "limit": HISTORY_PAGE,
        }
        wanted = marks(message)
        try:
            if message.in_reply_to:
                pages = self.client.conversations_replies(ts=message.in_reply_to, **asked)
            else:
                pages = self.client.conversations_history(**asked)
            for page in pages:
                for posted in page.get("messages") or []:
                    metadata = posted.get("metadata") or {}
                    if metadata.get("event_type") == EVENT_TYPE and metadata.get("event_payload") == wanted:
                        return posted["ts"]
        except SlackApiError as error:
            raise SearchFailed(
                f"Slack answered {error.response.status_code}: {slack_error(error)}"
            ) from error
        except (OSError, http.client.HTTPException) as error:
            raise SearchFailed(no_answer(error)) from error
        return None


def marks(message):
    """What a post carries to be found again: the row's dedupe key, and a keyed hash of it so two
    installations posting to one workspace (staging and production) never take each other's posts."""
    check = salted_hmac("comms.slack.marks", message.dedupe_key).hexdigest()[:20]
    return {"dedupe_key": message.dedupe_key, "check": check}


def escaped(text):
    """Slack reads &, < and > as markup (<!channel> notifies everyone); the text is sent as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_error(error):
    data = error.response.data
    return data.get("error", "") if isinstance(data, dict) else ""


def not_posted(error):
    """Slack's refusal or request to wait, as the outbox takes it."""
    status, code = error.response.status_code, slack_error(error)
    if status == 429 or code in BUSY:
        return TryLater(f"busy ({status} {code or 'rate limited'})", retry_after=retry_after(error.response))
    if status >= 500 or code in IN_DOUBT:
        return TryLater(f"Slack answered {status} {code}".rstrip(), outcome_unknown=True)
    if status != 200:
        return Refused(f"Slack's address answered {status}: {code[:200]}")
    if not SLACK_ERROR_CODE.fullmatch(code):
        # A 200 that is not Slack's answer (a proxy's page, a cut-off body): the post may be there.
        return TryLater(f"unreadable answer: {code[:200]}", outcome_unknown=True)
    return Refused(f"{REFUSALS.get(code, 'Slack said no')} ({code})")


def retry_after(response):
    value = response.headers.get("Retry-After") or response.headers.get("retry-after")
    try:
        return dt.timedelta(seconds=int(value))
    except (TypeError, ValueError):
        return None


def reached(error):
    """Whether a request that failed with `error` may have reached Slack: only a connection never
    made (an unknown host, a refused or timed-out connect) says it did not."""
    if isinstance(error, URLError):
        return not isinstance(error.reason, (socket.gaierror, ConnectionRefusedError, TimeoutError))
    return True


def no_answer(error):
    reason = error.reason if isinstance(error, URLError) else error
    return f"no answer ({reason or type(reason).__name__})"
