"""Trello, through its REST API with `requests` (the Python wrappers are unmaintained): the key and
token go as query parameters, every request under settings.TRELLO_API_URL and its timeout
CHANNEL_REQUEST_TIMEOUT. One instance serves one piece of work, so it reads a board's lists once."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin

import requests
from django.conf import settings
from django.utils import timezone

from comms import providers
from comms.boards import Card
from comms.carriers import Refused, TryLater

# Trello's largest page of actions; more card moves than this between two updates is not a board
# a client update is written from.
ACTIONS_LIMIT = 1000


class Trello:
    name = "Trello"

    def __init__(self):
        self.lists = {}  # board id → {list name folded: list id}

    def connected(self):
        return bool(settings.TRELLO_API_KEY and settings.TRELLO_API_TOKEN)

    # --- Task updates ---------------------------------------------------------------------------

    def post_comment(self, card_id, text):
        # The answer is the comment's action; its id is the comment's.
        comment = self.call("POST", f"cards/{quote(card_id, safe='')}/actions/comments", json={"text": text})
        return comment["id"]

    def find_comment(self, card_id, marker, since):
        comments = self.call(
            "GET",
            f"cards/{quote(card_id, safe='')}/actions",
            params={"filter": "commentCard", "since": since.isoformat(), "limit": ACTIONS_LIMIT},
        )
        for comment in comments:
            if (comment.get("data") or {}).get("text", "").rstrip().endswith(marker):
                return comment["id"]
        return None

    # --- The build update -----------------------------------------------------------------------

    def done_since(self, board, list_name, since):
        cards = self.cards_in(board, list_name)
        if since is None:
            return cards
        list_id = self.list_id(board, list_name)
        moves = self.call(
            "GET",
            f"boards/{quote(board, safe='')}/actions",
            params={"filter": "updateCard:idList", "since": since.isoformat(), "limit": ACTIONS_LIMIT},
        )
        # Still there: a card moved to the list and back out again did not ship.
        moved_in = {
            move["data"]["card"]["id"]
            for move in moves
            if (move["data"].get("listAfter") or {}).get("id") == list_id
        }
        return [card for card in cards if card.id in moved_in]

    def cards_in(self, board, list_name):
        list_id = self.list_id(board, list_name)
        return [
            as_card(card)
            for card in self.call("GET", f"lists/{quote(list_id, safe='')}/cards", params={"fields": "name"})
        ]

    def cards_labelled(self, board, label):
        wanted = fold(label)
        return [
            as_card(card)
            for card in self.call(
                "GET", f"boards/{quote(board, safe='')}/cards", params={"fields": "name,labels"}
            )
            if any(fold(found.get("name") or "") == wanted for found in card.get("labels") or [])
        ]

    def list_id(self, board, list_name):
        if board not in self.lists:
            found = self.call(
                "GET", f"boards/{quote(board, safe='')}/lists", params={"filter": "open", "fields": "name"}
            )
            self.lists[board] = {fold(each["name"]): each["id"] for each in found}
        try:
            return self.lists[board][fold(list_name)]
        except KeyError:
            raise Refused(f"The board has no open list named “{list_name}”.") from None

    # --- Talking to Trello ----------------------------------------------------------------------

    def call(self, method, path, *, params=None, json=None):
        if not self.connected():
            raise Refused("Trello's API key and token are not set (TRELLO_API_KEY, TRELLO_API_TOKEN).")
        try:
            response = requests.request(
                method,
                urljoin(settings.TRELLO_API_URL, path),
                params={**(params or {}), "key": settings.TRELLO_API_KEY, "token": settings.TRELLO_API_TOKEN},
                json=json,
                timeout=settings.CHANNEL_REQUEST_TIMEOUT,
            )
        except requests.RequestException as error:
            raise TryLater(
                f"Trello did not answer: {error}", outcome_unknown=providers.may_have_reached(error)
            ) from error
        status = response.status_code
        if status == 429:
            raise TryLater(
                f"Trello is limiting requests (429): {said(response)}", retry_after=retry_after(response)
            )
        if status >= 500:
            raise TryLater(f"Trello error {status}: {said(response)}", outcome_unknown=True)
        if status >= 400:
            raise Refused(f"{status} {said(response)}")
        try:
            return response.json()
        except ValueError as error:
            raise TryLater(f"Trello's answer could not be read: {error}", outcome_unknown=True) from error


def as_card(card):
    return Card(id=card["id"], name=card.get("name") or "")


def fold(name):
    return " ".join(name.split()).casefold()


def said(response):
    """Trello's own words: plain text ("invalid key"), or a JSON object with a message."""
    try:
        answer = response.json()
    except ValueError:
        return response.text.strip()[:200] or response.reason
    if isinstance(answer, dict):
        return str(answer.get("message") or answer.get("error") or answer)[:200]
    return str(answer)[:200]


def retry_after(response):
    """Retry-After in seconds or as an HTTP date; None when absent or unreadable."""
    value = (response.headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return dt.timedelta(seconds=int(value))
    try:
        return max(parsedate_to_datetime(value) - timezone.now(), dt.timedelta(0))
    except (TypeError, ValueError):
        return None
