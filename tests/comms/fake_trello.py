"""A local HTTP server that answers like Trello's REST API (https://api.trello.com/1/), for the
real board adapter pointed at it by TRELLO_API_URL: the key and token as query parameters (else
401 "invalid key"), boards with lists, cards and labels, the board's actions (cards moved between
lists), and comments on cards, in Trello's request and answer shapes. Errors are lined up in
`replies` (comment posts) and `read_replies` (everything else)."""

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from tests.comms.fake_provider import FakeProvider

NOT_FOUND = "The requested resource was not found."


@dataclass
class Reply:
    """An answer a test lines up instead of the real one; with `accept`, the comment is posted
    all the same (the service took it, then failed to say so)."""

    status: int
    body: object = ""
    headers: dict = field(default_factory=dict)
    accept: bool = False


def trello_id():
    return uuid.uuid4().hex[:24]


def trello_date(moment):
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class FakeTrello(FakeProvider):
    def __init__(self, *, key="trello-key", token="trello-token", clock=None, **kwargs):
        super().__init__(**kwargs)
        self.key, self.token = key, token
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))  # when comments are made
        self.url = f"http://127.0.0.1:{self.port}/1/"
        self.boards, self.lists, self.cards, self.actions = {}, {}, {}, []
        self.read_replies = []
        self.reads = []  # every GET's path, in order

    # --- What a test sets up ----------------------------------------------------------------------

    def board(self, name="Client build", *, lists=("To do", "Next", "Doing", "Done"), labels=()):
        board_id = trello_id()
        self.boards[board_id] = {
            "id": board_id,
            "name": name,
            "labels": [
                {"id": trello_id(), "idBoard": board_id, "name": label, "color": "red"} for label in labels
            ],
        }
        for position, list_name in enumerate(lists):
            self.add_list(board_id, list_name, pos=(position + 1) * 16384)
        return board_id

    def add_list(self, board_id, name, *, pos=65536, closed=False):
        list_id = trello_id()
        self.lists[list_id] = {"id": list_id, "name": name, "closed": closed, "idBoard": board_id, "pos": pos}
        return list_id

    def list_named(self, board_id, name):
        return next(
            each["id"] for each in self.lists.values() if each["idBoard"] == board_id and each["name"] == name
        )

    def card(self, board_id, list_name, name, *, labels=()):
        card_id, short = trello_id(), uuid.uuid4().hex[:8]
        self.cards[card_id] = {
            "id": card_id,
            "name": name,
            "idBoard": board_id,
            "idList": self.list_named(board_id, list_name),
            "closed": False,
            "pos": 16384 * (len(self.cards) + 1),
            "shortLink": short,
            "shortUrl": f"https://trello.com/c/{short}",
            "labels": [label for label in self.boards[board_id]["labels"] if label["name"] in labels],
        }
        return card_id

    def move(self, card_id, list_name, *, at):
        """Move a card to another list at `at`, as a member dragging it does: an updateCard action."""
        card = self.cards[card_id]
        before, after = self.lists[card["idList"]], self.lists[self.list_named(card["idBoard"], list_name)]
        card["idList"] = after["id"]
        self.actions.append(
            {
                "id": trello_id(),
                "idMemberCreator": "5f0c0ffee0c0ffee0c0ffee0",
                "type": "updateCard",
                "date": trello_date(at),
                "data": {
                    "card": {
                        "id": card_id,
                        "name": card["name"],
                        "idList": after["id"],
                        "shortLink": card["shortLink"],
                    },
                    "old": {"idList": before["id"]},
                    "listBefore": {"id": before["id"], "name": before["name"]},
                    "listAfter": {"id": after["id"], "name": after["name"]},
                    "board": {"id": card["idBoard"], "name": self.boards[card["idBoard"]]["name"]},
                },
            }
        )

    # --- What a test reads ------------------------------------------------------------------------

    def comments(self, card_id=None):
        with self.changed:
            return [
                action["data"]["text"]
                for action in self.accepted
                if card_id is None or action["data"]["card"]["id"] == card_id
            ]

    # --- Serving ----------------------------------------------------------------------------------

    def handle(self, request, method):
        path, _, query = request.path.partition("?")
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length).decode() if length else ""
        query = {key: values[0] for key, values in parse_qs(query).items()}
        # Parameters may come in the body too, as a form or as JSON.
        content_type = request.headers.get("Content-Type") or ""
        if "x-www-form-urlencoded" in content_type:
            query.update({key: values[0] for key, values in parse_qs(body).items()})
        elif "json" in content_type and body:
            query.update({key: str(value) for key, value in json.loads(body).items()})
        status, reply, headers = self.answer(method, path, query)
        data = reply.encode() if isinstance(reply, str) else json.dumps(reply).encode()
        try:
            request.send_response(status)
            request.send_header(
                "Content-Type", "text/plain; charset=utf-8" if isinstance(reply, str) else "application/json"
            )
            for name, value in headers.items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except OSError:
            pass

    def answer(self, method, path, query):
        if query.get("key") != self.key:
            return 401, "invalid key", {}
        if query.get("token") != self.token:
            return 401, "invalid token", {}
        parts = path.strip("/").split("/")
        if parts[:1] != ["1"]:
            return 404, "Cannot " + method + " " + path, {}
        parts = parts[1:]
        if (
            method == "POST"
            and len(parts) == 4
            and parts[0] == "cards"
            and parts[2:] == ["actions", "comments"]
        ):
            return self.post_comment(parts[1], query)
        if method != "GET":
            return 404, f"Cannot {method} {path}", {}
        self.reads.append(path)
        with self.changed:
            lined_up = self.read_replies.pop(0) if self.read_replies else None
        if lined_up:
            return lined_up.status, lined_up.body, lined_up.headers
        return self.read(parts, query)

    def post_comment(self, card_id, query):
        self.requests.append({"card": card_id, **query})
        lined_up = self.next_reply()
        if lined_up and not lined_up.accept:
            return lined_up.status, lined_up.body, lined_up.headers
        card = self.cards.get(card_id)
        if card is None or card["closed"]:
            return 404, NOT_FOUND, {}
        if not query.get("text"):
            return 400, "invalid value for text", {}
        action = {
            "id": trello_id(),
            "idMemberCreator": "5f0c0ffee0c0ffee0c0ffee0",
            "type": "commentCard",
            "date": trello_date(self.clock()),
            "data": {
                "text": query["text"],
                "card": {"id": card_id, "name": card["name"], "shortLink": card["shortLink"]},
                "board": {"id": card["idBoard"], "name": self.boards[card["idBoard"]]["name"]},
                "list": {"id": card["idList"], "name": self.lists[card["idList"]]["name"]},
            },
            "memberCreator": {
                "id": "5f0c0ffee0c0ffee0c0ffee0",
                "username": "agencybot",
                "fullName": "Agency Bot",
            },
        }
        self.accept(action)
        if lined_up:
            return lined_up.status, lined_up.body, lined_up.headers
        return 200, action, {}

    def read(self, parts, query):
        if len(parts) != 3:
            return 404, NOT_FOUND, {}
        kind, item, what = parts
        if kind == "cards" and what == "actions":
            if item not in self.cards:
                return 404, NOT_FOUND, {}
            with self.changed:
                comments = [a for a in self.accepted if a["data"]["card"]["id"] == item]
            return 200, self.filtered(comments, query), {}
        if kind == "lists" and what == "cards":
            if item not in self.lists:
                return 404, NOT_FOUND, {}
            cards = [c for c in self.cards.values() if c["idList"] == item and not c["closed"]]
            return 200, [self.fields(c, query) for c in sorted(cards, key=lambda c: c["pos"])], {}
        if kind != "boards":
            return 404, NOT_FOUND, {}
        if item not in self.boards:
            return 404, NOT_FOUND, {}
        if what == "lists":
            lists = [each for each in self.lists.values() if each["idBoard"] == item]
            if query.get("filter", "open") == "open":
                lists = [each for each in lists if not each["closed"]]
            return 200, [self.fields(each, query) for each in sorted(lists, key=lambda each: each["pos"])], {}
        if what == "cards":
            cards = [c for c in self.cards.values() if c["idBoard"] == item and not c["closed"]]
            return 200, [self.fields(c, query) for c in sorted(cards, key=lambda c: c["pos"])], {}
        if what == "actions":
            return (
                200,
                self.filtered([a for a in self.actions if a["data"]["board"]["id"] == item], query),
                {},
            )
        return 404, NOT_FOUND, {}

    @staticmethod
    def fields(thing, query):
        """Trello answers with the id and the fields asked for (all of them without `fields`)."""
        wanted = query.get("fields", "all")
        if wanted == "all":
            return dict(thing)
        return {"id": thing["id"], **{name: thing[name] for name in wanted.split(",") if name in thing}}

    @staticmethod
    def filtered(actions, query):
        """Newest first, of the types asked for ("updateCard:idList" is a card moved between
        lists), after `since`, at most `limit`."""
        types = query.get("filter", "all").split(",")

        def wanted(action):
            if "all" in types or action["type"] in types:
                return True
            return (
                action["type"] == "updateCard"
                and "updateCard:idList" in types
                and "listAfter" in action["data"]
            )

        since = dt.datetime.fromisoformat(query["since"]) if "since" in query else None
        found = [
            action
            for action in actions
            if wanted(action) and (since is None or dt.datetime.fromisoformat(action["date"]) > since)
        ]
        found.sort(key=lambda action: action["date"], reverse=True)
        return found[: int(query.get("limit", 50))]
