"""The CSM's journey in a real browser: warnings in the portfolio, the account, a review link, revoking it."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from models.db import Session, utcnow
from tests.health.helpers import add_usage, days_back

pytestmark = pytest.mark.browser


def wait_for_charts(target) -> None:
    """Wait until every chart placeholder of the page has been drawn (or shows its empty state)."""
    from playwright.sync_api import expect

    expect(target.locator(".chart:not([data-chart-ready])")).to_have_count(0)


def _seed_decline(live) -> None:
    """Alpha's people stop logging in: usage for weeks 3 to 8 back, none since; then health is recomputed."""
    from analytics.health.recompute import recompute

    with live.app.app_context():
        Session.remove()
        Session.configure(bind=live.app.extensions["db_engine"])
        alpha = live.cast["alpha"]
        customer = Session.merge(live.cast["customer"])
        today = utcnow().date()
        add_usage(Session.merge(alpha), [customer], days_back(today, 55, 20))
        recompute(today - timedelta(days=1), warnings=False)
        recompute(today)
        Session.commit()


def test_csm_sees_a_warning_opens_the_account_and_shares_a_review(page, live_server, sign_in, shoot, browser):  # noqa: F811
    """Portfolio → warning acknowledged → account dashboard with the health card → review link → revoked → 410."""
    _seed_decline(live_server)
    sign_in(page, live_server.cast["csm"].email)
    assert page.url.endswith("/csm/")
    warnings = page.locator("#warnings")
    assert "No login" in warnings.inner_text() and "Alpha Inc" in warnings.inner_text()
    wait_for_charts(page)
    shoot(page, "health-portfolio")
    warnings.get_by_role("button", name="Acknowledge").first.click()
    assert page.get_by_text("Warning acknowledged.").is_visible()
    wait_for_charts(page)

    page.locator("#accounts").get_by_role("link", name="Alpha Inc", exact=True).click()
    page.wait_for_url(re.compile(r"/accounts/ALPHA/"))
    assert "Health score" in page.locator('[data-card="health"]').inner_text()
    wait_for_charts(page)

    page.goto("/csm/")
    page.locator("#accounts").get_by_role("link", name=re.compile("Share")).first.click()
    page.get_by_label("Note for the review (optional)").fill("Usage fell in the last weeks; let us plan a restart.")
    page.get_by_role("button", name="Create link").click()
    link = page.get_by_label("New review link").input_value()
    assert "/share/" in link
    shoot(page, "health-share-created")

    review = browser.new_context(base_url=live_server.url).new_page()
    review.goto(link)
    assert review.get_by_role("heading", level=1).inner_text().startswith("Business review: Alpha Inc")
    assert "let us plan a restart" in review.content()
    assert review.locator("nav.navbar").count() == 0
    wait_for_charts(review)
    shoot(review, "health-share-review")

    page.get_by_role("button", name="Revoke").first.click()
    assert page.get_by_text("The link was revoked").is_visible()
    gone = review.goto(link)
    assert gone.status == 410 and "no longer valid" in review.content()
    review.context.close()
