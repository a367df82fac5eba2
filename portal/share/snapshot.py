"""What a review link freezes at creation: every figure, every card and every chart of its period against the comparison period."""
from __future__ import annotations

import json

from datetime import date, timedelta

from flask import render_template
from sqlalchemy import select

from analytics.usage import datasets
from analytics.health.history import score_on
from analytics.health.outcome_charts import period_compare_figure
from core.period import Period
from models.accounts import Account
from models.db import Session
from models.health import HealthScore
from models.usage import UsageAccountDay
from portal.charts import figure_json
from portal.dashboard.charts_build import empty
from portal.dashboard.context import CHART_NAMES, chart_payload, dashboard_context
from surveys.nps.queries import nps_for
from portal.share.goals import maturity_history, plan_goals

# (key, label, unit, higher is better): the same names as the dashboard's
METRICS = (
    ("active_users", "Active users", "people", True),
    ("avg_daily_active_users", "Active users on an average day", "people", True),
    ("seat_utilisation_percent", "Seat utilisation", "% of licensed seats", True),
    ("logins", "Logins", "logins", True),
    ("events", "Events", "events", True),
    ("reports_run", "Reports run", "reports", True),
    ("key_features_used", "Key features used", "features", True),
    ("health_score", "Health score on the last day", "of 100", True),
    ("nps", "Net Promoter Score", "points", True),
)
LEGACY_KEYS = {"active_users": "distinct_active_users"}  # names in links made before the figures were renamed
REVIEW_CHARTS = ("period_active_users",)  # the review's own chart, beside the dashboard's


def _period_figures(account: Account, period: Period) -> dict:
    """The metrics of one period, counted by the same functions as the dashboard."""
    usage = datasets.period_usage(account.id, period.start, period.end)
    health = score_on([account.id], period.end).get(account.id)
    nps = nps_for([account.id], period.start, period.end)
    return {
        **usage,
        "seat_utilisation_percent": round(usage["active_users"] * 100 / account.seats) if account.seats else None,
        "health_score": round(health.score) if health else None,
        "health_band": health.band if health else None,
        "health_components": json.loads(health.components_json or "[]") if health else [],
        "nps": None if nps.nps is None else round(nps.nps),
        "nps_responses": nps.responses,
    }


def _health_history(account: Account, period: Period) -> list[list]:
    """[[day, score], ...] of the health scores stored in the period (the deck draws them natively)."""
    rows = Session.execute(select(HealthScore.as_of, HealthScore.score).where(
        HealthScore.account_id == account.id, HealthScore.as_of.between(period.start, period.end))
        .order_by(HealthScore.as_of)).all()
    return [[day.isoformat(), round(score, 1)] for day, score in rows]


def _daily(account: Account, period: Period) -> list[int]:
    rows = dict(Session.execute(
        select(UsageAccountDay.day, UsageAccountDay.active_users)
        .where(UsageAccountDay.account_id == account.id, UsageAccountDay.day.between(period.start, period.end))).all())
    return [int(rows.get(period.start + timedelta(days=k), 0)) for k in range(period.days)]


def _compare_chart(account: Account, period: Period) -> str:
    """Active users per day of the period against the comparison period, as chart JSON."""
    current, previous = _daily(account, period), _daily(account, period.previous())
    if not any(current) and not any(previous):
        return empty("No usage was recorded in this period or the one before.")
    days = [period.start + timedelta(days=k) for k in range(period.days)]
    return figure_json(period_compare_figure(days, current, previous))


def take_snapshot(account: Account, period: Period) -> dict:
    """Everything the review shows, as plain JSON-ready data: figures, rendered public cards and every chart's JSON."""
    previous = period.previous()
    context = dashboard_context(account, period, include_staff_only=False)
    charts = {name: chart_payload(account, name, period) for name in CHART_NAMES}
    charts["period_active_users"] = _compare_chart(account, period)
    return {
        "version": 2,
        "account": {"name": account.name, "external_id": account.external_id, "seats": account.seats},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "previous": {"start": previous.start.isoformat(), "end": previous.end.isoformat()},
        "current_figures": _period_figures(account, period),
        "previous_figures": _period_figures(account, previous),
        "figures": context["figures"],
        "cards_html": [render_template(card.template, card=card, context=card.context) for card in context["cards"]],
        "charts": charts,
        "plan": plan_goals(account, period),
        "maturity": maturity_history(account, period),
        "health_history": _health_history(account, period),
        "daily_active_users": _daily(account, period),
        "previous_daily_active_users": _daily(account, previous),
    }


def changes(before: dict, after: dict) -> list[dict]:
    """Metric by metric: the value in each snapshot's period and the change between them."""
    out = []
    for key, label, unit, _ in METRICS:
        old, new = before.get(key, before.get(LEGACY_KEYS.get(key))), after.get(key)
        delta = None if old is None or new is None else round(new - old, 1)
        out.append({"key": key, "label": label, "unit": unit, "before": old, "after": new, "change": delta})
    return out


def quarter_periods(today: date) -> Period:
    """The last complete calendar quarter before today."""
    first_of_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - timedelta(days=1)
    start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return Period(start, end)
