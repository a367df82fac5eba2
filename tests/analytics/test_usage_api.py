"""GET /api/v1/accounts/{ext}/usage against a hand computation, its dates and its rights."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.analytics.conftest import iso


@pytest.fixture
def alpha_events(post_events, recent):
    """Two days of ALPHA usage by hand: day 3 ago and day 1 ago."""
    events = [
        ("1", "ann", "login", None, recent(3, 8)),
        ("2", "ann", "feature_used", "dashboards", recent(3, 9)),
        ("3", "ann", "feature_used", "dashboards", recent(3, 10)),
        ("4", "bob", "page_view", None, recent(3, 11)),
        ("5", "bob", "feature_used", "exports", recent(1, 9)),
        ("6", "bob", "feature_used", "dashboards", recent(1, 9, 30)),
        ("7", "bob", "login", None, recent(1, 8)),
        ("8", "bob", "login", None, recent(1, 23, 59)),
        ("9", "cat", "report_run", None, recent(1, 12)),
    ]
    body = [{"id": n, "account": "ALPHA", "user": user, "type": kind, "ts": iso(ts), **({"feature": f} if f else {})}
            for n, user, kind, f, ts in events]
    assert post_events(body).status_code == 200
    return recent


def test_usage_matches_a_hand_computation(api, world, alpha_events):
    recent = alpha_events
    start, end = recent(4).date(), recent(0).date()
    response = api(world["customer_a"]).get(f"/api/v1/accounts/ALPHA/usage?start={start}&end={end}")
    assert response.status_code == 200
    body = response.get_json()
    assert [day["date"] for day in body["days"]] == [(start + timedelta(days=n)).isoformat() for n in range(5)]
    by_date = {day["date"]: day for day in body["days"]}
    assert by_date[recent(3).date().isoformat()] == {"date": recent(3).date().isoformat(), "active_users": 2, "logins": 1, "events": 4}
    assert by_date[recent(1).date().isoformat()] == {"date": recent(1).date().isoformat(), "active_users": 2, "logins": 2, "events": 5}
    assert by_date[recent(2).date().isoformat()] == {"date": recent(2).date().isoformat(), "active_users": 0, "logins": 0, "events": 0}
    assert sorted(body["features"], key=lambda f: f["feature"]) == [
        {"feature": "dashboards", "users": 2, "events": 3},
        {"feature": "exports", "users": 1, "events": 1},
    ]


def test_a_one_day_range_counts_only_that_day(api, world, alpha_events):
    day = alpha_events(1).date()
    body = api(world["csm_a"]).get(f"/api/v1/accounts/ALPHA/usage?start={day}&end={day}").get_json()
    assert len(body["days"]) == 1
    assert sorted((f["feature"], f["users"], f["events"]) for f in body["features"]) == [("dashboards", 1, 1), ("exports", 1, 1)]


def test_default_range_is_the_last_30_days(api, world):
    body = api(world["admin"]).get("/api/v1/accounts/ALPHA/usage").get_json()
    assert len(body["days"]) == 30
    assert body["features"] == []


@pytest.mark.parametrize("query", ["?start=2026-1-5", "?start=yesterday", "?end=2026-02-30",
                                   "?start=2026-02-10&end=2026-02-01", "?start=1900-01-01&end=2026-01-01"])
def test_bad_dates_are_422(api, world, query):
    response = api(world["admin"]).get(f"/api/v1/accounts/ALPHA/usage{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]


@pytest.mark.parametrize("role", ["customer_a", "csm_a"])
def test_another_accounts_usage_is_404_like_an_unknown_one(api, world, role):
    client = api(world[role])
    other = client.get("/api/v1/accounts/BETA/usage")
    unknown = client.get("/api/v1/accounts/NOPE/usage")
    assert other.status_code == unknown.status_code == 404
    assert other.get_json() == unknown.get_json()


def test_usage_needs_a_token(client, world):
    assert client.get("/api/v1/accounts/ALPHA/usage").status_code == 401
