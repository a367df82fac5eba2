"""Success-plan reads: current values from rollups and readings, figures per metric, progress per account.

Every function takes accounts the caller already may see; the set-based queries
run a fixed number of statements whatever the number of accounts or metrics.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from sqlalchemy import and_, func, select

from analytics.plan.progress import MEASURES, Assessment, assess, mean_capped_progress, usage_value
from models.accounts import Account, User
from models.db import Session, utcnow
from models.plans import PlanComment, PlanMetric, PlanReading
from models.usage import UsageAccountDay, UsageUserDay

# Counter columns of the account rollup that a weekly usage measure sums.
SUMMED_COLUMNS = {"reports_run_per_week": UsageAccountDay.reports_run, "logins_per_week": UsageAccountDay.logins}


def today() -> date:
    """The current UTC calendar day."""
    return utcnow().date()


def usage_values(account_ids: Iterable[int], as_of: date) -> dict[tuple[int, str], float]:
    """Every usage measure of these accounts for the window ending on as_of (inclusive): {(account id, measure): value}."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    week_start = as_of - timedelta(days=6)
    month_start = as_of - timedelta(days=27)
    sums = {
        row.account_id: row
        for row in Session.execute(
            select(
                UsageAccountDay.account_id,
                func.coalesce(func.sum(UsageAccountDay.logins), 0).label("logins"),
                func.coalesce(func.sum(UsageAccountDay.reports_run), 0).label("reports_run"),
            )
            .where(UsageAccountDay.account_id.in_(ids), UsageAccountDay.day.between(week_start, as_of))
            .group_by(UsageAccountDay.account_id)
        )
    }
    distinct = Session.execute(
        select(
            UsageUserDay.account_id,
            func.count(func.distinct(UsageUserDay.user_id)).filter(UsageUserDay.day >= week_start).label("week"),
            func.count(func.distinct(UsageUserDay.user_id)).label("month"),
        )
        .where(UsageUserDay.account_id.in_(ids), UsageUserDay.day.between(month_start, as_of))
        .group_by(UsageUserDay.account_id)
    )
    distinct_by_account = {row.account_id: (row.week, row.month) for row in distinct}
    seats = dict(Session.execute(select(Account.id, Account.seats).where(Account.id.in_(ids))).all())
    values: dict[tuple[int, str], float] = {}
    for account_id in ids:
        row = sums.get(account_id)
        week_users, month_users = distinct_by_account.get(account_id, (0, 0))
        totals = {"logins_per_week": row.logins if row else 0, "reports_run_per_week": row.reports_run if row else 0}
        for measure in MEASURES:
            users = month_users if measure == "seat_utilisation_pct" else week_users
            values[(account_id, measure)] = usage_value(
                measure, window_total=float(totals.get(measure, 0)), distinct_users=users, seats=seats.get(account_id, 0)
            )
    return values


def latest_readings(metrics: Iterable[PlanMetric], as_of: date) -> dict[int, tuple[date, float]]:
    """The latest reading on or before as_of of each metric: {metric id: (day, value)}."""
    metrics = list(metrics)
    ids = sorted({m.id for m in metrics})
    if not ids:
        return {}
    # Grouped and joined on account_id too: on Citus both sides are then read on the account's shard.
    latest = (
        select(PlanReading.account_id, PlanReading.metric_id, func.max(PlanReading.day).label("day"))
        .where(PlanReading.account_id.in_(sorted({m.account_id for m in metrics})), PlanReading.metric_id.in_(ids),
               PlanReading.day <= as_of)
        .group_by(PlanReading.account_id, PlanReading.metric_id)
        .subquery()
    )
    rows = Session.execute(
        select(PlanReading.metric_id, PlanReading.day, PlanReading.value).join(
            latest, and_(PlanReading.account_id == latest.c.account_id, PlanReading.metric_id == latest.c.metric_id,
                         PlanReading.day == latest.c.day)
        )
    )
    return {row.metric_id: (row.day, row.value) for row in rows}


def current_values(metrics: list[PlanMetric], as_of: date) -> dict[int, tuple[date, float]]:
    """Each metric's current value and the day it holds for: usage from rollups, reported from readings."""
    usage_accounts = [m.account_id for m in metrics if m.source == "usage"]
    usage = usage_values(usage_accounts, as_of)
    reported = latest_readings([m for m in metrics if m.source == "reported"], as_of)
    values: dict[int, tuple[date, float]] = {}
    for metric in metrics:
        if metric.source == "usage":
            values[metric.id] = (as_of, usage[(metric.account_id, metric.usage_measure)])
        else:
            values[metric.id] = reported.get(metric.id, (metric.baseline_date, metric.baseline_value))
    return values


