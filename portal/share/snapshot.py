"""The figures a review link freezes: a period against the one before, from the rollups."""
from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import distinct, func, select

from models.accounts import Account
from models.db import Session
from models.health import HealthScore
from models.usage import KeyFeature, UsageAccountDay, UsageFeatureDay, UsageUserDay
from core.period import Period

# (key, label, unit, higher is better)
METRICS = (
    ("avg_daily_active_users", "Average daily active users", "people per day", True),
    ("distinct_active_users", "People who used the product", "people", True),
    ("seat_utilisation_percent", "Seat utilisation", "% of licensed seats", True),
    ("logins", "Logins", "logins", True),
    ("events", "Events", "events", True),
    ("reports_run", "Reports run", "reports", True),
    ("key_features_used", "Key features used", "features", True),
    ("health_score", "Health score at the end", "points of 100", True),
    ("nps", "NPS", "points", True),
)


def _period_figures(account: Account, period: Period) -> dict:
    """The metrics of one period."""
    from analytics.health_recompute import _midnight
    from models.surveys import SurveyResponse

    totals = Session.execute(
        select(func.coalesce(func.sum(UsageAccountDay.active_users), 0), func.coalesce(func.sum(UsageAccountDay.logins), 0),
               func.coalesce(func.sum(UsageAccountDay.events), 0), func.coalesce(func.sum(UsageAccountDay.reports_run), 0))
        .where(UsageAccountDay.account_id == account.id, UsageAccountDay.day.between(period.start, period.end))
    ).one()
    distinct_users = Session.scalar(
        select(func.count(distinct(UsageUserDay.user_id)))
        .where(UsageUserDay.account_id == account.id, UsageUserDay.day.between(period.start, period.end))) or 0
    key_features_used = Session.scalar(
        select(func.count(distinct(UsageFeatureDay.feature))).join(KeyFeature, KeyFeature.feature == UsageFeatureDay.feature)
        .where(UsageFeatureDay.account_id == account.id, UsageFeatureDay.day.between(period.start, period.end))) or 0
    health = Session.scalars(
        select(HealthScore).where(HealthScore.account_id == account.id, HealthScore.as_of <= period.end)
        .order_by(HealthScore.as_of.desc()).limit(1)).first()
    scores = Session.execute(
        select(SurveyResponse.respondent, SurveyResponse.score, SurveyResponse.ts)
        .where(SurveyResponse.account_id == account.id, SurveyResponse.ts >= _midnight(period.start),
               SurveyResponse.ts < _midnight(period.end + timedelta(days=1)))
        .order_by(SurveyResponse.ts)).all()
    latest = {row.respondent: row.score for row in scores}
    nps = None
    if latest:
        values = list(latest.values())
        nps = round((sum(v >= 9 for v in values) - sum(v <= 6 for v in values)) * 100 / len(values), 1)
    return {
        "avg_daily_active_users": round(int(totals[0]) / period.days, 1),
        "distinct_active_users": int(distinct_users),
        "seat_utilisation_percent": round(distinct_users * 100 / account.seats, 1) if account.seats else None,
        "logins": int(totals[1]),
        "events": int(totals[2]),
        "reports_run": int(totals[3]),
        "key_features_used": int(key_features_used),
        "health_score": health.score if health else None,
        "health_band": health.band if health else None,
        "health_components": json.loads(health.components_json) if health else [],
        "nps": nps,
        "nps_responses": len(latest),
    }


def _daily(account: Account, period: Period) -> list[int]:
    rows = dict(Session.execute(
        select(UsageAccountDay.day, UsageAccountDay.active_users)
        .where(UsageAccountDay.account_id == account.id, UsageAccountDay.day.between(period.start, period.end))).all())
    return [int(rows.get(period.start + timedelta(days=k), 0)) for k in range(period.days)]


def _frozen_dashboard(account: Account, period: Period) -> dict | None:
    """The dashboard body of the period, frozen: its figures, its chart JSON and its public cards rendered to HTML."""
    try:
        from portal.dashboard.context import CHART_NAMES, chart_payload, dashboard_context
    except ImportError:
        return None
    from flask import render_template

    context = dashboard_context(account, period, include_staff_only=False)
    headline = []
    for card in context["headline"]:
        card = dict(card)
        card["window"] = [day.isoformat() for day in card["window"]]
        headline.append(card)
    return {
        "period_label": context["period_label"],
        "headline": headline,
        "headline_window_days": context["headline_window_days"],
        "adoption": context["adoption"],
        "adopted_count": context["adopted_count"],
        "active_users_in_period": context["active_users_in_period"],
        "cards_html": [render_template(card.template, card=card, context=card.context) for card in context["cards"]],
        "charts": {name: chart_payload(account, name, period) for name in CHART_NAMES},
    }


def take_snapshot(account: Account, period: Period) -> dict:
    """Everything the review shows, as plain JSON-ready data."""
    previous = period.previous()
    history = Session.execute(
        select(HealthScore.as_of, HealthScore.score)
        .where(HealthScore.account_id == account.id, HealthScore.as_of.between(period.start, period.end))
        .order_by(HealthScore.as_of)).all()
    return {
        "account": {"name": account.name, "external_id": account.external_id, "seats": account.seats},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "previous": {"start": previous.start.isoformat(), "end": previous.end.isoformat()},
        "current_figures": _period_figures(account, period),
        "previous_figures": _period_figures(account, previous),
        "daily_active_users": _daily(account, period),
        "previous_daily_active_users": _daily(account, previous),
        "health_history": [[d.isoformat(), s] for d, s in history],
        "dashboard": _frozen_dashboard(account, period),
    }


def changes(before: dict, after: dict) -> list[dict]:
    """Metric by metric: the value in each snapshot's period and the change between them."""
    out = []
    for key, label, unit, _ in METRICS:
        old, new = before.get(key), after.get(key)
        delta = None if old is None or new is None else round(new - old, 1)
        out.append({"key": key, "label": label, "unit": unit, "before": old, "after": new, "change": delta})
    return out


def quarter_periods(today: date) -> Period:
    """The last complete calendar quarter before today."""
    first_of_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - timedelta(days=1)
    start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return Period(start, end)
