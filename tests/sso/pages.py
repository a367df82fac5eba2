"""A Chromium page for journeys that leave the portal for a provider or run inside a vendor's frame.

Like tests/browser.py's `page`, it records console errors, failed requests and requests to hosts other than the
ones a journey is allowed to visit (the portal, the provider, the vendor). The mock provider's pages ask for a CSS
file from a CDN; that request is answered locally with an empty stylesheet, so nothing leaves the machine.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from models.db import Session
from tests.browser import DESKTOP


@dataclass
class Problems:
    """What went wrong in the browser."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


@contextmanager
def journey_page(browser, live_server, allowed_netlocs: set[str]):
    """A desktop page on the portal that may also visit `allowed_netlocs`; yields (page, problems)."""
    Session.remove()
    Session.configure(bind=live_server.app.extensions["db_engine"])
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    context.route("https://cdn.jsdelivr.net/**", lambda route: route.fulfill(status=200, content_type="text/css", body=""))
    page = context.new_page()
    problems = Problems()
    allowed = allowed_netlocs | {live_server.netloc, "cdn.jsdelivr.net"}
    documents: set[str] = set()

    def _on_response(response):
        if response.request.resource_type == "document" and response.status < 500:
            documents.add(response.url)  # a refusal page answers 4xx on purpose; the test checks it
        elif response.status >= 400:
            problems.failed_requests.append(f"{response.url}: {response.status}")

    def _on_console(message):
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") in documents:
            return
        problems.console_errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("response", _on_response)
    page.on("console", _on_console)
    page.on("pageerror", lambda exc: problems.console_errors.append(f"uncaught: {exc}"))

    def _check_host(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and parts.netloc not in allowed:
            problems.foreign_requests.append(request.url)

    page.on("request", _check_host)
    try:
        yield page, problems
    finally:
        context.close()
