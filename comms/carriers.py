"""Delivery beside email: a chat message goes to Slack, a task update to the project's board. A
carrier sends one outbox row to its service and, like an email provider (`comms/providers.py`),
can be asked whether the service already has a message whose send ended in doubt, so the outbox
keeps one promise for every channel: sent once, retried when the service is busy, failed visibly
when it refuses.
"""

from __future__ import annotations

import datetime as dt

from django.utils.module_loading import import_string

from comms.models import Channel

# By dotted name: a carrier's module stands on its service's client library, which email-only
# work never needs to import.
CARRIERS = {
    Channel.CHAT: "comms.slack.SlackCarrier",
    Channel.PROJECT_BOARD: "comms.boards.BoardCarrier",
}


class Refused(Exception):
    """The service refused the message for good (a 4xx other than 429): sending it again would
    change nothing, so it fails and the owner is told why."""


class TryLater(Exception):
    """The service is busy or did not answer (429, 5xx, a network error). `retry_after` is the
    service's own wait (Retry-After), honoured as the shortest delay; `outcome_unknown` when the
    request may have reached it, so it is asked before the message is sent again."""

    def __init__(self, reason, *, retry_after: dt.timedelta | None = None, outcome_unknown=False):
        super().__init__(reason)
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown


def of(message):
    """The carrier for a message that does not go by email, or None."""
    path = CARRIERS.get(message.channel)
    return import_string(path)() if path else None