def assess_metric(metric: PlanMetric, current: float, as_of: date) -> Assessment:
    """Progress and on-track of one metric on as_of."""
    return assess(
        baseline=metric.baseline_value, baseline_date=metric.baseline_date, target=metric.target_value,
        target_date=metric.target_date, direction=metric.direction, current=current, day=as_of, unit=metric.unit,
    )


@dataclass
class MetricView:
    """What the plan page shows of one metric; the same for every viewer."""

    metric: PlanMetric
    current_day: date
    assessment: Assessment
    comments: int

    @property
    def source_label(self) -> str:
        """Where the value comes from, in words."""
        if self.metric.source == "usage":
            label, _unit, days = MEASURES[self.metric.usage_measure]
            return f"Measured from usage: {label.lower()} over the {days} days ending on the day shown"
        return "Reported by the customer"


def metrics_of_account(account: Account) -> list[PlanMetric]:
    """The account's metrics in the order they were added."""
    return list(Session.scalars(select(PlanMetric).where(PlanMetric.account_id == account.id).order_by(PlanMetric.id)))


def plan_views(account: Account, as_of: date | None = None) -> list[MetricView]:
    """Every metric of the account with its current value, progress and on-track sentence."""
    as_of = as_of or today()
    metrics = metrics_of_account(account)
    values = current_values(metrics, as_of)
    comment_counts = dict(
        Session.execute(
            select(PlanComment.metric_id, func.count())
            .where(PlanComment.account_id == account.id)
            .group_by(PlanComment.metric_id)
        ).all()
    )
    views = []
    for metric in metrics:
        day, value = values[metric.id]
        views.append(MetricView(metric, day, assess_metric(metric, value, as_of), comment_counts.get(metric.id, 0)))
    return views


def readings_of(metric: PlanMetric) -> list[tuple[PlanReading, User | None]]:
    """A metric's readings, newest first, with who entered them (None: measured)."""
    rows = Session.execute(
        select(PlanReading, User)
        .outerjoin(User, User.id == PlanReading.entered_by_id)
        .where(PlanReading.account_id == metric.account_id, PlanReading.metric_id == metric.id)
        .order_by(PlanReading.day.desc())
    )
    return [(row.PlanReading, row.User) for row in rows]


def comments_of(metric: PlanMetric) -> list[tuple[PlanComment, User | None]]:
    """A metric's comments, oldest first, with their authors."""
    rows = Session.execute(
        select(PlanComment, User)
        .outerjoin(User, User.id == PlanComment.author_id)
        .where(PlanComment.account_id == metric.account_id, PlanComment.metric_id == metric.id)
        .order_by(PlanComment.created_at, PlanComment.id)
    )
    return [(row.PlanComment, row.User) for row in rows]


def chart_points(metric: PlanMetric, as_of: date | None = None) -> list[tuple[date, float]]:
    """The metric's readings up to as_of, oldest first, plus today's measured value for usage metrics."""
    as_of = as_of or today()
    points = dict(
        Session.execute(
            select(PlanReading.day, PlanReading.value)
            .where(PlanReading.account_id == metric.account_id, PlanReading.metric_id == metric.id,
                   PlanReading.day <= as_of)
            .order_by(PlanReading.day)
        ).all()
    )
    if metric.source == "usage" and as_of >= metric.baseline_date:
        points[as_of] = current_values([metric], as_of)[metric.id][1]
    return sorted(points.items())


def progress_by_account(as_of: date) -> dict[int, float]:
    """Plan progress 0..100 per account: the mean over its metrics of progress capped to 0..100.

    Metrics whose baseline date is after as_of do not count yet; accounts without metrics are absent.
    """
    metrics = list(Session.scalars(select(PlanMetric).where(PlanMetric.baseline_date <= as_of)))
    values = current_values(metrics, as_of)
    progress: dict[int, list[float]] = {}
    for metric in metrics:
        progress.setdefault(metric.account_id, []).append(assess_metric(metric, values[metric.id][1], as_of).progress)
    return {account_id: mean_capped_progress(items) for account_id, items in progress.items()}
