"""A local HTTP server that answers like Slack's Web API, for the official `slack_sdk.WebClient`
pointed at it by base URL: `chat.postMessage`, `conversations.history` and `conversations.replies`
(with message metadata), and `users.info`, with their real request and answer shapes (a form or
JSON body, a Bearer token, `{"ok": false, "error": ...}` on a refusal, 429 with Retry-After).

    with FakeSlack(token="xoxb-test") as slack:
        slack.add_channel("C0HARBOUR")
        slack.add_user("U0CLIENT", email="mia@harbourfinch.example")
        slack.fail_next("chat.postMessage", RateLimited(30))
"""

import json
import time
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qs

from tests.comms.fake_provider import ANSWER_TOO_LATE, RESET_AFTER_READING, FakeProvider

__all__ = ["ANSWER_TOO_LATE", "RESET_AFTER_READING", "FakeSlack", "RateLimited", "Refusal", "ServerError"]


@dataclass(frozen=True)
class RateLimited:
    """HTTP 429 with Retry-After, as Slack answers a method called too often; nothing is posted."""

    retry_after: int = 30


@dataclass(frozen=True)
class ServerError:
    """HTTP 5xx; with `posted`, Slack had posted the message before it failed to answer."""

    status: int = 500
    posted: bool = False


@dataclass(frozen=True)
class Refusal:
    """HTTP 200 with ok:false and Slack's error code (channel_not_found, not_in_channel, ...)."""

    error: str


class Answer(dict):
    """A JSON answer with extra response headers."""

    def __init__(self, body, headers):
        super().__init__(body)
        self.headers = headers


