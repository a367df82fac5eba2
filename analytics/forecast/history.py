"""SQL reads of what the forecast learns from, as of a day: no row dated after it is read.

A handful of set-based queries fill plain AccountHistory objects; accounts that became customers after the
day are left out and a churn after the day is not known yet.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from analytics.forecast.features import AccountHistory
from models.accounts import Account
from models.db import Session
from models.health import HealthScore, HealthWarning
from models.revenue import ArrChange
from models.surveys import SurveyResponse
from models.usage import UsageAccountDay


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.utc)


def _component_scores(components_json: str) -> tuple:
    scores = {c["name"]: c["score"] for c in json.loads(components_json or "[]")}
    return scores.get("adoption"), scores.get("sentiment")


def load_histories(as_of: date, account_ids: list[int] | None = None, since: date | None = None) -> list[AccountHistory]:
    """Every account's history up to and including `as_of` (from `since` on, when given)."""
    query = select(Account.id, Account.customer_since, Account.churned_on, Account.status, Account.renewal_date,
                   Account.seats, Account.arr).where(Account.customer_since <= as_of).order_by(Account.id)
    if account_ids is not None:
        query = query.where(Account.id.in_(account_ids))
    histories = {}
    for r in Session.execute(query):
        churned = r.churned_on if r.status == "churned" and r.churned_on and r.churned_on <= as_of else None
        histories[r.id] = AccountHistory(r.id, r.customer_since, churned, r.renewal_date, r.seats or 0,
                                         arr_changes=[(r.customer_since, Decimal(r.arr))])
    if not histories:
        return []
    ids = list(histories)
    first = since or date.min

    changes = defaultdict(list)
    for account_id, day, arr in Session.execute(
            select(ArrChange.account_id, ArrChange.effective_on, ArrChange.arr)
            .where(ArrChange.account_id.in_(ids), ArrChange.effective_on <= as_of)
            .order_by(ArrChange.account_id, ArrChange.effective_on)):
        changes[account_id].append((day, Decimal(arr)))
    for account_id, rows in changes.items():
        histories[account_id].arr_changes = rows

    for account_id, day, score, band, components in Session.execute(
            select(HealthScore.account_id, HealthScore.as_of, HealthScore.score, HealthScore.band,
                   HealthScore.components_json)
            .where(HealthScore.account_id.in_(ids), HealthScore.as_of <= as_of, HealthScore.as_of >= first)
            .order_by(HealthScore.account_id, HealthScore.as_of)):
        history = histories[account_id]
        history.health_days.append(day)
        history.health.append((float(score), band, *_component_scores(components)))

    usage = defaultdict(list)
    for account_id, day, users in Session.execute(
            select(UsageAccountDay.account_id, UsageAccountDay.day, UsageAccountDay.active_users)
            .where(UsageAccountDay.account_id.in_(ids), UsageAccountDay.day <= as_of,
                   UsageAccountDay.day >= first)):
        usage[account_id].append((day, float(users)))
    for account_id, days in usage.items():
        histories[account_id].set_usage(days)

    for account_id, ts in Session.execute(
            select(SurveyResponse.account_id, SurveyResponse.ts)
            .where(SurveyResponse.account_id.in_(ids), SurveyResponse.score <= 6, SurveyResponse.ts < _end_of(as_of))
            .order_by(SurveyResponse.ts)):
        histories[account_id].detractor_days.append(ts.astimezone(timezone.utc).date() if ts.tzinfo else ts.date())

    for account_id, raised, cleared, resolved in Session.execute(
            select(HealthWarning.account_id, HealthWarning.as_of, HealthWarning.cleared_at, HealthWarning.resolved_at)
            .where(HealthWarning.account_id.in_(ids), HealthWarning.as_of <= as_of)
            .order_by(HealthWarning.as_of)):
        ends = [moment.date() for moment in (cleared, resolved) if moment is not None]
        over = min(ends) if ends else None
        # An end recorded after as_of is not known on as_of: the warning is still open then.
        histories[account_id].warnings.append((raised, over if over is not None and over <= as_of else None))
    return list(histories.values())


def latest_health_day() -> date | None:
    """The newest stored health day (the forecast's as_of)."""
    return Session.scalar(select(HealthScore.as_of).order_by(HealthScore.as_of.desc()).limit(1))


def history_version() -> tuple | None:
    """The newest health history row's id and time: it changes whenever a recompute writes the history."""
    newest = Session.execute(select(HealthScore.id, HealthScore.computed_at)
                             .order_by(HealthScore.id.desc()).limit(1)).first()
    return tuple(newest) if newest else None
