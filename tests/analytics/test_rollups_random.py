"""On a random event set, every rollup figure equals the figure computed directly from the raw events."""
from __future__ import annotations

import random
import re
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from models.db import Session
from models.usage import UsageAccountDay, UsageEvent, UsageFeatureDay, UsageUserDay, UsageUserFeatureDay
from tests.analytics.conftest import iso
from tests.conftest import sign_in

FEATURES = ("dashboards", "exports", "alerts")
TYPES = ("login", "page_view", "feature_used", "report_run")


def _random_events(rng: random.Random, n: int) -> list[dict]:
    now = datetime.now(timezone.utc)
    events = []
    for index in range(n):
        kind = rng.choice(TYPES)
        moment = now - timedelta(minutes=rng.randint(10, 60 * 24 * 20))
        offset = timezone(timedelta(hours=rng.choice((-7, 0, 2, 5))))
        event = {"id": f"r{rng.randint(0, int(n * 0.8))}",  # about a fifth repeat an earlier id
                 "account": rng.choice(("ALPHA", "ALPHA", "BETA")), "user": f"person-{rng.randint(1, 9)}",
                 "type": kind, "ts": moment.astimezone(offset).isoformat()}
        if kind == "feature_used":
            event["feature"] = rng.choice(FEATURES)
        events.append(event)
    return events


def _direct(app) -> dict:
    """Figures computed straight from usage_event."""
    with app.app_context():
        rows = Session.execute(select(UsageEvent.account_id, UsageEvent.user_id, UsageEvent.type,
                                      UsageEvent.feature, UsageEvent.ts)).all()
    account_day = defaultdict(lambda: {"users": set(), "logins": 0, "events": 0, "reports": 0})
    feature_day = defaultdict(lambda: {"users": set(), "events": 0})
    for row in rows:
        ts = row.ts if row.ts.tzinfo else row.ts.replace(tzinfo=timezone.utc)
        day = ts.astimezone(timezone.utc).date()
        entry = account_day[(row.account_id, day)]
        entry["users"].add(row.user_id)
        entry["events"] += 1
        entry["logins"] += row.type == "login"
        entry["reports"] += row.type == "report_run"
        if row.type == "feature_used":
            feature_day[(row.account_id, day, row.feature)]["users"].add(row.user_id)
            feature_day[(row.account_id, day, row.feature)]["events"] += 1
    return {
        "account_day": {key: (len(v["users"]), v["logins"], v["events"], v["reports"]) for key, v in account_day.items()},
        "feature_day": {key: (len(v["users"]), v["events"]) for key, v in feature_day.items()},
        "rows": rows,
    }


def test_rollups_equal_figures_computed_from_raw_events(app, post_events):
    rng = random.Random(20260131)
    for batch in range(3):  # several batches, so upserts add to existing rollup rows
        assert post_events(_random_events(rng, 400)).status_code == 200
    direct = _direct(app)
    with app.app_context():
        account_day = {(r.account_id, r.day): (r.active_users, r.logins, r.events, r.reports_run)
                       for r in Session.scalars(select(UsageAccountDay))}
        feature_day = {(r.account_id, r.day, r.feature): (r.users, r.events) for r in Session.scalars(select(UsageFeatureDay))}
        user_day_total = sum(r.events for r in Session.scalars(select(UsageUserDay)))
        user_feature_total = sum(r.events for r in Session.scalars(select(UsageUserFeatureDay)))
    assert account_day == direct["account_day"]
    assert feature_day == direct["feature_day"]
    assert user_day_total == len(direct["rows"])
    assert user_feature_total == sum(1 for r in direct["rows"] if r.type == "feature_used")


def test_usage_api_and_dashboard_equal_figures_from_raw_events(app, client, api, world, post_events):
    rng = random.Random(7)
    assert post_events(_random_events(rng, 600)).status_code == 200
    direct = _direct(app)
    alpha = world["account_a"].id
    today = datetime.now(timezone.utc).date()
    start = today - timedelta(days=29)
    body = api(world["customer_a"]).get(f"/api/v1/accounts/ALPHA/usage?start={start}&end={today}").get_json()
    for day in body["days"]:
        expected = direct["account_day"].get((alpha, datetime.fromisoformat(day["date"]).date()), (0, 0, 0, 0))
        assert (day["active_users"], day["logins"], day["events"]) == expected[:3]
    feature_users = defaultdict(set)
    feature_events = defaultdict(int)
    for row in direct["rows"]:
        ts = row.ts if row.ts.tzinfo else row.ts.replace(tzinfo=timezone.utc)
        if row.account_id == alpha and row.type == "feature_used" and start <= ts.astimezone(timezone.utc).date() <= today:
            feature_users[row.feature].add(row.user_id)
            feature_events[row.feature] += 1
    assert {f["feature"]: (f["users"], f["events"]) for f in body["features"]} == {
        name: (len(feature_users[name]), feature_events[name]) for name in feature_users}

    window_end = today - timedelta(days=1)  # the default period: the last 30 complete days
    window_start = window_end - timedelta(days=29)
    in_window = [r for r in direct["rows"] if r.account_id == alpha
                 and window_start <= (r.ts if r.ts.tzinfo else r.ts.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).date() <= window_end]
    sign_in(client, world["csm_a"])
    html = client.get("/accounts/ALPHA/").get_data(as_text=True)
    figures = dict(re.findall(r'data-figure="([a-z_]+)">([^<]*)<', html))
    assert figures["active_users"] == str(len({r.user_id for r in in_window}))
    assert figures["logins"] == str(sum(1 for r in in_window if r.type == "login"))
    assert figures["reports_run"] == str(sum(1 for r in in_window if r.type == "report_run"))
