"""The dashboard's charts for an account and period: read the data, draw it, serialise it (or an empty-state sentence)."""
from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Callable

from sqlalchemy import func, select

from analytics.usage import charts
from analytics.usage import datasets
from analytics.health import outcome_charts
from analytics.health.recompute import health_bands
from core.period import Period
from models.accounts import Account
from models.db import Session, utcnow
from models.health import HealthScore
from models.surveys import SurveyResponse
from portal.charts import FigureTemplate
from surveys.nps import queries as nps_queries

CHART_NAMES = ("active_users", "activity", "feature_adoption", "nps_trend", "health_history")
SEATS, FACTORS, HEIGHT = "@@seats@@", "@@factor@@", 99991  # markers in the templates below
THRESHOLDS = (99971.0, 99983.0)  # marker thresholds: the health template's legend words name them


def _templates() -> dict[str, FigureTemplate]:
    """The usage charts' figures, serialised once per process (when this module loads) and filled per answer."""
    day = [{"date": date(2026, 1, 5), "active_users": 0, "logins": 0, "events": 0, "reports_run": 0}]
    week = [{"week_start": date(2026, 1, 5), "active_users": 0, "complete": True}]
    features = charts.feature_adoption_figure([{"name": FACTORS, "users": 0, "events": 0}], 1)
    features.height = HEIGHT
    month = [{"month": date(2026, 1, 1), "nps": 0.0, "margin": 0.0, "responses": 1}]
    return {"active_users": FigureTemplate(charts.active_users_figure(day, week, SEATS)),
            "activity": FigureTemplate(charts.activity_figure(day)),
            "feature_adoption": FigureTemplate(features),
            "nps_trend": FigureTemplate(outcome_charts.nps_month_figure(month)),
            "health_history": FigureTemplate(outcome_charts.health_history_figure([(date(2026, 1, 5), 0.0)],
                                                                                  *THRESHOLDS))}


TEMPLATES = _templates()


def active_users_json(days: list[dict], weeks: list[dict], seats: int) -> str:
    """charts.active_users_figure's JSON, from its template."""
    return TEMPLATES["active_users"].fill(charts.active_users_columns(days, weeks, seats), {SEATS: str(seats)})


def feature_adoption_json(adoption: list[dict], active: int) -> str:
    """charts.feature_adoption_figure's JSON, from its template."""
    columns = charts.feature_adoption_columns(adoption, active)
    names = columns["bars"]["name"]
    return TEMPLATES["feature_adoption"].fill(columns, {
        json.dumps([FACTORS]): json.dumps(names),
        f'"height": {HEIGHT}': f'"height": {charts.feature_adoption_height(len(names))}'})


def empty(message: str) -> str:
    """The JSON of a chart with nothing to draw: the sentence shown in its place."""
    return json.dumps({"empty": True, "message": message})


def complete_days(period: Period) -> Period | None:
    """The period without today, which is not over yet (None when only today is left)."""
    last = min(period.end, utcnow().date() - timedelta(days=1))
    return Period(period.start, last) if last >= period.start else None


def signature(account: Account, name: str, period: Period) -> tuple:
    """What else a chart drew, beyond the account's usage: its answers or its stored scores."""
    if name == "nps_trend":
        return tuple(Session.execute(select(func.count(SurveyResponse.id), func.max(SurveyResponse.id))
                                     .where(SurveyResponse.account_id == account.id)).one())
    if name == "health_history":
        return tuple(Session.execute(select(func.count(HealthScore.as_of), func.max(HealthScore.as_of))
                                     .where(HealthScore.account_id == account.id)).one())
    return ()


def _usage(account: Account, name: str, period: Period) -> str:
    days_period = complete_days(period)
    if days_period is None:
        return empty("Today is not over yet; its usage is drawn from tomorrow on.")
    days, weeks = datasets.usage_days_and_weeks(account.id, days_period.start, days_period.end,
                                                weeks=name == "active_users")
    if not any(day["events"] for day in days):
        return empty(f"No usage was recorded from {days_period.short_label()}. "
                     "It is drawn here as soon as the product sends events.")
    if name == "active_users":
        return active_users_json(days, weeks, account.seats)
    return TEMPLATES["activity"].fill(charts.activity_columns(days))


def _adoption(account: Account, period: Period, figures: Callable[[], dict] | None) -> str:
    if figures is None:
        adoption = datasets.key_feature_adoption(account.id, period.start, period.end)
    else:  # the page's figures of the same period already hold both counts
        adoption = figures()["adoption"]
    if not adoption:
        return empty("No key features are defined yet; once your vendor marks them, their use is drawn here.")
    active = (datasets.active_users_between(account.id, period.start, period.end) if figures is None
              else figures()["usage"]["active_users"])
    if not active:
        return empty("No one used the product in this period, so no key feature was used yet.")
    return feature_adoption_json(adoption, active)


def _nps(account: Account, period: Period) -> str:
    months = [{"month": start, "nps": result.nps, "margin": result.margin_of_error, "responses": result.responses}
              for start, _end, result in nps_queries.nps_trend([account.id], period.start, period.end, "month")]
    if not any(row["responses"] for row in months):
        return empty("No survey answers in this period; the NPS per month is drawn once people answer.")
    return TEMPLATES["nps_trend"].fill(outcome_charts.nps_month_columns(months))


def _health(account: Account, period: Period) -> str:
    points = Session.execute(
        select(HealthScore.as_of, HealthScore.score)
        .where(HealthScore.account_id == account.id, HealthScore.as_of.between(period.start, period.end))
        .order_by(HealthScore.as_of)).all()
    if not points:
        return empty("No health score was stored in this period; scores are kept from the first daily recompute on.")
    bands = health_bands()
    return health_history_json([(row.as_of, float(row.score)) for row in points], bands["red_below"], bands["green_from"])


def health_history_json(points: list[tuple[date, float]], red_below: float, green_from: float) -> str:
    """outcome_charts.health_history_figure's JSON, from its template."""
    labels = zip(outcome_charts.health_history_labels(*THRESHOLDS), outcome_charts.health_history_labels(red_below, green_from))
    return TEMPLATES["health_history"].fill(outcome_charts.health_history_columns(points, red_below, green_from),
                                            {json.dumps(marker): json.dumps(label) for marker, label in labels})


def build(account: Account, name: str, period: Period, figures: Callable[[], dict] | None = None) -> str:
    """Build and serialise one chart (the costly step); `figures()` may give the page's figures of the period."""
    if name == "feature_adoption":
        return _adoption(account, period, figures)
    if name == "nps_trend":
        return _nps(account, period)
    if name == "health_history":
        return _health(account, period)
    return _usage(account, name, period)