class FakeSlack(FakeProvider):
    def __init__(self, *, token="xoxb-test-token", **kwargs):
        super().__init__(**kwargs)
        self.token = token
        self.url = f"http://127.0.0.1:{self.port}/api/"
        self.channels = {}  # channel → its messages, oldest first (a thread's replies too)
        self.users = {}
        self.faults = defaultdict(list)  # method → the faults its next calls meet, in order
        self.last_ts = 0.0

    # --- What a test sets up and reads -----------------------------------------------------

    def add_channel(self, channel_id):
        """A channel the bot is in: posts to any other are refused with channel_not_found."""
        with self.changed:
            self.channels.setdefault(channel_id, [])

    def add_user(self, user_id, *, email, name="", is_bot=False):
        """A workspace member `users.info` describes (inbound chat matches them by email)."""
        name = name or email.partition("@")[0]
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "real_name": name,
            "deleted": False,
            "is_bot": is_bot,
            "profile": {"email": email, "real_name": name, "display_name": name},
        }

    def fail_next(self, method, fault, times=1):
        """The next `times` calls of `method` (e.g. "chat.postMessage") meet `fault`: a
        RateLimited, ServerError or Refusal, or one of the network faults ANSWER_TOO_LATE and
        RESET_AFTER_READING (the message is posted, and then the answer is lost)."""
        with self.changed:
            self.faults[method].extend([fault] * times)

    @staticmethod
    def our_id(message):
        return ((message.get("metadata") or {}).get("event_payload") or {}).get("dedupe_key")

    def posts(self, channel):
        with self.changed:
            return list(self.channels[channel])

    # --- Serving -------------------------------------------------------------------------------

    def answer(self, request, method, path, query, body):
        api_method = path.removeprefix("/api/")
        params = {key: values[0] for key, values in query.items()}
        params.update(self.body_params(request, body))
        authorization = request.headers.get("Authorization") or ""
        token = (
            authorization.removeprefix("Bearer ")
            if authorization.startswith("Bearer ")
            else params.get("token")
        )
        if not token:
            return 200, {"ok": False, "error": "not_authed"}
        if token != self.token:
            return 200, {"ok": False, "error": "invalid_auth"}
        handler = {
            "chat.postMessage": self.post_message,
            "conversations.history": self.history,
            "conversations.replies": self.replies_in_thread,
            "users.info": self.user_info,
        }.get(api_method)
        if handler is None:
            return 404, {"ok": False, "error": "unknown_method"}
        return handler(params, self.next_fault(api_method))

    @staticmethod
    def body_params(request, body):
        if not body:
            return {}
        if (request.headers.get("Content-Type") or "").startswith("application/json"):
            return json.loads(body)
        return {key: values[0] for key, values in parse_qs(body.decode()).items()}

    def next_fault(self, method):
        with self.changed:
            return self.faults[method].pop(0) if self.faults[method] else None

    def refused(self, fault):
        """The answer a fault gives instead of the method's, or None."""
        if isinstance(fault, RateLimited):
            return 429, Answer({"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)})
        if isinstance(fault, ServerError):
            return fault.status, {"ok": False, "error": "internal_error"}
        if isinstance(fault, Refusal):
            return 200, {"ok": False, "error": fault.error}
        return None

    def post_message(self, params, fault):
        self.requests.append(params)
        refused = self.refused(fault)
        if refused and not (isinstance(fault, ServerError) and fault.posted):
            return refused
        if params.get("channel") not in self.channels:
            return 200, {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not params.get("blocks"):
            return 200, {"ok": False, "error": "no_text"}
        metadata = params.get("metadata")
        posted = {
            "type": "message",
            "subtype": "bot_message",
            "text": params["text"],
            "ts": self.next_ts(),
            "bot_id": "B0FAKEBOT",
            "app_id": "A0FAKEAPP",
            **({"thread_ts": params["thread_ts"]} if params.get("thread_ts") else {}),
            **(
                {"metadata": json.loads(metadata) if isinstance(metadata, str) else metadata}
                if metadata
                else {}
            ),
        }
        with self.changed:
            self.channels[params["channel"]].append(posted)
            self.accepted.append(posted)
            self.changed.notify_all()
        if refused:
            return refused
        if fault in (ANSWER_TOO_LATE, RESET_AFTER_READING):
            return None, fault
        return 200, {"ok": True, "channel": params["channel"], "ts": posted["ts"], "message": posted}

    def say(self, channel, text, *, user, thread_ts=None):
        """A person's message in a channel, as its history lists it; returns its ts."""
        posted = {"type": "message", "user": user, "text": text, "ts": self.next_ts()}
        if thread_ts:
            posted["thread_ts"] = thread_ts
        with self.changed:
            self.channels[channel].append(posted)
        return posted["ts"]

    def next_ts(self):
        """A message's ts: the time with microseconds, unique in the workspace, as Slack's are."""
        with self.changed:
            self.last_ts = max(time.time(), self.last_ts + 0.000001)
            return f"{self.last_ts:.6f}"

    def history(self, params, fault):
        """The channel's top-level messages (a thread's replies are not listed), newest first."""
        return self.listed(params, fault, lambda m: m.get("thread_ts") in (None, m["ts"]), newest_first=True)

    def replies_in_thread(self, params, fault):
        """A thread: its parent, then its replies, oldest first."""
        ts = params.get("ts")
        return self.listed(params, fault, lambda m: ts in (m["ts"], m.get("thread_ts")), newest_first=False)

    def listed(self, params, fault, listed, *, newest_first):
        self.searches.append(params)
        refused = self.refused(fault)
        if refused:
            return refused
        if fault in (ANSWER_TOO_LATE, RESET_AFTER_READING):
            return None, fault
        channel = params.get("channel")
        if channel not in self.channels:
            return 200, {"ok": False, "error": "channel_not_found"}
        oldest = float(params.get("oldest") or 0)
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        with self.changed:
            found = [m for m in self.channels[channel] if listed(m) and float(m["ts"]) > oldest]
        if newest_first:
            found.reverse()
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = found[start : start + limit]
        more = start + limit < len(found)
        if not with_metadata:
            page = [{key: value for key, value in m.items() if key != "metadata"} for m in page]
        return 200, {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def user_info(self, params, fault):
        refused = self.refused(fault)
        if refused:
            return refused
        user = self.users.get(params.get("user"))
        if user is None:
            return 200, {"ok": False, "error": "user_not_found"}
        return 200, {"ok": True, "user": user}

    def respond(self, request, status, reply):
        data = json.dumps(reply).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json; charset=utf-8")
            for name, value in getattr(reply, "headers", {}).items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except OSError:
            pass  # the client is gone: what Slack posted stays posted
