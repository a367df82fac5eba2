"""On one seeded demo database and one browser: every page of every role fits a 390 px phone and a 1280 px
desktop, the review link works for a visitor with no session, and a new account shows as onboarding."""
from __future__ import annotations

import re
import threading
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

import models
from models.accounts import Account, User
from models.db import Session, dispose_engine, make_engine, utcnow
from models.plans import PlanMetric
from portal import create_app
from core.passwords import hash_password
from portal.demo import seed_demo
from tests.browser import DESKTOP, PHONE, LiveServer

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-portal-2026"
ROLES = {"customer": "user1@acme-001.example", "csm": "casey@demo.example", "admin": "admin@demo.example"}
PAGES_PER_ROLE = {"customer": 20, "csm": 45, "admin": 60}
SAME_SHAPE = 2  # pages of one shape (digits and slugs aside) visited per role: /kb/a and /kb/b look alike
SKIP = re.compile(r"^/(logout|static/)|\.(csv|json|xlsx|pptx|png|svg)$|/unsubscribe")
# 200 characters (the longest a name may be) with no space to break at, in three scripts
LONG_NAME = ("Überlange-Firmenbezeichnung-" + "株式会社テスト長い名前" * 6 + "-" + "مؤسسة" * 12 + "-Holding")[:200]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The portal on loopback over the demo (8 accounts, 200 days), a 200-character name, and a new account."""
    from werkzeug.serving import make_server

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'portal.db'}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "TESTING": False, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False,
                      "PORTAL_BASE_URL": "http://127.0.0.1", "MAIL_SUPPRESS_SEND": True})
    with app.app_context():
        seed_demo(n_accounts=8, days=200, seed=7)
        Session.commit()
        long_account = Session.scalar(select(Account).where(Account.external_id == "ACC-002"))
        long_account.name = LONG_NAME
        metric = Session.scalar(select(PlanMetric).where(PlanMetric.account_id == long_account.id).limit(1))
        if metric is not None:
            metric.name = LONG_NAME
        casey = Session.scalar(select(User).where(User.email == "casey@demo.example"))
        newcomer = Account(external_id="NEW-001", name="Newcomer GmbH", arr=Decimal("9000"), seats=10, csm=casey,
                           customer_since=utcnow().date(), renewal_date=utcnow().date() + timedelta(days=365),
                           status="active")
        Session.add_all([newcomer, User(email="first@new-001.example", name="First Customer", role="customer",
                                        account=newcomer, password_hash=hash_password(DEMO_PASSWORD))])
        Session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-demo", daemon=True)
    thread.start()
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    app.config["PORTAL_BASE_URL"] = live.url
    yield live
    server.shutdown()
    thread.join(timeout=10)
    dispose_engine(app.extensions["db_engine"])


def _charts_drawn(page) -> None:
    expect(page.locator(".chart:not([data-chart-ready])")).to_have_count(0, timeout=20_000)


def _overflow(page) -> list[str]:
    """'<width>: <path> is <n> px wide' for each viewport where the page scrolls sideways."""
    found = []
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)  # Bokeh re-lays out its canvases on resize
        wide, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if wide > inner:
            found.append(f"{size['width']}: {urlsplit(page.url).path} is {wide} px wide")
    return found


def _broken_menu_items(page) -> list[str]:
    """Menu entries the header breaks over two lines ("Knowledge / base"), at the width the page is shown."""
    broken = page.eval_on_selector_all(".navbar .nav-link, .navbar .navbar-text, .navbar .btn", """items => items
        .filter(item => item.offsetParent !== null)
        .filter(item => {
            const range = document.createRange();
            range.selectNodeContents(item);
            return new Set(Array.from(range.getClientRects()).map(line => Math.round(line.top))).size > 1;
        })
        .map(item => item.textContent.trim())""")
    return [f"{urlsplit(page.url).path}: menu entry {label!r} is broken over two lines" for label in broken]


def _unreachable_regions(page) -> list[str]:
    """Scrolling table regions that a keyboard cannot reach or a screen reader cannot name."""
    missing = page.eval_on_selector_all(".table-responsive", """regions => regions
        .filter(r => r.getAttribute('tabindex') !== '0' || !(r.getAttribute('aria-label') || r.getAttribute('aria-labelledby')))
        .map(r => r.outerHTML.slice(0, 80))""")
    return [f"{urlsplit(page.url).path}: {html}" for html in missing]


def _shape(path: str) -> str:
    return re.sub(r"/[^/]*\d[^/]*", "/N", re.sub(r"^/kb/(?!admin|search)[^/]+", "/kb/ARTICLE", path))


def _crawl(page, live_server, starts: list[str], limit: int) -> tuple[list[str], list[str]]:
    """Breadth-first over the portal's own links from the start pages; (pages visited, problems found)."""
    queue, seen, shapes, visited, problems = list(starts), set(), {}, [], []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        page.goto(path)
        if urlsplit(page.url).path.startswith("/login"):
            continue
        visited.append(path)
        _charts_drawn(page)
        problems += _overflow(page) + _broken_menu_items(page) + _unreachable_regions(page)  # _overflow ends at desktop
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(urljoin(page.url, href))
            if target.netloc != live_server.netloc or SKIP.search(target.path):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            shape = _shape(target.path)
            if link not in seen and shapes.get(shape, 0) < SAME_SHAPE:
                shapes[shape] = shapes.get(shape, 0) + 1
                queue.append(link)
    return visited, problems


