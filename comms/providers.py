"""Asking the mail provider whether it already has a message, before a send whose outcome is
unknown is repeated: Postmark's outbound message search (by the metadata every send carries) and
Mailgun's events API (by the Message-ID every Mailgun send carries). Any other backend cannot be
asked; `current()` gives None for it and the outbox resends, counting the resend.

Each provider is read from the Anymail backend the outbox sends through, so the search goes to the
same API base URL (`ANYMAIL_POSTMARK_API_URL`, `ANYMAIL_MAILGUN_API_URL`) with the same credentials.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
from email.utils import parseaddr
from urllib.parse import quote, urljoin

import requests
from anymail.backends.mailgun import EmailBackend as MailgunBackend
from anymail.backends.postmark import EmailBackend as PostmarkBackend
from anymail.exceptions import AnymailAPIError
from django.conf import settings
from django.core.mail import get_connection
from django.utils.crypto import salted_hmac
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError


class SearchFailed(Exception):
    """The provider could not be asked; nothing is known, so nothing may be sent."""


def may_have_reached(error):
    """Whether a send that raised `error` may have reached the provider all the same. Only a
    connection never made (refused, unknown host, connect timeout) or an answer refusing the
    message says it did not; a read timeout, a connection reset, an unreadable 2xx answer or a
    gateway that gave up waiting (504) may follow a message the provider took, and so may an error
    nobody foresaw."""
    if isinstance(error, AnymailAPIError) and error.status_code is not None:
        return 200 <= error.status_code < 300 or error.status_code == 504
    if isinstance(error, (requests.ConnectTimeout, ConnectionRefusedError, socket.gaierror)):
        return False
    cause = error.__cause__ if isinstance(error, AnymailAPIError) else error
    if (
        isinstance(cause, requests.ConnectionError)
        and cause.args
        and isinstance(cause.args[0], MaxRetryError)
    ):
        # With requests' default of no retries, urllib3 wraps only a failed connect this way.
        return not isinstance(cause.args[0].reason, ConnectTimeoutError)
    return True


def current():
    """The provider behind the configured mail backend, if it can be asked; else None."""
    backend = get_connection()
    for backend_class, provider in SEARCHABLE:
        if isinstance(backend, backend_class):
            return provider(backend)
    return None


def refuses_recipient(error):
    """Whether a provider's 4xx answer is about the recipient's address, so the contact is flagged
    as for a bounce (Anymail raises AnymailRecipientsRefused for the ones it recognises itself)."""
    for backend_class, provider in SEARCHABLE:
        if isinstance(error.backend, backend_class):
            return provider.refuses_recipient(error)
    return False


def ask(url, **kwargs):
    try:
        response = requests.get(url, **kwargs)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise SearchFailed(str(error)) from error


class Provider:
    name = ""
    # How long after a send the provider's search can be trusted to show it: an attempt younger
    # than that which is not found is asked about again later, not resent.
    search_delay = dt.timedelta(minutes=3)

    def __init__(self, backend):
        self.backend = backend
        self.timeout = backend.timeout
        if settings.PROVIDER_SEARCH_DELAY is not None:
            self.search_delay = settings.PROVIDER_SEARCH_DELAY

    def prepare(self, email, message):
        """Mark the outgoing mail so that `find` can find it."""

    def find(self, message):
        """The provider's id for the row's message if the provider has it, else None. Raises
        SearchFailed when the provider cannot be asked."""
        raise NotImplementedError

    @classmethod
    def refuses_recipient(cls, error):
        return False


class Postmark(Provider):
    name = "Postmark"
    search_delay = dt.timedelta(minutes=3)

    def find(self, message):
        # `as_email` sends the row's id as metadata `message_id`; Postmark searches one metadata field.
        answer = ask(
            urljoin(self.backend.api_url, "messages/outbound"),
            params={"count": 50, "offset": 0, "metadata_message_id": str(message.pk)},
            headers={"Accept": "application/json", "X-Postmark-Server-Token": self.backend.server_token},
            timeout=self.timeout,
        )
        for found in answer.get("Messages") or []:
            if message.to_email.lower() in (address.lower() for address in found.get("Recipients") or []):
                return found["MessageID"]
        return None


class Mailgun(Provider):
    name = "Mailgun"
    search_delay = dt.timedelta(minutes=5)
    ADDRESS_REFUSED = re.compile(r"'?to'? parameter is not a valid address", re.IGNORECASE)

    def prepare(self, email, message):
        # Mailgun keeps a Message-ID the sender sets, and its events API filters on it.
        email.extra_headers["Message-ID"] = message_id_header(message)

    def find(self, message):
        domain = self.backend.sender_domain or parseaddr(message.from_email)[1].rpartition("@")[2]
        since = (message.last_attempt_at or message.created_at) - dt.timedelta(hours=1)
        answer = ask(
            urljoin(self.backend.api_url, f"{quote(domain, safe='')}/events"),
            params={
                "message-id": message_id_header(message).strip("<>"),
                "begin": int(since.timestamp()),
                "ascending": "yes",
                "limit": 300,
            },
            auth=("api", self.backend.api_key),
            timeout=self.timeout,
        )
        for event in answer.get("items") or []:
            if event.get("event") != "rejected":
                # As Anymail reports Mailgun's ids, so tracking events match the row.
                return f"<{event['message']['headers']['message-id']}>"
        return None

    @classmethod
    def refuses_recipient(cls, error):
        return error.status_code == 400 and bool(cls.ADDRESS_REFUSED.search(str(error)))


def message_id_header(message):
    """One Message-ID per outbox row, the same on every attempt. The keyed hash keeps two
    installations sharing a provider account (staging and production) from finding each other's rows."""
    domain = parseaddr(message.from_email)[1].rpartition("@")[2] or "localhost"
    token = salted_hmac("comms.providers.message_id_header", str(message.pk)).hexdigest()[:20]
    return f"<{message.pk}.{token}@{domain}>"


SEARCHABLE = [(PostmarkBackend, Postmark), (MailgunBackend, Mailgun)]
