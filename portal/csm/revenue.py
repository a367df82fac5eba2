"""The portfolio's revenue section: the chosen period, its figures for the accounts in view, amounts formatted."""
from __future__ import annotations

from datetime import date, timedelta

from analytics.revenue.history import revenue_accounts
from analytics.revenue.metrics import FORMULAS, RevenueMetrics, revenue_metrics


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def chosen_period(start: str | None, end: str | None, today: date) -> tuple[date, date, str | None]:
    """(start, end, problem): the period asked for, or the last 12 months with a sentence saying why."""
    default = (today - timedelta(days=365), today)
    if not start and not end:
        return (*default, None)
    first, last = _day(start), _day(end)
    if first is None or last is None:
        return (*default, "The period needs two dates written YYYY-MM-DD; showing the last 12 months instead.")
    if first > last:
        return (*default, "The first day comes after the last; showing the last 12 months instead.")
    return first, last, None


def revenue_section(scope, start: date, end: date) -> tuple[RevenueMetrics, dict[str, str]]:
    """The revenue metrics of the accounts matching `scope` over [start, end], and each figure's formula."""
    return revenue_metrics(revenue_accounts(scope), start, end), FORMULAS
