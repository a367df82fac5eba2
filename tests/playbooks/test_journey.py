"""The CSM's journey in a real browser: define a segment, preview it, create a playbook, dry-run it."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect


pytestmark = pytest.mark.browser

RULES = json.dumps({"rules": [{"kind": "days_to_renewal", "op": "<=", "days": 120}]})


def test_csm_defines_previews_creates_and_dry_runs_a_playbook(page, live_server, sign_in, shoot):  # noqa: F811
    """Casey sees Alpha (their account renewing in 90 days) in the live preview and in the dry run; no console error."""
    sign_in(page, live_server.cast["csm"].email)
    page.goto("/playbooks/")
    page.get_by_role("link", name="New segment").click()
    page.get_by_label("Name", exact=True).fill("Renewing within 120 days")
    page.get_by_label("Rules", exact=True).fill('{"rules": [{"kind": "feature_unused", "feature": "teleport", "days": 30}]}')
    status = page.locator("#preview-status")
    status.filter(has_text="There is no feature").wait_for()
    page.get_by_label("Rules", exact=True).fill('{"rules": []}')
    page.get_by_label("Add a rule").select_option("tier")
    page.get_by_role("button", name="Add rule").click()
    assert '"kind": "tier"' in page.get_by_label("Rules", exact=True).input_value()
    status.filter(has_text="0 of 1 active accounts match").wait_for()  # Alpha is a top-tier account
    page.get_by_label("Rules", exact=True).fill(RULES)
    status.filter(has_text="1 of 1 active accounts match").wait_for()
    assert page.locator("#preview-members").inner_text().strip() == "Alpha Inc (ALPHA)"
    shoot(page, "playbooks-segment-preview")
    page.get_by_role("button", name="Save segment").click()
    assert "Segment Renewing within 120 days saved." in page.locator("main").inner_text()

    page.get_by_role("link", name="New playbook").click()
    page.get_by_label("Name", exact=True).fill("Renewal preparation")
    page.get_by_label("E-mail subject").fill("Your renewal, {{ first_name }}")
    page.get_by_label("E-mail body (Markdown)").fill("Hello {{ first_name }},\n\n**{{ account_name }}** renews soon.")
    page.get_by_label("Task for the CSM").fill("Prepare the renewal review.")
    page.get_by_role("button", name="Save playbook").click()
    assert "matches every one of the 1 accounts" in page.locator("main").inner_text()
    page.get_by_label("I confirm", exact=False).check()
    page.get_by_role("button", name="Save playbook").click()
    assert "Playbook Renewal preparation saved." in page.locator("main").inner_text()
    shoot(page, "playbooks-playbook-form")

    page.get_by_role("button", name="Dry run").click()
    table = page.get_by_role("table").inner_text()
    assert "pat@alpha.test" in table and "e-mail: Your renewal, Pat" in table
    assert "casey@portal.test" in table and "CSM task" in table
    assert "sam@beta.test" not in table
    shoot(page, "playbooks-dry-run")


def test_cohort_page_draws_its_charts(page, live_server, sign_in, shoot):  # noqa: F811
    """The cohort heat-map table and the five charts (the Kaplan–Meier curve among them) load from the portal itself."""
    sign_in(page, live_server.cast["admin"].email)
    page.goto("/playbooks/cohorts")
    assert page.get_by_role("heading", name="Logo retention (% of accounts)").is_visible()
    expect(page.locator(".chart[data-chart-ready='true']")).to_have_count(5)
    assert page.locator(".chart .bk-Figure, .chart.chart-empty").count() == 5
    shoot(page, "playbooks-cohorts")
