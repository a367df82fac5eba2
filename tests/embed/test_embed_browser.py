"""The vendor's page on another loopback origin embeds a customer's dashboard in Chromium."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from models.accounts import User
from models.db import Session
from tests.embed.test_embed import SECRET, make_token
from tests.sso.conftest import free_port
from tests.sso.pages import journey_page

VENDOR_PORT = free_port()
VENDOR = f"http://127.0.0.1:{VENDOR_PORT}"


class VendorSite:
    """The vendor's own web application: one page whose HTML the test sets (an iframe of the portal)."""

    def __init__(self, port: int):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server name)
                body = site.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.html = "<!doctype html><title>Vendor</title>"
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def embed(self, portal_url: str, token: str) -> None:
        """The vendor page now frames /embed with this token."""
        self.html = (f'<!doctype html><html lang="en"><title>Vendor app</title><h1>Vendor app</h1>'
                     f'<iframe id="portal" title="Customer portal" src="{portal_url}/embed?token={token}" '
                     f'width="1100" height="700"></iframe></html>')

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def live_server_config():
    """Embedding on for the vendor's origin only."""
    return {"PORTAL_EMBED_SECRET": SECRET, "PORTAL_EMBED_ORIGINS": [VENDOR]}


@pytest.fixture(scope="module")
def vendor():
    """The listed vendor origin."""
    site = VendorSite(VENDOR_PORT)
    yield site
    site.close()


@pytest.fixture(scope="module")
def stranger():
    """Another loopback origin, not in PORTAL_EMBED_ORIGINS."""
    site = VendorSite(free_port())
    yield site
    site.close()


def test_vendor_page_shows_the_customers_dashboard(browser, live_server, vendor):
    """A token for a new person of Alpha: the frame shows Alpha's dashboard, without the portal's navigation."""
    vendor.embed(live_server.url, make_token(sub="jo@alpha.test", account="ALPHA"))
    with journey_page(browser, live_server, {vendor.url[7:]}) as (page, problems):
        page.goto(vendor.url)
        frame = page.frame_locator("#portal")
        frame.get_by_role("heading", name="Alpha Inc").first.wait_for()
        assert frame.locator('nav[aria-label="Main"]').count() == 0
        page.wait_for_load_state("networkidle")
        assert problems.console_errors == [] and problems.failed_requests == [] and problems.foreign_requests == []
    jo = Session.scalar(select(User).where(User.email == "jo@alpha.test"))
    assert jo.account_id == live_server.cast["alpha"].id
    Session.rollback()


@pytest.mark.parametrize(("token", "sentence"), [
    (lambda: make_token(account="ALPHA")[:-4] + "AAAA", "not valid"),
    (lambda: make_token(account="ALPHA", lifetime=-300), "expired"),
    (lambda: make_token(sub="sam@beta.test", account="ALPHA"), "another company"),
])
def test_refusals_show_a_sentence_in_the_frame(browser, live_server, vendor, token, sentence):
    """Tampered, expired and foreign-account tokens: the frame says why, nobody is signed in."""
    vendor.embed(live_server.url, token())
    with journey_page(browser, live_server, {vendor.url[7:]}) as (page, _problems):
        page.goto(vendor.url)
        assert sentence in page.frame_locator("#portal").get_by_role("alert").inner_text()


def test_replayed_token_is_refused_in_the_frame(browser, live_server, vendor):
    """Reloading the vendor page with the same token: the second frame says the link was used."""
    vendor.embed(live_server.url, make_token(sub="pat@alpha.test", account="ALPHA"))
    with journey_page(browser, live_server, {vendor.url[7:]}) as (page, _problems):
        page.goto(vendor.url)
        page.frame_locator("#portal").get_by_role("heading", name="Alpha Inc").first.wait_for()
    with journey_page(browser, live_server, {vendor.url[7:]}) as (page, _problems):
        page.goto(vendor.url)
        assert "already used" in page.frame_locator("#portal").get_by_role("alert").inner_text()


def test_origin_not_in_the_list_cannot_frame_the_portal(browser, live_server, stranger):
    """Another origin's iframe is blocked by frame-ancestors: the browser refuses to show the dashboard."""
    stranger.embed(live_server.url, make_token(sub="pat@alpha.test", account="ALPHA"))
    with journey_page(browser, live_server, {stranger.url[7:]}) as (page, problems):
        page.goto(stranger.url)
        page.wait_for_timeout(1500)
        assert any("frame-ancestors" in error for error in problems.console_errors), problems.console_errors
        frame = next(f for f in page.frames if f != page.main_frame)
        assert "Alpha Inc" not in frame.evaluate("document.documentElement.outerHTML")


def test_portal_pages_cannot_be_framed_at_all(browser, live_server, vendor):
    """The sign-in page framed by the listed vendor is still refused: only the embed view is frameable."""
    vendor.html = f'<!doctype html><iframe id="portal" src="{live_server.url}/login"></iframe>'
    with journey_page(browser, live_server, {vendor.url[7:]}) as (page, problems):
        page.goto(vendor.url)
        page.wait_for_timeout(1500)
        assert any("frame-ancestors 'none'" in error for error in problems.console_errors), problems.console_errors
