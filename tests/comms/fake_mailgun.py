"""A local HTTP server that answers like Mailgun's API, for Anymail's real backend: `POST
/v3/<domain>/messages` (form-encoded or multipart, basic auth `api:<key>`) and the events API `GET
/v3/<domain>/events`, with their real request and answer shapes."""

import email.parser
import email.policy
import time
import uuid
from urllib.parse import parse_qs

from tests.comms.fake_provider import ANSWER_TOO_LATE, RESET_AFTER_READING, FakeProvider

__all__ = ["ANSWER_TOO_LATE", "RESET_AFTER_READING", "FakeMailgun"]


def form_fields(content_type, body):
    """Mailgun's send fields, each a list of values, from either encoding requests may use."""
    if content_type.startswith("multipart/form-data"):
        parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        fields = {}
        for part in parsed.iter_parts():
            value = part.get_content()
            fields.setdefault(part.get_param("name", header="content-disposition"), []).append(value)
        return fields
    return parse_qs(body.decode(), keep_blank_values=True)


class FakeMailgun(FakeProvider):
    def __init__(self, *, api_key="mailgun-key", **kwargs):
        super().__init__(**kwargs)
        self.api_key = api_key
        self.url = f"http://127.0.0.1:{self.port}/v3/"

    @staticmethod
    def our_id(message):
        return message["user-variables"].get("message_id")

    def answer(self, request, method, path, query, body):
        if self.basic_auth(request) != f"api:{self.api_key}":
            return 401, "Forbidden"
        parts = path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "v3":
            return 404, {"message": "Not Found"}
        domain, endpoint = parts[1], parts[2]
        if method == "POST" and endpoint == "messages":
            return self.send(domain, form_fields(request.headers.get("Content-Type", ""), body))
        if method == "GET" and endpoint == "events":
            return self.search(domain, query)
        return 404, {"message": "Not Found"}

    def send(self, domain, fields):
        single = {key: values[0] if len(values) == 1 else values for key, values in fields.items()}
        self.requests.append({"domain": domain, **single})
        reply = self.next_reply()
        if isinstance(reply, tuple) and reply[1] is not None:
            return reply
        if "to" not in fields:
            return 400, {"message": "'to' parameter is missing"}
        # Mailgun keeps a Message-Id the sender set; otherwise it makes one.
        message_id = (single.get("h:Message-Id") or f"{time.time():.0f}.{uuid.uuid4().hex}@{domain}").strip(
            "<>"
        )
        now = time.time()
        for recipient in fields["to"]:
            self.accept(
                {
                    "event": "accepted",
                    "id": uuid.uuid4().hex,
                    "timestamp": now,
                    "log-level": "info",
                    "method": "HTTP",
                    "recipient": recipient,
                    "recipient-domain": recipient.rpartition("@")[2],
                    "tags": fields.get("o:tag", []),
                    "user-variables": {
                        key.removeprefix("v:"): value for key, value in single.items() if key.startswith("v:")
                    },
                    "envelope": {"sender": f"postmaster@{domain}", "targets": recipient, "transport": "smtp"},
                    "flags": {"is-authenticated": True, "is-test-mode": False},
                    "message": {
                        "headers": {
                            "to": recipient,
                            "message-id": message_id,
                            "from": single.get("from", ""),
                            "subject": single.get("subject", ""),
                        },
                        "attachments": [],
                        "size": sum(len(str(value)) for value in single.values()),
                    },
                    "domain": domain,
                }
            )
        if reply in (ANSWER_TOO_LATE, RESET_AFTER_READING):
            return None, reply
        return reply[0] if reply else 200, {"id": f"<{message_id}>", "message": "Queued. Thank you."}

    def search(self, domain, query):
        self.searches.append({"domain": domain, **{key: values[0] for key, values in query.items()}})
        if self.search_replies:
            return self.search_replies.pop(0)
        filters = {key: query[key][0] for key in ("message-id", "event", "recipient") if key in query}
        limit = int(query.get("limit", ["300"])[0])
        with self.changed:
            items = [
                event
                for event in self.accepted
                if event["domain"] == domain
                and filters.get("message-id", event["message"]["headers"]["message-id"])
                == event["message"]["headers"]["message-id"]
                and filters.get("event", event["event"]) == event["event"]
                and filters.get("recipient", event["recipient"]) == event["recipient"]
            ]
        if query.get("ascending", ["no"])[0] != "yes":
            items.reverse()
        page = f"http://127.0.0.1:{self.port}/v3/{domain}/events/{uuid.uuid4().hex}"
        return 200, {
            "items": [
                {key: value for key, value in event.items() if key != "domain"} for event in items[:limit]
            ],
            "paging": {"first": page, "last": page, "next": page, "previous": page},
        }
