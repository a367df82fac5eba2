"""The value dashboard: the same figures for the customer, the CSM and an admin; period picker; chart JSON."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from analytics.usage.rollups import today_horizon
from models.db import Session
from portal.dashboard import charts_build
from portal.dashboard import context as dashboard_context
from models.usage import EngagementEvent, KeyFeature
from tests.analytics.conftest import iso
from tests.conftest import sign_in


def _figures(html: str) -> dict:
    """The headline figures and key-feature users as a page shows them."""
    headline = ("active_users", "seat_utilisation", "logins", "reports_run")
    found = {k: v for k, v in re.findall(r'data-figure="([a-z_]+)">([^<]*)<', html) if k in headline}
    found.update({f"feature:{k}": v for k, v in re.findall(r'data-feature-users="([^"]+)">([^<]*)<', html)})
    return found


@pytest.fixture
def usage(app, post_events, recent):
    """Usage of ALPHA: three people in the last 28 days, one of them also in the 28 before; key features."""
    with app.app_context():
        Session.add_all([KeyFeature(feature="dashboards", name="Dashboards", maturity_level=2),
                         KeyFeature(feature="api_access", name="API access", article_slug="start-with-the-api")])
        Session.commit()
    events = [
        {"id": "a1", "user": "ann", "type": "login", "ts": iso(recent(1))},
        {"id": "a2", "user": "ann", "type": "feature_used", "feature": "dashboards", "ts": iso(recent(1, 11))},
        {"id": "b1", "user": "bob", "type": "login", "ts": iso(recent(5))},
        {"id": "b2", "user": "bob", "type": "report_run", "ts": iso(recent(5, 12))},
        {"id": "b3", "user": "bob", "type": "feature_used", "feature": "dashboards", "ts": iso(recent(6))},
        {"id": "c1", "user": "cat", "type": "page_view", "ts": iso(recent(20))},
        {"id": "o1", "user": "ann", "type": "login", "ts": iso(recent(40))},
        {"id": "o2", "user": "ann", "type": "login", "ts": iso(recent(41))},
    ]
    response = post_events([{**event, "account": "ALPHA"} for event in events])
    assert response.status_code == 200, response.get_json()


def test_customer_csm_and_admin_see_the_same_figures(app, world, usage):
    pages = {}
    for role in ("customer_a", "csm_a", "admin"):
        client = app.test_client()
        sign_in(client, world[role])
        response = client.get("/accounts/ALPHA/")
        assert response.status_code == 200
        pages[role] = _figures(response.get_data(as_text=True))
    assert pages["customer_a"] == pages["csm_a"] == pages["admin"]
    figures = pages["admin"]
    assert figures["active_users"] == "3"
    assert figures["seat_utilisation"] == "15%"  # 3 of 20 seats
    assert figures["logins"] == "2"
    assert figures["reports_run"] == "1"
    assert figures["feature:dashboards"] == "2"
    assert figures["feature:api_access"] == "0"


def test_headline_cards_show_the_change_against_the_comparison_period(client, world, usage):
    sign_in(client, world["customer_a"])
    html = client.get("/accounts/ALPHA/").get_data(as_text=True)
    assert re.search(r'data-change="active_users">\s*▲\s*\+2 people \(\+200%\)', html)
    assert re.search(r'data-change="logins">\s*■\s*\+0 logins', html)


def test_an_unused_key_feature_links_to_its_help_article(client, world, usage):
    sign_in(client, world["customer_a"])
    html = client.get("/accounts/ALPHA/").get_data(as_text=True)
    assert "Not used yet" in html and 'href="/kb/start-with-the-api"' in html


def test_dashboard_without_usage_shows_friendly_empty_states(client, world):
    sign_in(client, world["customer_b"])
    html = client.get("/accounts/BETA/").get_data(as_text=True)
    assert "No key features yet" in html
    assert _figures(html)["active_users"] == "0"


def test_a_customer_visit_is_recorded_once_a_day(app, client, world):
    sign_in(client, world["customer_a"])
    client.get("/accounts/ALPHA/")
    client.get("/accounts/ALPHA/")
    with app.app_context():
        visits = Session.scalar(select(func.count()).select_from(EngagementEvent)
                                .where(EngagementEvent.kind == "portal_visit"))
    assert visits == 1


def test_staff_visits_are_not_customer_engagement(app, client, world):
    sign_in(client, world["csm_a"])
    client.get("/accounts/ALPHA/")
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(EngagementEvent)) == 0


TEN_DAYS_AGO = date.today() - timedelta(days=10)


@pytest.mark.parametrize("query, expected_days", [
    ("", 30), ("?range=90", 90), ("?range=365", 365),
    (f"?range=custom&start={TEN_DAYS_AGO - timedelta(days=9)}&end={TEN_DAYS_AGO}", 10),
])
def test_period_picker_sets_the_period_of_every_chart(client, world, usage, query, expected_days):
    sign_in(client, world["customer_a"])
    html = client.get(f"/accounts/ALPHA/{query}").get_data(as_text=True)
    urls = re.findall(r'data-chart-url="([^"]+)"', html)
    # usage, activity and key features (when the period has usage), health and NPS: one period for all
    assert len(urls) == (2 if query.startswith("?range=custom") else 5)
    for url in urls:
        start, end = re.search(r"start=([\d-]+)&amp;end=([\d-]+)", url).groups()
        assert (date.fromisoformat(end) - date.fromisoformat(start)).days + 1 == expected_days


@pytest.mark.parametrize("query, message", [
    ("?range=custom", "Enter the first day"),
    ("?range=custom&start=2026-02-10&end=2026-02-01", "must not be after the last day"),
    ("?range=custom&start=yesterday&end=2026-02-01", "Enter the first day as a date"),
    ("?range=custom&start=2020-01-01&end=2026-02-01", "Pick at most"),
    ("?range=custom&start=0001-01-01&end=0001-01-31", "on or after 1900-01-01"),
    ("?range=7", "Choose a period from the list."),
])
def test_period_picker_explains_a_bad_choice_and_keeps_the_default(client, world, query, message):
    sign_in(client, world["customer_a"])
    response = client.get(f"/accounts/ALPHA/{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html
    start, end = re.search(r'data-period="([\d-]+)/([\d-]+)"', html).groups()
    assert (date.fromisoformat(end) - date.fromisoformat(start)).days + 1 == 30


def test_a_custom_end_in_the_future_is_refused(client, world):
    sign_in(client, world["customer_a"])
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    html = client.get(f"/accounts/ALPHA/?range=custom&start=2025-01-01&end={tomorrow}").get_data(as_text=True)
    assert "cannot be after today" in html


@pytest.mark.parametrize("name", ["active_users", "activity", "feature_adoption"])
def test_chart_json_with_data_is_a_bokeh_item(client, world, usage, name):
    sign_in(client, world["customer_a"])
    response = client.get(f"/accounts/ALPHA/charts/{name}.json")
    assert response.status_code == 200
    item = response.get_json()
    assert "doc" in item and "root_id" in item
    text = response.get_data(as_text=True)
    assert "HoverTool" in text
    assert "axis_label" in text


@pytest.mark.parametrize("name", ["active_users", "activity", "feature_adoption"])
def test_chart_json_without_data_is_an_empty_state(client, world, name):
    sign_in(client, world["customer_b"])
    response = client.get(f"/accounts/BETA/charts/{name}.json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["empty"] is True and body["message"]


def test_new_events_refresh_a_cached_chart(client, world, usage, post_events, recent):
    sign_in(client, world["customer_a"])
    first = client.get("/accounts/ALPHA/charts/active_users.json").get_data(as_text=True)
    assert client.get("/accounts/ALPHA/charts/active_users.json").get_data(as_text=True) == first
    post_events([{"id": "new", "account": "ALPHA", "user": "dan", "type": "login", "ts": iso(recent(2))}])
    assert client.get("/accounts/ALPHA/charts/active_users.json").get_data(as_text=True) != first


def test_events_of_today_keep_the_default_period_cached(app, client, world, usage, post_events, recent, monkeypatch):
    """The default period ends yesterday: a batch of today's events does not rebuild its figures or charts."""
    sign_in(client, world["customer_a"])
    first = client.get("/accounts/ALPHA/charts/active_users.json").get_data(as_text=True)
    client.get("/accounts/ALPHA/")
    builds = []
    page_figures, build = dashboard_context.page_figures, charts_build.build
    monkeypatch.setattr(dashboard_context, "page_figures", lambda *a: builds.append("figures") or page_figures(*a))
    monkeypatch.setattr(charts_build, "build", lambda *a: builds.append("chart") or build(*a))
    moment = datetime.now(timezone.utc)
    with app.app_context():
        history = moment.date() < today_horizon()  # in the last minutes of a day, today counts as history
    post_events([{"id": "today", "account": "ALPHA", "user": "dan", "type": "login", "ts": iso(moment)}])
    again = client.get("/accounts/ALPHA/charts/active_users.json").get_data(as_text=True)
    assert client.get("/accounts/ALPHA/").status_code == 200
    assert (again != first) if history else (again == first and builds == [])
    client.get(f"/accounts/ALPHA/?range=custom&start={(moment.date() - timedelta(days=3)).isoformat()}&end={moment.date().isoformat()}")
    assert "figures" in builds  # a period that includes today is rebuilt


@pytest.mark.parametrize("query", ["?start=nope", "?start=2026-02-10&end=2026-02-01", "?start=2000-01-01&end=2026-01-01",
                                   "?start=9999-12-31&end=9999-12-31"])
def test_chart_json_refuses_bad_dates_with_400(client, world, query):
    sign_in(client, world["customer_a"])
    assert client.get(f"/accounts/ALPHA/charts/active_users.json{query}").status_code == 400


def test_an_unknown_chart_is_404(client, world):
    sign_in(client, world["customer_a"])
    assert client.get("/accounts/ALPHA/charts/secrets.json").status_code == 404


@pytest.mark.parametrize("role", ["customer_a", "csm_a"])
def test_another_accounts_chart_is_404(client, world, usage, role):
    sign_in(client, world[role])
    assert client.get("/accounts/BETA/charts/active_users.json").status_code == 404
