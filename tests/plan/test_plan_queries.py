"""Plan figures read from the database: usage measures from rollups, progress per account for the health score."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.db import Session
from models.plans import PlanReading


def test_progress_by_account_is_the_mean_of_capped_progress(app, world, make_metric, today):
    """One metric past its target (capped at 100) and one gone backwards (capped at 0) give 50."""
    from analytics.plan.queries import progress_by_account

    make_metric(world["account_a"], readings={1: 260.0})  # 160% of the way
    make_metric(world["account_a"], name="Handling time", unit="days", direction="lower", baseline_value=10.0,
                target_value=5.0, readings={1: 12.0})  # -40%
    make_metric(world["account_b"], readings={2: 125.0})  # 25%
    with app.app_context():
        progress = progress_by_account(today)
    assert progress == {world["account_a"].id: pytest.approx(50.0), world["account_b"].id: pytest.approx(25.0)}


def test_progress_by_account_leaves_out_accounts_without_metrics_and_metrics_not_started(app, world, make_metric,
                                                                                          today, create_account):
    """An account with no plan is absent; a metric whose day one is after as_of does not count yet."""
    from analytics.plan.queries import progress_by_account

    make_metric(world["account_a"], baseline_date=today - timedelta(days=2), readings={1: 150.0})
    create_account(name="No plan yet")
    with app.app_context():
        assert progress_by_account(today) == {world["account_a"].id: pytest.approx(50.0)}
        assert progress_by_account(today - timedelta(days=5)) == {}


def test_progress_as_of_a_past_day_uses_the_readings_known_then(app, world, make_metric, today):
    """Health history recomputed for an earlier day sees the reading of that time, not a later one."""
    from analytics.plan.queries import progress_by_account

    make_metric(world["account_a"], readings={6: 120.0, 1: 180.0})
    with app.app_context():
        assert progress_by_account(today - timedelta(days=3))[world["account_a"].id] == pytest.approx(20.0)
        assert progress_by_account(today)[world["account_a"].id] == pytest.approx(80.0)


def test_usage_measures_are_read_from_the_rollups(app, world, create_user, add_usage, today):
    """Weekly actives, logins and reports over 7 days, and seat utilisation over 28 days against seats."""
    from analytics.plan.queries import usage_values

    account = world["account_a"]  # 20 seats
    people = [world["customer_a"]] + [create_user("customer", account=account) for _ in range(4)]
    add_usage(account, people[0], today, logins=2, reports_run=3)
    add_usage(account, people[1], today - timedelta(days=6), logins=1, reports_run=1)
    add_usage(account, people[0], today - timedelta(days=6), logins=1)
    add_usage(account, people[2], today - timedelta(days=7), logins=5)  # outside the week, inside 28 days
    add_usage(account, people[3], today - timedelta(days=27), logins=1)
    add_usage(account, people[4], today - timedelta(days=28), logins=1)  # outside 28 days
    add_usage(world["account_b"], world["customer_b"], today, logins=9)
    with app.app_context():
        values = usage_values([account.id], today)
    assert values[(account.id, "weekly_active_users")] == 2
    assert values[(account.id, "logins_per_week")] == 4
    assert values[(account.id, "reports_run_per_week")] == 4
    assert values[(account.id, "seat_utilisation_pct")] == pytest.approx(100 * 4 / 20)


def test_usage_metric_progress_counts_in_progress_by_account(app, world, make_metric, add_usage, today):
    """A logins-per-week metric from 0 to 10 with 5 logins this week is half-way."""
    from analytics.plan.queries import progress_by_account

    make_metric(world["account_a"], source="usage", usage_measure="logins_per_week", unit="logins per week",
                baseline_value=0.0, target_value=10.0)
    add_usage(world["account_a"], world["customer_a"], today - timedelta(days=2), logins=5)
    with app.app_context():
        assert progress_by_account(today) == {world["account_a"].id: pytest.approx(50.0)}


def test_weekly_usage_readings_are_stored_once_per_day(app, world, make_metric, add_usage, today):
    """Recording usage readings keeps a history point per usage metric; running it twice adds nothing."""
    from analytics.plan.services import record_usage_readings

    metric = make_metric(world["account_a"], source="usage", usage_measure="logins_per_week",
                         unit="logins per week", baseline_value=0.0, target_value=10.0)
    make_metric(world["account_a"])  # reported: not touched
    add_usage(world["account_a"], world["customer_a"], today, logins=3)
    with app.app_context():
        assert record_usage_readings(today) == 1
        assert record_usage_readings(today) == 0
        Session.commit()
        values = list(Session.scalars(select(PlanReading.value).where(PlanReading.metric_id == metric.id,
                                                                      PlanReading.day == today)))
    assert values == [3.0]


def test_health_recompute_command_stores_the_days_usage_readings(app, world, make_metric, add_usage, today):
    """The daily `health recompute` gives each usage metric its history point for the day, once."""
    metric = make_metric(world["account_a"], source="usage", usage_measure="logins_per_week",
                         unit="logins per week", baseline_value=0.0, target_value=10.0)
    add_usage(world["account_a"], world["customer_a"], today, logins=4)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["health", "recompute"])
    assert first.exit_code == 0 and "1 success-plan readings measured from usage" in first.output
    assert "0 success-plan readings" in runner.invoke(args=["health", "recompute"]).output
    with app.app_context():
        values = list(Session.scalars(select(PlanReading.value).where(PlanReading.metric_id == metric.id,
                                                                      PlanReading.day == today)))
    assert values == [4.0]
