"""Browser test fixtures (a plugin loaded by tests/conftest.py): the portal served on loopback, driven by Debian's Chromium through Playwright.

Shared pieces for every journey:
- `live_server`: the app (CSRF on) on a SQLite file, served by werkzeug in a thread;
  `live_server.url`, `live_server.cast` (the seeded people and accounts);
- `page`: a desktop-sized page that fails the test at teardown on a console error, an
  uncaught exception, a failed request, or any request to a host but the portal's own;
- `shoot(page, name)`: screenshots at desktop (1280×800) and phone (390×844) widths in
  test-artifacts/screenshots/;
- `sign_in(page, email)`: sign in through the form.
Without Chromium the tests are skipped, except under CI=true, where that is a failure.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import models
from models.accounts import Account, User
from models.db import Session, dispose_engine, make_engine
from portal import create_app
from core.passwords import hash_password
from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: browser tests must run).")
    pytest.skip(reason)


@dataclass
class LiveServer:
    """The portal served on a loopback port."""

    url: str
    app: object
    cast: dict = field(default_factory=dict)

    @property
    def netloc(self) -> str:
        """host:port of the portal."""
        return urlsplit(self.url).netloc


def _seed_cast() -> dict:
    """A small vendor: an admin, two CSMs, two accounts, a customer of each (all with PASSWORD)."""
    password_hash = hash_password(PASSWORD)
    admin = User(email="admin@portal.test", name="Avery Admin", role="admin", password_hash=password_hash)
    csm = User(email="casey@portal.test", name="Casey CSM", role="csm", password_hash=password_hash)
    other_csm = User(email="blake@portal.test", name="Blake CSM", role="csm", password_hash=password_hash)
    today = date.today()
    alpha = Account(external_id="ALPHA", name="Alpha Inc", arr=Decimal("250000"), seats=120, csm=csm,
                    customer_since=today - timedelta(days=400), renewal_date=today + timedelta(days=90), status="active")
    beta = Account(external_id="BETA", name="Beta Ltd", arr=Decimal("18000"), seats=15, csm=other_csm,
                   customer_since=today - timedelta(days=200), renewal_date=today + timedelta(days=200), status="active")
    customer = User(email="pat@alpha.test", name="Pat Customer", role="customer", account=alpha,
                    password_hash=password_hash)
    beta_customer = User(email="sam@beta.test", name="Sam Customer", role="customer", account=beta,
                         password_hash=password_hash)
    Session.add_all([admin, csm, other_csm, alpha, beta, customer, beta_customer])
    Session.commit()
    return {"admin": admin, "csm": csm, "other_csm": other_csm, "alpha": alpha, "beta": beta,
            "customer": customer, "beta_customer": beta_customer}


@pytest.fixture(scope="module")
def live_server_config() -> dict:
    """Extra app configuration of a module's live server (a module overrides it, e.g. to send real mail)."""
    return {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, live_server_config):
    """The portal on 127.0.0.1:<free port> over a SQLite file, CSRF on, with a seeded cast."""
    from werkzeug.serving import make_server

    path = tmp_path_factory.mktemp("e2e") / "portal.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({
        "DATABASE_URL": url, "TESTING": False, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False,
        "PORTAL_BASE_URL": "http://127.0.0.1", "MAIL_SUPPRESS_SEND": True, **live_server_config,
    })
    cast = _seed_cast()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-portal", daemon=True)
    thread.start()
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, cast=cast)
    app.config["PORTAL_BASE_URL"] = live.url
    yield live
    server.shutdown()
    thread.join(timeout=10)
    dispose_engine(app.extensions["db_engine"])


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless."""
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium is not installed at {CHROMIUM}; install the Debian package 'chromium'")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # a broken Chromium install is reported like a missing one
            _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield chromium
        chromium.close()


@dataclass
class PageProblems:
    """What went wrong in the browser during a test."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser, live_server):
    """A desktop page on the portal that fails the test on console errors, failed or third-party requests."""
    # Other tests rebind the shared session to their own databases; the server's thread needs its own.
    Session.remove()
    Session.configure(bind=live_server.app.extensions["db_engine"])
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    problems = PageProblems()
    new_page = context.new_page()
    documents: set[str] = set()

    def _on_response(response):
        if response.request.resource_type == "document":
            documents.add(response.url)  # a page may answer 404 or 422 on purpose; the test checks that
        elif response.status >= 400:
            problems.failed_requests.append(f"{response.request.method} {response.url}: HTTP {response.status}")

    def _on_console(message):
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") in documents:
            return  # the browser's note on a page's own 4xx status, not a script error
        problems.console_errors.append(f"{message.type}: {message.text} ({message.location.get('url')})")

    new_page.on("response", _on_response)
    new_page.on("console", _on_console)
    new_page.on("pageerror", lambda exc: problems.console_errors.append(f"uncaught: {exc}"))
    def _on_request_failed(request):
        # A fetch still in flight when the test moves to the next page is cancelled by the browser
        # (net::ERR_ABORTED); that is navigation, not a failure of the portal.
        if request.failure == "net::ERR_ABORTED" and request.frame.url != request.url:
            return
        problems.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    new_page.on("requestfailed", _on_request_failed)

    def _check_host(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != live_server.netloc:
            problems.foreign_requests.append(request.url)

    new_page.on("request", _check_host)
    new_page.problems = problems
    yield new_page
    context.close()
    assert problems.console_errors == [], f"console errors: {problems.console_errors}"
    assert problems.failed_requests == [], f"failed requests: {problems.failed_requests}"
    assert problems.foreign_requests == [], f"requests to other hosts: {problems.foreign_requests}"


@pytest.fixture
def shoot(request):
    """shoot(page, name): save desktop and phone screenshots of the page as it is now."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(target_page, name: str) -> None:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            target_page.set_viewport_size(size)
            target_page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        target_page.set_viewport_size(DESKTOP)

    return take


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, email, password=PASSWORD): sign in through the form and wait for the landing page."""

    def do(target_page, email: str, password: str = PASSWORD) -> None:
        target_page.goto("/login")
        target_page.get_by_label("E-mail", exact=True).fill(email)
        target_page.get_by_label("Password", exact=True).fill(password)
        target_page.get_by_role("button", name="Sign in").click()
        target_page.wait_for_load_state()

    return do


def pytest_collection_modifyitems(items):
    """Every test that takes the browser is marked, so `-m "not browser"` runs without Chromium."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


