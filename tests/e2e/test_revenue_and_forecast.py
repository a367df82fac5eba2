"""In the browser: the portfolio's revenue figures with their formulas, the forecast page with its reliability
chart drawn, and the Kaplan–Meier chart of the cohorts page."""
from __future__ import annotations

from playwright.sync_api import expect

from analytics.forecast.service import refit
from analytics.forecast.synthetic import generate
from models.db import Session
from core.settings import set_setting
from tests.forecast.conftest import END, store


def test_staff_see_revenue_formulas_the_backtest_and_retention_curves(page, live_server, sign_in, shoot):
    with live_server.app.app_context():
        store(generate(accounts=60, days=400, seed=4, end=END))
        set_setting("forecast.min_churns", 3)
        refit(END)
        Session.commit()
    sign_in(page, live_server.cast["admin"].email)
    page.goto(f"/csm/?start=2026-01-01&end={END.isoformat()}")
    expect(page.get_by_role("heading", name=f"Revenue from 2026-01-01 to {END.isoformat()}")).to_be_visible()
    nrr = page.locator('[data-metric="nrr"]')
    expect(nrr).to_contain_text("% over the period")
    formula = nrr.locator("xpath=..").locator("details")
    formula.locator("summary").click()
    expect(formula).to_contain_text("ARR at the start + expansion")
    shoot(page, "portfolio-revenue")

    page.goto("/csm/forecast")
    expect(page.get_by_role("heading", name="Reliability")).to_be_visible()
    expect(page.locator(".chart:not([data-chart-ready])")).to_have_count(0, timeout=15_000)
    assert page.locator("canvas").count() >= 1
    expect(page.locator('[data-figure="brier"]')).not_to_be_empty()
    shoot(page, "forecast-backtest")

    page.goto("/playbooks/cohorts")
    # five charts over 60 accounts' year of history: slower than the default 5 s on a busy machine
    expect(page.locator(".chart:not([data-chart-ready])")).to_have_count(0, timeout=30_000)
    expect(page.get_by_role("group", name="Logo retention: Kaplan–Meier curve with 95% band, overall and per tier")).to_be_visible()
