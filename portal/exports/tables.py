"""The tables the pages show, as plain Tables for export: read with the same queries as the pages."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, or_, select

from analytics.usage.datasets import feature_usage, usage_days
from analytics.portfolio import AccountRow
from analytics.health.warnings import KIND_TITLES
from core.tabular import Table
from models.accounts import Account, User
from models.db import Session
from models.health import HealthWarning
from models.plans import PlanMetric, PlanReading
from models.surveys import SurveyResponse
from surveys.nps.score import score_class
from surveys.nps.queries import day_start


def usage_days_table(account: Account, start: date, end: date) -> Table:
    """The usage days of the API's /usage: date, active users, logins, events (UTC days, zeros included)."""
    rows = [[day["date"].isoformat(), day["active_users"], day["logins"], day["events"]]
            for day in usage_days(account.id, start, end)]
    return Table(f"Usage {start.isoformat()} to {end.isoformat()}", ["date", "active_users", "logins", "events"], rows)


def features_table(account: Account, start: date, end: date) -> Table:
    """Per feature over the period: distinct users and feature_used events."""
    rows = [[row["feature"], row["users"], row["events"]] for row in feature_usage(account.id, start, end)]
    return Table(f"Features {start.isoformat()} to {end.isoformat()}", ["feature", "users", "events"], rows)


def nps_answers_table(account: Account, start: date, end: date, only_user: User | None = None) -> Table:
    """The account's NPS answers in the period, oldest first; only_user narrows them to one person's own."""
    query = (select(SurveyResponse).where(SurveyResponse.account_id == account.id,
                                          SurveyResponse.ts >= day_start(start), SurveyResponse.ts < day_start(end + timedelta(days=1)))
             .order_by(SurveyResponse.ts, SurveyResponse.id))
    if only_user is not None:
        query = query.where(or_(SurveyResponse.user_id == only_user.id, SurveyResponse.respondent == only_user.email))
    rows = [[r.ts.date().isoformat(), r.respondent, r.score, score_class(r.score), r.comment]
            for r in Session.scalars(query)]
    return Table(f"NPS answers {start.isoformat()} to {end.isoformat()}",
                 ["date", "respondent", "score", "group", "comment"], rows)


def plan_readings_table(account: Account) -> Table:
    """Every reading of every success-plan metric of the account, metric by metric, oldest first."""
    rows = Session.execute(
        select(PlanMetric.name, PlanMetric.unit, PlanReading.day, PlanReading.value, PlanReading.entered_by_id,
               PlanReading.note)
        .join(PlanMetric, and_(PlanMetric.account_id == PlanReading.account_id, PlanMetric.id == PlanReading.metric_id))
        .where(PlanReading.account_id == account.id)
        .order_by(PlanMetric.id, PlanReading.day)).all()
    return Table("Success plan readings", ["metric", "unit", "date", "value", "source", "note"],
                 [[r.name, r.unit, r.day.isoformat(), r.value, "measured" if r.entered_by_id is None else "entered",
                   r.note] for r in rows])


def portfolio_table(rows: list[AccountRow], currency: str) -> Table:
    """The portfolio's account table as the page computes it (health, band, 90 days ago, tier, risk, NPS)."""
    return Table("Portfolio", [
        "account", "external_id", "csm", f"arr_{currency.lower()}", "seats", "renewal_date", "health_score",
        "band", "health_score_90d_ago", "tier", "churn_risk_90d", "nps_12m", "open_warnings"],
        [[r.account.name, r.account.external_id, r.csm_name, r.account.arr, r.account.seats,
          r.account.renewal_date.isoformat() if r.account.renewal_date else None, r.score, r.band,
          r.score_90d_ago, r.tier, None if r.churn_risk_90d is None else round(r.churn_risk_90d, 4), r.nps,
          r.open_warnings] for r in rows])


def warnings_table(account_ids: list[int]) -> Table:
    """The open warnings of these accounts, newest first, as the portfolio lists them."""
    rows = Session.execute(
        select(HealthWarning, Account.name, Account.external_id).join(Account, Account.id == HealthWarning.account_id)
        .where(HealthWarning.account_id.in_(account_ids), HealthWarning.resolved_at.is_(None))
        .order_by(HealthWarning.raised_at.desc(), HealthWarning.id.desc())).all() if account_ids else []
    return Table("Open warnings", ["raised_at", "as_of", "account", "external_id", "warning", "message", "acknowledged"],
                 [[r.HealthWarning.raised_at, r.HealthWarning.as_of.isoformat(), r.name, r.external_id,
                   KIND_TITLES.get(r.HealthWarning.kind, r.HealthWarning.kind), r.HealthWarning.message,
                   "yes" if r.HealthWarning.acknowledged_at else "no"] for r in rows])


def cohorts_table(data) -> Table:
    """The cohort table: size, ARR, then logo and revenue retention (fractions) by age in months."""
    ages = max((len(row.logo) for row in data.table), default=0)
    columns = ["cohort", "accounts", "arr"] + [f"logo_m{age}" for age in range(ages)] \
        + [f"revenue_m{age}" for age in range(ages)]
    rows = []
    for row in data.table:
        logo = [None if v is None else round(v, 4) for v in row.logo] + [None] * (ages - len(row.logo))
        revenue = [None if v is None else round(v, 4) for v in row.revenue] + [None] * (ages - len(row.revenue))
        rows.append([row.key, row.size, row.arr] + logo + revenue)
    return Table("Cohorts", columns, rows)
