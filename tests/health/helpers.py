"""Helpers that write rollups the way ingestion does, for health tests."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import insert, text

from analytics.usage.rollups import rollup_days, span_statements, week_recount
from models.db import Session, is_postgres
from models.surveys import SurveyResponse
from models.usage import UsageAccountDay, UsageUserDay


def add_usage(account, users, days: list[date], logins: int = 1) -> None:
    """Each user active (with a login) on each day: user-day and account-day rollups."""
    Session.execute(insert(UsageUserDay), [
        {"account_id": account.id, "user_id": u.id, "day": d, "events": 3, "logins": logins, "page_views": 2,
         "feature_events": 0, "reports_run": 0} for u in users for d in days])
    Session.execute(insert(UsageAccountDay), [
        {"account_id": account.id, "day": d, "active_users": len(users), "logins": logins * len(users),
         "events": 3 * len(users), "reports_run": 0} for d in days])
    # The distinct-user rollups that ingestion keeps beside them, from the same user-days.
    user_days, user_feature_days = rollup_days("account_id = :account")
    for statement in (*span_statements(user_days, user_feature_days, is_postgres(Session)),
                      week_recount(user_days, is_postgres(Session))):
        Session.execute(text(statement), {"account": account.id})
    Session.commit()


def add_answer(account, respondent: str, score: int, day: date, n: int = 0) -> SurveyResponse:
    """An NPS answer at noon UTC on day."""
    response = SurveyResponse(account_id=account.id, client_id=f"{respondent}-{day}-{n}", respondent=respondent,
                              score=score, ts=datetime.combine(day, time(12), tzinfo=timezone.utc))
    Session.add(response)
    Session.commit()
    return response


def days_back(as_of: date, first: int, last: int) -> list[date]:
    """The days as_of - first ... as_of - last (first >= last)."""
    return [as_of - timedelta(days=k) for k in range(last, first + 1)]
