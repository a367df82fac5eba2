"""Usage figures as plain data, read from the daily rollups only (never from raw events)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, Integer, bindparam, func, select, text

from analytics.usage import spans
from models.db import Session
from models.usage import KeyFeature, UsageAccountDay, UsageFeatureDay


_DAYS_SQL = ("SELECT 0 AS part, day, active_users, logins, events, reports_run FROM usage_account_day "
             "WHERE account_id = :account AND day BETWEEN :start AND :end")
_WEEKS_SQL = ("SELECT 1, week_start, active_users, 0, 0, 0 FROM usage_account_week "
              "WHERE account_id = :account AND week_start BETWEEN :first AND :end")
# SQLite hands back dates as text without the column types.
_TYPES = {"part": Integer, "day": Date, "active_users": Integer, "logins": Integer, "events": Integer,
          "reports_run": Integer}
_DATE_PARAMS = tuple(bindparam(name, type_=Date) for name in ("start", "end", "first"))


def usage_days(account_id: int, start: date, end: date) -> list[dict]:
    """One entry per UTC day from start to end (zeros included): active users, logins, events, reports run."""
    return usage_days_and_weeks(account_id, start, end, weeks=False)[0]


def weekly_active_users(account_id: int, start: date, end: date) -> list[dict]:
    """Distinct active users per Monday-to-Sunday week that overlaps the period (days after `end` not counted)."""
    return usage_days_and_weeks(account_id, start, end)[1]


def usage_days_and_weeks(account_id: int, start: date, end: date, weeks: bool = True) -> tuple[list[dict], list[dict]]:
    """usage_days and weekly_active_users of the period, read in one round trip (the active-users chart draws both).

    Days: [{"date", "active_users", "logins", "events", "reports_run"}]; weeks: [{"week_start", "active_users",
    "complete"}], empty when weeks is False.
    """
    first_monday = start - timedelta(days=start.weekday())
    last_monday = end - timedelta(days=end.weekday())
    partial = last_monday + timedelta(days=6) > end
    # Whole weeks from the account-week rollup; a week cut by `end` from the spans (one row per person), its
    # row without a date.
    parts = [_DAYS_SQL]
    if weeks:
        parts.append(_WEEKS_SQL)
        if partial:
            parts.append(f"SELECT 2, NULL, users.*, 0, 0, 0 FROM ({spans.users_sql(last_monday, end)}) users")
    sql = " UNION ALL ".join(parts)
    query = text(sql).bindparams(*(param for param in _DATE_PARAMS if f":{param.key}" in sql)).columns(**_TYPES)
    stored: tuple[dict, dict, dict] = ({}, {}, {})
    for part, day, *counts in Session.execute(query, {"account": account_id, "start": start, "end": end,
                                                       "first": first_monday}):
        stored[part][day] = counts
    day_rows, week_rows, partial_row = stored
    day_list = []
    nothing = (0, 0, 0, 0)
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        active_users, logins, events, reports_run = day_rows.get(day, nothing)
        day_list.append({"date": day, "active_users": active_users, "logins": logins, "events": events,
                         "reports_run": reports_run})
    week_list = []
    monday = first_monday
    while weeks and monday <= end:
        complete = not partial or monday != last_monday
        users = (week_rows.get(monday) if complete else partial_row.get(None)) or (0,)
        week_list.append({"week_start": monday, "active_users": int(users[0]), "complete": complete})
        monday += timedelta(days=7)
    return day_list, week_list


def feature_usage(account_id: int, start: date, end: date) -> list[dict]:
    """Per feature over the period: distinct users and feature_used events, most used first."""
    # Events from the account's feature-days; distinct people from the span rollups (one row per person).
    events = func.sum(UsageFeatureDay.events)
    rows = Session.execute(
        select(UsageFeatureDay.feature, events.label("events"))
        .where(UsageFeatureDay.account_id == account_id, UsageFeatureDay.day.between(start, end))
        .group_by(UsageFeatureDay.feature)
        .order_by(events.desc(), UsageFeatureDay.feature)
    ).all()
    if not rows:
        return []
    users = spans.feature_users(account_id, start, end)
    return [{"feature": row.feature, "users": users.get(row.feature, 0), "events": int(row.events or 0)} for row in rows]


def active_users_between(account_id: int, start: date, end: date) -> int:
    """Distinct users with any event from start to end."""
    return spans.distinct_users(account_id, start, end)


def period_usage(account_id: int, start: date, end: date) -> dict:
    """The period's usage figures, each counted one way everywhere: active users (distinct people with any
    event), their average per day, logins, events, reports run and key features used."""
    totals = Session.execute(
        select(func.coalesce(func.sum(UsageAccountDay.active_users), 0), func.coalesce(func.sum(UsageAccountDay.logins), 0),
               func.coalesce(func.sum(UsageAccountDay.events), 0), func.coalesce(func.sum(UsageAccountDay.reports_run), 0))
        .where(UsageAccountDay.account_id == account_id, UsageAccountDay.day.between(start, end))
    ).one()
    key_features_used = Session.scalar(
        select(func.count(func.distinct(UsageFeatureDay.feature)))
        .join(KeyFeature, KeyFeature.feature == UsageFeatureDay.feature)
        .where(UsageFeatureDay.account_id == account_id, UsageFeatureDay.day.between(start, end))) or 0
    days = (end - start).days + 1
    return {
        "active_users": active_users_between(account_id, start, end),
        "avg_daily_active_users": round(int(totals[0]) / days, 1),
        "logins": int(totals[1]),
        "events": int(totals[2]),
        "reports_run": int(totals[3]),
        "key_features_used": int(key_features_used),
    }


def key_feature_adoption(account_id: int, start: date, end: date) -> list[dict]:
    """Every key feature with its distinct users and events in the period (0 when not used yet)."""
    used = {row["feature"]: row for row in feature_usage(account_id, start, end)}
    features = Session.scalars(select(KeyFeature).order_by(KeyFeature.maturity_level.is_(None),
                                                          KeyFeature.maturity_level, KeyFeature.name)).all()
    return [
        {
            "feature": feature.feature,
            "name": feature.name,
            "description": feature.description,
            "maturity_level": feature.maturity_level,
            "article_slug": feature.article_slug,
            "users": used.get(feature.feature, {}).get("users", 0),
            "events": used.get(feature.feature, {}).get("events", 0),
        }
        for feature in features
    ]


def key_features_signature() -> tuple:
    """What the key-feature list looks like now (part of chart cache keys)."""
    return tuple(Session.execute(
        select(KeyFeature.id, KeyFeature.feature, KeyFeature.name, KeyFeature.maturity_level).order_by(KeyFeature.id)
    ).all())
