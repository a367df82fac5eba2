"""A customer's value dashboard in the browser: usage arrives, charts draw, the period changes, the plan opens."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from models.db import Session
from models.usage import KeyFeature
from portal.services import create_token

PEOPLE = 5
DAYS = 60


def _post_usage(page, live_server) -> int:
    """Send two months of logins and feature use for five people of ALPHA through the API."""
    with live_server.app.app_context():
        token = create_token(email=live_server.cast["admin"].email)
        Session.add(KeyFeature(feature="dashboards", name="Dashboards", description="Shared dashboards"))
        Session.commit()
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    events = []
    for day in range(DAYS):
        for person in range(PEOPLE):
            ts = (now - timedelta(days=day, hours=1 + person)).isoformat()
            events.append({"id": f"j-{day}-{person}-l", "account": "ALPHA", "user": f"alpha-{person}",
                           "type": "login", "ts": ts})
            events.append({"id": f"j-{day}-{person}-f", "account": "ALPHA", "user": f"alpha-{person}",
                           "type": "feature_used", "feature": "dashboards", "ts": ts})
    response = page.request.post("/api/v1/events", data=json.dumps({"events": events}),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert response.status == 200, response.text()
    assert response.json() == {"accepted": len(events), "duplicates": 0}
    return len(events)


def test_customer_sees_usage_charts_changes_the_period_and_opens_the_plan(page, live_server, sign_in, shoot):
    """Every chart of the dashboard is drawn, the figures show the five active people, the period picker works."""
    _post_usage(page, live_server)
    sign_in(page, live_server.cast["customer"].email)
    expect(page).to_have_url(f"{live_server.url}/accounts/ALPHA/")
    charts = page.locator(".chart")
    assert charts.count() >= 3
    expect(page.locator(".chart:not([data-chart-ready])")).to_have_count(0)
    usage_charts = page.locator("[data-section=usage] .chart, [data-section=adoption] .chart")
    expect(usage_charts).to_have_count(3)
    expect(page.locator("[data-section=usage] .chart-empty, [data-section=adoption] .chart-empty")).to_have_count(0)
    assert page.locator("[data-section=usage] canvas, [data-section=adoption] canvas").count() >= 3  # usage is drawn
    # no health score stored and no survey answer yet: a sentence says so instead of an empty frame
    expect(page.locator("[data-section=outcomes] .chart-empty")).to_have_count(2)
    expect(page.get_by_text("of 120 licensed seats", exact=False).first).to_be_visible()
    shoot(page, "dashboard-customer")

    page.locator("select#range").select_option("90")
    page.get_by_role("button", name="Show this period").click()
    page.wait_for_load_state()
    assert "range=90" in page.url
    expect(page.locator(".chart:not([data-chart-ready])")).to_have_count(0)
    expect(page.get_by_test_id("period-note")).to_contain_text("(90 days)")  # one period for every figure and chart

    page.get_by_role("link", name="Success plan", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/accounts/ALPHA/plan")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Success plan")
    shoot(page, "plan-customer")
