"""The project board: task updates go to a card as comments, and the build update is drafted from
its lists. The board service sits behind a small interface (`Board`); Trello is the one adapter
(`comms/boards/trello.py`), and a GitHub Issues or Jira adapter is one more module named in
`ADAPTERS`, chosen by settings.BOARD_PROVIDER.

Every adapter method raises `comms.carriers.Refused` when the service refuses for good (bad
credentials, no such card) and `comms.carriers.TryLater` when it is busy or did not answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from comms import carriers, providers

ADAPTERS = {
    "trello": "comms.boards.trello.Trello",
}


@dataclass(frozen=True)
class Card:
    id: str
    name: str


class Board(Protocol):
    name: str  # the service, as people know it: "Trello"

    def connected(self) -> bool:
        """Whether the organisation's credentials for the service are set."""

    def post_comment(self, card_id: str, text: str) -> str:
        """Comment on a card; returns the comment's id."""

    def find_comment(self, card_id: str, marker: str, since: dt.datetime) -> str | None:
        """The id of a comment on the card made since `since` whose text ends with `marker`."""

    def done_since(self, board: str, list_name: str, since: dt.datetime | None) -> list[Card]:
        """Cards in the list that were moved there since `since` (None: all its cards)."""

    def cards_in(self, board: str, list_name: str) -> list[Card]:
        """The open cards in the named list, in the board's order."""

    def cards_labelled(self, board: str, label: str) -> list[Card]:
        """The open cards that carry the named label."""


def adapter() -> Board | None:
    """The board service settings.BOARD_PROVIDER names (None for a name not in ADAPTERS); a fresh
    one each time, as an adapter may keep what it read of a board for the one draft it serves."""
    path = ADAPTERS.get(settings.BOARD_PROVIDER)
    return import_string(path)() if path else None


def board_connection(project) -> str:
    """Why the project cannot use its board, or "" when it can (the channel plan's check for the
    project board, as `comms.channel_plan.chat_connection` is for Slack)."""
    board = adapter()
    if board is None:
        return gettext("the board service %(provider)r is not one the app knows: goes by email") % {
            "provider": settings.BOARD_PROVIDER
        }
    if not board.connected():
        return gettext("%(board)s is not connected for the organisation: goes by email") % {
            "board": board.name
        }
    if not project.board:
        return gettext("no board connected: goes by email")
    return ""


def marker(message) -> str:
    """A short tag ending every comment an outbox row posts, the same on every attempt, so the
    comment of a send whose answer was lost can be recognised. Keyed, so two installations on one
    board do not take each other's comments for their own."""
    return f"(ref {salted_hmac('comms.boards.marker', message.dedupe_key).hexdigest()[:10]})"


def comment_text(message) -> str:
    return f"{message.body_text.rstrip()}\n\n{marker(message)}"


class BoardCarrier:
    """The outbox's carrier for project-board rows: the row's destination is a card's id, its
    body becomes a comment on the card."""

    # The service shows a comment as soon as it has taken it; the wait covers a request the
    # service was still working on when the answer was lost.
    search_delay = dt.timedelta(minutes=1)

    def __init__(self):
        self.board = adapter()
        self.name = self.board.name if self.board else "The project board"

    def send(self, message):
        return self.using().post_comment(message.destination, comment_text(message))

    def find(self, message):
        since = message.created_at - dt.timedelta(minutes=1)
        try:
            return self.using().find_comment(message.destination, marker(message), since)
        except (carriers.Refused, carriers.TryLater) as error:
            raise providers.SearchFailed(str(error)) from error

    def using(self):
        if self.board is None:
            raise carriers.Refused(
                f"BOARD_PROVIDER is {settings.BOARD_PROVIDER!r}; the boards known are: {', '.join(ADAPTERS)}."
            )
        return self.board
