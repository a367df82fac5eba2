"""Factories of the success-plan tests: metrics with a history, and usage rollups."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.db import Session
from models.plans import PlanMetric, PlanReading
from models.usage import UsageAccountDay, UsageUserDay


@pytest.fixture
def today():
    """The UTC day the portal considers today."""
    from analytics.plan.queries import today as plan_today

    return plan_today()


@pytest.fixture
def make_metric(app, today):
    """make_metric(account, readings={days_ago: value}, **fields) -> PlanMetric (committed).

    Default: reported, higher is better, 100 -> 200 from 10 days ago to 10 days ahead (the line is at 150 today).
    """

    def factory(account, readings: dict[int, float] | None = None, **fields) -> PlanMetric:
        values = {
            "name": "Lead conversion", "unit": "leads", "source": "reported", "direction": "higher",
            "baseline_value": 100.0, "baseline_date": today - timedelta(days=10),
            "target_value": 200.0, "target_date": today + timedelta(days=10),
        }
        values.update(fields)
        metric = PlanMetric(account_id=account.id, **values)
        Session.add(metric)
        Session.flush()
        Session.add(PlanReading(account_id=account.id, metric_id=metric.id, day=metric.baseline_date,
                                value=metric.baseline_value, note="Baseline"))
        for days_ago, value in (readings or {}).items():
            Session.add(PlanReading(account_id=account.id, metric_id=metric.id, day=today - timedelta(days=days_ago),
                                    value=value, note=""))
        Session.commit()
        return metric

    return factory


@pytest.fixture
def add_usage(app):
    """add_usage(account, user, day, logins=1, reports_run=0): one user's activity on a day, in both rollups."""

    def factory(account, user, day: date, logins: int = 1, reports_run: int = 0) -> None:
        events = logins + reports_run
        Session.add(UsageUserDay(account_id=account.id, user_id=user.id, day=day, events=events, logins=logins,
                                 page_views=0, feature_events=0, reports_run=reports_run))
        row = Session.get(UsageAccountDay, (account.id, day))
        if row is None:
            row = UsageAccountDay(account_id=account.id, day=day, active_users=0, logins=0, events=0, reports_run=0)
            Session.add(row)
        row.active_users += 1
        row.logins += logins
        row.events += events
        row.reports_run += reports_run
        Session.commit()

    return factory
