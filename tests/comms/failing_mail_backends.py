"""Django email backends that fail the way real ones can, for the outbox's failure handling."""

from anymail.exceptions import AnymailInvalidAddress
from django.core.mail.backends.base import BaseEmailBackend


class RefusesTheMessage(BaseEmailBackend):
    """A backend that finds the message itself unsendable, as Anymail's do for an unsupported feature."""

    def send_messages(self, email_messages):
        raise ValueError("Amazon SES does not support multiple Reply-To addresses")


class RefusesTheAddress(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise AnymailInvalidAddress("Invalid email address 'mia@@harbourfinch'")


class Breaks(BaseEmailBackend):
    """A backend with a bug nobody foresaw."""

    def send_messages(self, email_messages):
        raise RuntimeError("connection pool is closed")
