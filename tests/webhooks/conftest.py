"""A webhook receiver on loopback that verifies every signature with the `standardwebhooks` library."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    """What the receiver got: verified messages (with their webhook-id), refused ones, and the answers it gives."""

    def __init__(self):
        self.secret: str | None = None
        self.verified: list[dict] = []
        self.unverified: list[str] = []
        self.answers: list[int] = []  # statuses to answer next, in order; 200 when empty
        self.hang_seconds = 0.0
        self.url = ""

    def types(self) -> list[str]:
        """Event types received and verified, in arrival order."""
        return [message["body"]["type"] for message in self.verified]


@pytest.fixture
def receiver():
    """A loopback HTTP server; set receiver.secret before deliveries so it can verify them."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if state.hang_seconds:
                time.sleep(state.hang_seconds)
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                Webhook(state.secret).verify(body, headers)
                state.verified.append({"id": headers["webhook-id"], "body": json.loads(body)})
            except (WebhookVerificationError, TypeError, ValueError) as exc:
                state.unverified.append(str(exc))
            status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
