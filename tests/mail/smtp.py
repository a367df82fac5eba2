"""A real SMTP server on loopback (aiosmtpd) that stores what it receives, for mail tests."""
from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StoringHandler:
    """Keeps every accepted message; can refuse recipients or pretend to be shutting down."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()
        self.accept_before_shutdown: int | None = None  # after this many messages, answer 421

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.accept_before_shutdown is not None and len(self.messages) >= self.accept_before_shutdown:
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A start/stop-able aiosmtpd server on a fixed loopback port."""

    def __init__(self):
        self.port = free_port()
        self.handler = StoringHandler()
        self.controller: Controller | None = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    def text_of(self, message) -> str:
        """The plain-text part of a received message."""
        return message.get_body(preferencelist=("plain",)).get_content()

    def html_of(self, message) -> str:
        """The HTML part of a received message."""
        return message.get_body(preferencelist=("html",)).get_content()


def smtp_config(base: dict, server: SmtpServer) -> dict:
    """App config that points flask-mail at the loopback server and really sends."""
    return {**base, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port,
            "MAIL_SUPPRESS_SEND": False, "MAIL_DEFAULT_SENDER": "portal@portal.test"}


@pytest.fixture
def smtp_server():
    """A running SMTP server on loopback; stopped after the test."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
