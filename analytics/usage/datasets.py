"""Usage figures as plain data, read from the daily rollups only (never from raw events)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, func, literal, select, text

from analytics.usage import spans
from models.db import Session
from models.usage import KeyFeature, UsageAccountDay, UsageAccountWeek, UsageFeatureDay, UsageUserSpan


def usage_days(account_id: int, start: date, end: date) -> list[dict]:
    """One entry per UTC day from start to end (zeros included): active users, logins, events, reports run."""
    rows = {
        day: (active_users, logins, events, reports_run)
        for day, active_users, logins, events, reports_run in Session.execute(
            select(UsageAccountDay.day, UsageAccountDay.active_users, UsageAccountDay.logins,
                   UsageAccountDay.events, UsageAccountDay.reports_run)
            .where(UsageAccountDay.account_id == account_id, UsageAccountDay.day.between(start, end))
        )
    }
    days = []
    nothing = (0, 0, 0, 0)
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        active_users, logins, events, reports_run = rows.get(day, nothing)
        days.append({"date": day, "active_users": active_users, "logins": logins, "events": events,
                     "reports_run": reports_run})
    return days


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


def weekly_active_users(account_id: int, start: date, end: date) -> list[dict]:
    """Distinct active users per Monday-to-Sunday week that overlaps the period (days after `end` not counted)."""
    first_monday = start - timedelta(days=start.weekday())
    last_monday = end - timedelta(days=end.weekday())
    # Whole weeks from the account-week rollup; a week cut by `end` from the spans (one row per person), in the
    # same round trip (its row has no week_start).
    query = (select(UsageAccountWeek.week_start, UsageAccountWeek.active_users)
             .where(UsageAccountWeek.account_id == account_id, UsageAccountWeek.week_start.between(first_monday, end)))
    partial = last_monday + timedelta(days=6) > end
    if partial:
        query = query.union_all(select(literal(None, Date), func.count(func.distinct(UsageUserSpan.user_id)))
                                .where(UsageUserSpan.account_id == account_id,
                                       text(spans.period_condition(last_monday, end))))
    stored = dict(Session.execute(query).all())
    weeks = []
    monday = first_monday
    while monday <= end:
        complete = not partial or monday != last_monday
        users = stored.get(monday if complete else None, 0)
        weeks.append({"week_start": monday, "active_users": int(users), "complete": complete})
        monday += timedelta(days=7)
    return weeks


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