@pytest.mark.parametrize("role", ["customer", "csm", "admin"])
def test_every_page_of_a_role_fits_a_phone_and_a_desktop(page, live_server, sign_in, role):
    sign_in(page, ROLES[role], DEMO_PASSWORD)
    starts = [urlsplit(page.url).path]
    if role != "customer":  # the account with the longest names, its plan, its review form
        starts += ["/accounts/ACC-002/", "/accounts/ACC-002/plan", "/accounts/ACC-002/share"]
    visited, problems = _crawl(page, live_server, starts, PAGES_PER_ROLE[role])
    assert len(visited) >= (5 if role == "customer" else 10), visited
    assert problems == []


def test_the_review_link_works_signed_out_and_matches_the_dashboard(browser, page, live_server, sign_in):
    sign_in(page, ROLES["csm"], DEMO_PASSWORD)
    page.goto("/accounts/ACME-001/share")
    start, end = page.get_by_label("First day of the period").input_value(), page.get_by_label("Last day of the period").input_value()
    page.get_by_role("button", name="Create link").click()
    link = page.get_by_test_id("new-link").input_value()
    page.goto(f"/accounts/ACME-001/?range=custom&start={start}&end={end}")
    _charts_drawn(page)
    dashboard = {key: page.locator(f'[data-figure="{key}"]').inner_text()
                 for key in ("active_users", "seat_utilisation", "logins", "reports_run", "health", "nps")}

    visitor = browser.new_context(viewport=DESKTOP)  # a fresh context: no cookies, no session
    review = visitor.new_page()
    errors, failed = [], []
    review.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    review.on("pageerror", lambda exc: errors.append(str(exc)))
    review.on("requestfailed", lambda request: failed.append(request.url))
    review.on("response", lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    review.goto(link)
    _charts_drawn(review)
    containers = review.locator(".chart")
    assert containers.count() >= 6
    for index in range(containers.count()):
        assert containers.nth(index).locator("canvas").count() >= 1, containers.nth(index).get_attribute("aria-label")
    assert "could not be loaded" not in review.content()
    assert {key: review.locator(f'[data-figure="{key}"]').inner_text() for key in dashboard} == dashboard
    assert _overflow(review) == []
    assert errors == [] and failed == []
    visitor.close()


def test_a_new_account_shows_as_onboarding_on_its_page_and_in_the_portfolio(page, live_server, sign_in):
    sign_in(page, ROLES["csm"], DEMO_PASSWORD)
    page.goto("/accounts/NEW-001/")
    expect(page.locator('[data-card="onboarding"]')).to_be_visible()
    expect(page.locator('[data-card="health"]')).to_have_count(0)
    expect(page.get_by_test_id("onboarding-checklist").locator("li")).to_have_count(5)
    assert _overflow(page) == []
    page.goto("/csm/")
    expect(page.get_by_test_id("onboarding-list").get_by_text("Newcomer GmbH")).to_be_visible()
    attention = page.locator("section[aria-labelledby='risk-h'] ul.list-group").first
    assert "Newcomer GmbH" not in attention.inner_text()
