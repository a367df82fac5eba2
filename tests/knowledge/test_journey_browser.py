"""The knowledge base in a real browser: an admin writes, a customer finds and rates, the gaps report shows it."""
from __future__ import annotations

import re

import pytest

from knowledge import services
from models.db import Session

pytestmark = pytest.mark.browser


def _seed_article(live) -> None:
    with live.app.app_context():
        Session.remove()
        Session.configure(bind=live.app.extensions["db_engine"])
        services.create_article(services.ArticleInput(
            "Schedule a weekly report", "Reports can arrive **every Monday**.", "published", category="Reporting",
        ), None)
        Session.commit()


def _sign_out(target) -> None:
    target.get_by_role("button", name="Sign out").click()
    target.wait_for_url(re.compile(r"/login"))
    target.wait_for_load_state("load")


def test_admin_writes_customer_finds_and_rates_gap_is_listed(page, live_server, sign_in, shoot, browser):  # noqa: F811
    """Editor with similar titles and live preview → search → article → "No" with a comment → content gaps."""
    from playwright.sync_api import expect

    _seed_article(live_server)
    sign_in(page, live_server.cast["admin"].email)
    page.wait_for_load_state("load")
    page.goto("/kb/admin/new")
    page.get_by_label("Title", exact=True).fill("Scheduling reports for the team")
    expect(page.locator("#kb-similar")).to_contain_text("Schedule a weekly report")
    page.get_by_label("Category").fill("Reporting")
    page.get_by_label("Status").select_option("published")
    page.get_by_label("Body (Markdown)").fill("## Share with the team\n\nSend the **team digest** on Fridays.\n\n<script>alert(1)</script>")
    expect(page.locator("#kb-preview h2")).to_have_text("Share with the team")
    expect(page.locator("#kb-preview script")).to_have_count(0)
    shoot(page, "kb-editor")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("was saved as published")
    page.wait_for_load_state("load")
    _sign_out(page)

    sign_in(page, live_server.cast["customer"].email)
    page.get_by_role("link", name="Knowledge base", exact=True).click()
    page.wait_for_load_state("load")
    page.get_by_label("Search the knowledge base").fill("team dig")
    expect(page.locator(".kb-suggest a")).to_have_text(["Scheduling reports for the team"])
    page.get_by_label("Search the knowledge base").fill("team digest")
    expect(page.locator(".kb-suggest a")).to_have_count(1)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator(".kb-snippet mark").first).to_be_visible()
    shoot(page, "kb-search")
    page.get_by_role("link", name="Scheduling reports for the team").click()
    page.wait_for_url(re.compile(r"/kb/scheduling-reports-for-the-team"))
    page.wait_for_load_state("load")
    page.get_by_label("What was missing or unclear? (optional)").fill("Which day is best for other time zones?")
    page.get_by_role("button", name="No", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Thank you")
    expect(page.get_by_text("You answered “no”")).to_be_visible()
    page.wait_for_load_state("load")
    shoot(page, "kb-article")
    _sign_out(page)

    sign_in(page, live_server.cast["admin"].email)
    page.goto("/kb/admin/gaps")
    expect(page.locator("main")).to_contain_text("Which day is best for other time zones?")
    page.wait_for_load_state("load")
    page.goto("/kb/admin/analytics")
    expect(page.locator(".chart:not([data-chart-ready])")).to_have_count(0)
    shoot(page, "kb-analytics")
