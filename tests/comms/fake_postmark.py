"""A local HTTP server that answers like Postmark's API, for Anymail's real backend: `POST /email`
and the outbound message search `GET /messages/outbound`, with their real request and answer shapes."""

import datetime as dt
import json
import uuid
from email.utils import getaddresses

from tests.comms.fake_provider import ANSWER_TOO_LATE, RESET_AFTER_READING, FakeProvider

__all__ = ["ANSWER_TOO_LATE", "RESET_AFTER_READING", "FakePostmark"]


class FakePostmark(FakeProvider):
    def __init__(self, *, token=None, **kwargs):
        super().__init__(**kwargs)
        self.token = token  # when set, requests with another server token are refused like Postmark does
        self.url = f"http://127.0.0.1:{self.port}/"

    @staticmethod
    def our_id(message):
        return (message.get("Metadata") or {}).get("message_id")

    def answer(self, request, method, path, query, body):
        token = request.headers.get("X-Postmark-Server-Token")
        if not token or (self.token and token != self.token):
            return 401, {
                "ErrorCode": 10,
                "Message": "The Server Token you provided in the X-Postmark-Server-Token request header was invalid.",
            }
        if method == "POST" and path == "/email":
            return self.send(json.loads(body), token)
        if method == "GET" and path == "/messages/outbound":
            return self.search(query)
        return 404, {"ErrorCode": 404, "Message": "Not found."}

    def send(self, payload, token):
        self.requests.append({"path": "/email", "token": token, **payload})
        reply = self.next_reply()
        if isinstance(reply, tuple) and reply[1] is not None:
            return reply  # an error the test lined up: the provider does not take the message
        message_id = str(uuid.uuid4())
        received = dt.datetime.now(dt.UTC)
        recipients = [address for _, address in getaddresses([payload.get("To", "")])]
        self.accept(
            {
                "Tag": payload.get("Tag", ""),
                "MessageID": message_id,
                "MessageStream": payload.get("MessageStream", "outbound"),
                "To": [{"Email": address, "Name": None} for address in recipients],
                "Cc": [],
                "Bcc": [],
                "Recipients": recipients,
                "ReceivedAt": received.isoformat(),
                "From": payload.get("From", ""),
                "Subject": payload.get("Subject", ""),
                "Attachments": [],
                "Status": "Sent",
                "TrackOpens": False,
                "TrackLinks": "None",
                "Metadata": payload.get("Metadata") or {},
                "Sandboxed": False,
            }
        )
        if reply in (ANSWER_TOO_LATE, RESET_AFTER_READING):
            return None, reply
        return reply[0] if reply else 200, {
            "To": payload["To"],
            "SubmittedAt": received.isoformat(),
            "MessageID": message_id,
            "ErrorCode": 0,
            "Message": "OK",
        }

    def search(self, query):
        self.searches.append({key: values[0] for key, values in query.items()})
        if self.search_replies:
            return self.search_replies.pop(0)
        if "count" not in query or "offset" not in query:
            return 422, {"ErrorCode": 1203, "Message": "The 'count' and 'offset' parameters are required."}
        count, offset = int(query["count"][0]), int(query["offset"][0])
        wanted = {
            key.removeprefix("metadata_"): values[0]
            for key, values in query.items()
            if key.startswith("metadata_")
        }
        recipient = query.get("recipient", [None])[0]
        with self.changed:
            found = [
                message
                for message in reversed(self.accepted)  # newest first, as Postmark lists them
                if all(message["Metadata"].get(key) == value for key, value in wanted.items())
                and (recipient is None or recipient.lower() in (r.lower() for r in message["Recipients"]))
            ]
        return 200, {"TotalCount": len(found), "Messages": found[offset : offset + count]}
