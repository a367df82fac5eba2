"""`events prune --before`: whole months of raw events dropped, every figure shown unchanged, old ids refused."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from analytics.usage.partitions import month_start
from analytics.usage.rollups import rebuild_rollups
from core.settings import set_setting
from models.db import Session, is_postgres
from models.usage import UsageAccountDay, UsageEvent, UsageEventKey
from tests.analytics.conftest import iso

TODAY = datetime.now(timezone.utc).date()
# Three old months and the current one: the prune drops the first two whole months.
OLD_MONTHS = [month_start(TODAY - timedelta(days=days)) for days in (150, 120, 90)]
HORIZON = OLD_MONTHS[2]


def _events() -> list[dict]:
    events = []
    for m, month in enumerate(OLD_MONTHS + [month_start(TODAY)]):
        for n in range(6):
            moment = datetime.combine(month + timedelta(days=n % 3), datetime.min.time(), tzinfo=timezone.utc)
            moment += timedelta(hours=9 + n)
            if moment.date() > TODAY:
                continue
            kind = ("login", "feature_used", "report_run")[n % 3]
            event = {"id": f"m{m}-{n}", "account": "ALPHA", "user": f"person-{n % 4}@alpha.test", "type": kind,
                     "ts": iso(moment)}
            if kind == "feature_used":
                event["feature"] = "dashboards"
            events.append(event)
    return events


def _figures(api, world) -> dict:
    """Every usage figure the API gives for the whole span, with NPS and health left out."""
    reader = api(world["admin"])
    start = (OLD_MONTHS[0] - timedelta(days=1)).isoformat()
    usage = reader.get(f"/api/v1/accounts/ALPHA/usage?start={start}&end={TODAY.isoformat()}")
    assert usage.status_code == 200
    return usage.get_json()


@pytest.fixture
def stored(app, world, post_events):
    """The events posted, and a retention of 30 days so the old months may be pruned."""
    response = post_events(_events())
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        set_setting("events.retention_days", 30)
        Session.commit()
    return response.get_json()["accepted"]


def _raw_count(app) -> int:
    with app.app_context():
        return Session.scalar(select(func.count()).select_from(UsageEvent))


def test_prune_drops_whole_old_months_and_every_figure_stays_the_same(app, world, api, stored):
    before = _figures(api, world)
    assert sum(day["events"] for day in before["days"]) == stored
    cut = HORIZON + timedelta(days=10)  # inside a month: only the whole months before it go
    result = app.test_cli_runner().invoke(args=["events", "prune", "--before", cut.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"before {HORIZON.isoformat()}" in result.output
    assert "Dropped 12 raw events in 2 whole month(s)" in result.output
    assert _raw_count(app) == stored - 12
    assert _figures(api, world) == before
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(UsageEventKey)) == stored  # ids are kept
        if is_postgres(Session):
            names = set(Session.scalars(text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'usage_event'::regclass")))
            assert f"usage_event_{OLD_MONTHS[0]:%Y%m}" not in names
            assert f"usage_event_{HORIZON:%Y%m}" in names


def test_a_rebuild_after_a_prune_keeps_the_pruned_months_rollups(app, world, api, stored):
    assert app.test_cli_runner().invoke(args=["events", "prune", "--before", HORIZON.isoformat()]).exit_code == 0
    before = _figures(api, world)
    with app.app_context():
        rebuild_rollups([world["account_a"].id])
        Session.commit()
        old_days = Session.scalar(select(func.count()).select_from(UsageAccountDay)
                                  .where(UsageAccountDay.day < HORIZON))
    assert old_days > 0
    assert _figures(api, world) == before


def test_an_event_dated_before_the_horizon_is_refused_and_a_resent_id_stays_a_duplicate(app, world, stored, post_events):
    assert app.test_cli_runner().invoke(args=["events", "prune", "--before", HORIZON.isoformat()]).exit_code == 0
    old = _events()[0]
    refused = post_events([old])
    assert refused.status_code == 422
    assert "pruned" in refused.get_json()["errors"][0]["message"]
    moved = dict(old, ts=iso(datetime.combine(TODAY, datetime.min.time(), tzinfo=timezone.utc)))
    again = post_events([moved])
    assert again.status_code == 200
    assert again.get_json() == {"accepted": 0, "duplicates": 1}


@pytest.mark.parametrize("value, says", [
    ("2026-13-01", "YYYY-MM-DD"),
    ("yesterday", "YYYY-MM-DD"),
    (None, "retention"),  # a date within the retention window
])
def test_a_bad_prune_date_exits_1_with_one_line_and_drops_nothing(app, world, stored, value, says):
    if value is None:
        value = (TODAY - timedelta(days=5)).isoformat()
    result = app.test_cli_runner().invoke(args=["events", "prune", "--before", value])
    assert result.exit_code == 1
    assert says in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _raw_count(app) == stored


def test_events_of_a_new_month_get_their_partition(app, world, post_events, recent):
    response = post_events([{"id": "now-1", "account": "ALPHA", "user": "pat@alpha.test", "type": "login",
                             "ts": iso(recent(0, 0))}])
    assert response.status_code == 200
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(UsageEvent)) == 1
        if is_postgres(Session):
            month = month_start(date.today())
            assert Session.scalar(text("SELECT to_regclass(:name) IS NOT NULL").bindparams(
                name=f"usage_event_{month:%Y%m}"))
