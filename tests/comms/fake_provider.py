"""What the fake mail providers share: a local HTTP server that keeps every send it read and every
search it answered, plays the replies a test lines up, and can fail the way a network does after
the provider has accepted a message (answering after the client gave up, resetting the connection).
"""

import base64
import json
import socket
import struct
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# Faults to line up in `replies`: the provider accepts the message (its search finds it), and then…
ANSWER_TOO_LATE = "answer after the client's timeout"
RESET_AFTER_READING = "reset the connection"


class FakeProvider:
    """Subclasses route requests (`answer`); sends they accept go into `accepted`."""

    def __init__(self, *, reply_delay=0.0):
        self.requests = []  # every send request, as read
        self.accepted = []  # what the provider has: what its search finds
        self.searches = []  # every search's query
        self.replies = []  # the next replies to sends, in order: (status, body) or a fault; then success
        self.search_replies = []  # the same for searches: (status, body); then the real answer
        self.reply_delay = reply_delay  # seconds each accepted send's answer is held back
        self.sending = 0  # accepted sends whose answers are being held back: the sender is mid-send
        self.stalled = 0  # accepted sends answered only after the client gave up
        self.changed = threading.Condition()
        self.closing = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                fake.handle(self, "GET")

            def do_POST(self):
                fake.handle(self, "POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    # --- What a test reads --------------------------------------------------------------------

    def deliveries(self):
        """How many times the provider accepted each of our outbox rows (by the metadata sent)."""
        with self.changed:
            return Counter(self.our_id(message) for message in self.accepted)

    def wait_for(self, predicate, timeout):
        """Wait until `predicate(self)` holds (or the timeout passes); returns whether it held."""
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self), timeout=timeout)

    # --- Serving ------------------------------------------------------------------------------

    def handle(self, request, method):
        url = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        status, reply = self.answer(request, method, url.path, parse_qs(url.query), body)
        if reply in (ANSWER_TOO_LATE, RESET_AFTER_READING):
            self.fault(request, reply)
            return
        if reply is not None and method == "POST" and self.reply_delay:
            self.hold("sending", lambda: self.closing.wait(self.reply_delay))
        self.respond(request, status, reply)

    def next_reply(self):
        with self.changed:
            return self.replies.pop(0) if self.replies else None

    def accept(self, message):
        with self.changed:
            self.accepted.append(message)
            self.changed.notify_all()

    def hold(self, counter, wait):
        with self.changed:
            setattr(self, counter, getattr(self, counter) + 1)
            self.changed.notify_all()
        try:
            wait()
        finally:
            with self.changed:
                setattr(self, counter, getattr(self, counter) - 1)
                self.changed.notify_all()

    def fault(self, request, fault):
        if fault == ANSWER_TOO_LATE:
            # Held until the fake closes: far past any client's timeout, and no sleep in the test.
            self.hold("stalled", self.closing.wait)
        # Either way the client never reads an answer: a reset (RST) instead of a polite close.
        request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        request.close_connection = True
        request.connection.close()

    def respond(self, request, status, reply):
        data = reply.encode() if isinstance(reply, str) else json.dumps(reply).encode()
        try:
            request.send_response(status)
            request.send_header(
                "Content-Type", "text/plain" if isinstance(reply, str) else "application/json"
            )
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except OSError:
            pass  # the client is gone (a killed worker, a timeout): the provider has the message anyway

    @staticmethod
    def basic_auth(request):
        header = request.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return None
        return base64.b64decode(header.removeprefix("Basic ")).decode()
