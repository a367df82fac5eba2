"""XSS in the real browser: pages full of payloads open no dialog and break no Content-Security-Policy rule.

The live portal gets the demo vendor with payloads in every user-written text; Chromium then
opens the pages that show them. `alert(1)` running anywhere would open a dialog; the `page`
fixture fails the test on any console error, which is how Chromium reports a CSP violation
("Refused to ..." or "... violates the following Content Security Policy directive"). The last test proves that the fixture does catch one.
"""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from models.accounts import Account, User
from models.db import Session, utcnow
from models.knowledge import Article
from portal.demo import DEMO_PASSWORD, seed_demo
from tests.security.xss import PAYLOADS, plant_payloads


@pytest.fixture(scope="module")
def payload_portal(live_server):
    """The live portal with the demo vendor and payloads everywhere; the ids the tests open."""
    with live_server.app.app_context():
        Session.remove()
        Session.configure(bind=live_server.app.extensions["db_engine"])
        # The demo expects an empty database: this module's server drops the small cast first.
        for model in (User, Account):
            Session.execute(delete(model))
        seed_demo(n_accounts=3, days=40, seed=5)
        Session.commit()
        plant_payloads()
        Session.commit()
        customer = Session.scalar(select(User).where(User.email == "user1@acme-001.example"))
        slug = Session.scalar(select(Article.slug).where(Article.status == "published").order_by(Article.id))
        found = {"ext": customer.account.external_id, "slug": slug}
        Session.remove()
    return found


def _watch_dialogs(page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def _forget_payload_images(page) -> None:
    """Drop the 404 of the image the payloads point to ("x", beside the article): a broken image is no script."""
    for found in (page.problems.console_errors, page.problems.failed_requests):
        found[:] = [problem for problem in found if not re.search(r"/kb/x\b", problem)]


def _visit(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")  # charts fetched and drawn with their payload labels


def test_customer_pages_with_payloads_open_no_dialog(page, sign_in, payload_portal):
    """Dashboard, plan, assessment, an article and payload searches: no script of a payload runs."""
    dialogs = _watch_dialogs(page)
    sign_in(page, "user1@acme-001.example", DEMO_PASSWORD)
    ext = payload_portal["ext"]
    for path in (f"/accounts/{ext}/", f"/accounts/{ext}/plan", f"/accounts/{ext}/assessment",
                 f"/kb/{payload_portal['slug']}", "/kb/"):
        _visit(page, path)
    for payload in PAYLOADS[:12]:
        _visit(page, f"/kb/search?q={quote(payload)}")
    expect(page.locator("body")).to_contain_text("alert(1)")  # the payload is shown, as text
    assert dialogs == []
    _forget_payload_images(page)


def test_staff_pages_with_payloads_open_no_dialog(page, sign_in, payload_portal):
    """Portfolio with warnings, NPS answers and follow-ups, content gaps, playbooks, and a review link."""
    dialogs = _watch_dialogs(page)
    sign_in(page, "admin@demo.example", DEMO_PASSWORD)
    ext = payload_portal["ext"]
    for path in ("/csm/", "/surveys/", "/surveys/followups", "/surveys/followups/1", "/surveys/campaigns",
                 "/kb/admin/analytics", "/kb/admin/gaps", "/playbooks/", "/playbooks/tasks", "/admin/maturity",
                 f"/accounts/{ext}/", "/admin/users", "/admin/accounts"):
        _visit(page, path)
    _visit(page, f"/accounts/{ext}/share")
    today = utcnow().date()
    page.get_by_label("First day of the period").fill((today - timedelta(days=30)).isoformat())
    page.get_by_label("Last day of the period").fill(today.isoformat())
    page.get_by_label("Note for the review (optional)").fill(PAYLOADS[1] + PAYLOADS[0])
    page.get_by_role("button", name="Create link").click()
    page.wait_for_load_state()
    link = re.search(r"/share/[A-Za-z0-9_-]{40,}", page.content())
    assert link, "the new review link is shown"
    _visit(page, link.group(0))
    expect(page.locator("body")).to_contain_text("onerror=alert(1)")
    assert dialogs == []
    _forget_payload_images(page)


def test_the_page_fixture_reports_a_csp_violation(page, payload_portal):
    """An inline script is refused by the CSP, and the refusal reaches the fixture's console errors."""
    _visit(page, "/login")
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.appendChild(script);
    }""")
    deadline = utcnow() + timedelta(seconds=5)
    while not page.problems.console_errors and utcnow() < deadline:
        page.wait_for_timeout(50)
    assert page.evaluate("window.injected === undefined")
    # Older Chromium says "Refused to execute inline script ...", newer "Executing inline script violates ...".
    refused = [e for e in page.problems.console_errors if "Content Security Policy" in e]
    assert refused, page.problems.console_errors
    page.problems.console_errors.clear()  # caught as it should be; the fixture's own check must now pass
