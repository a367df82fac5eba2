"""A generated history (hidden churn rules) stored in the database as the portal would hold it."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import insert

from analytics.forecast.synthetic import generate
from models.accounts import Account
from models.db import Session
from models.health import HealthScore, HealthWarning
from models.revenue import ArrChange
from models.surveys import SurveyResponse
from models.usage import UsageAccountDay

END = date(2026, 6, 30)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.utc)


def store(histories, end: date = END) -> dict[int, int]:
    """Write generated histories as accounts, health rows, usage days, detractor answers and warnings."""
    ids = {}
    for h in histories:
        account = Account(external_id=f"GEN-{h.account_id}", name=f"Generated {h.account_id}", arr=h.arr_changes[0][1],
                          seats=h.seats, customer_since=h.customer_since, renewal_date=h.renewal_date,
                          status="churned" if h.churned_on and h.churned_on <= end else "active",
                          churned_on=h.churned_on if h.churned_on and h.churned_on <= end else None)
        Session.add(account)
        Session.flush()
        ids[h.account_id] = account.id
        Session.add(ArrChange(account_id=account.id, effective_on=h.customer_since, arr=account.arr))
        components = lambda adoption, sentiment: json.dumps([  # noqa: E731
            {"name": "adoption", "weight": 50, "score": adoption, "contribution": adoption / 2, "explanation": "."},
            {"name": "sentiment", "weight": 50, "score": sentiment, "contribution": sentiment / 2, "explanation": "."}])
        Session.execute(insert(HealthScore), [
            {"account_id": account.id, "as_of": day, "score": s, "band": band, "components_json": components(a, n),
             "arr": account.arr} for day, (s, band, a, n) in zip(h.health_days, h.health)])
        previous = 0.0
        rows = []
        for day, total in zip(h.usage_days, h.usage_totals):
            rows.append({"account_id": account.id, "day": day, "active_users": int(round(total - previous)),
                         "logins": 1, "events": 1, "reports_run": 0})
            previous = total
        if rows:
            Session.execute(insert(UsageAccountDay), rows)
        for n, day in enumerate(h.detractor_days):
            Session.add(SurveyResponse(account_id=account.id, client_id=f"gen-{n}", respondent=f"p{n}@gen.example",
                                       score=3, ts=_at(day)))
        for n, (raised, over) in enumerate(h.warnings):
            Session.add(HealthWarning(account_id=account.id, kind="usage_drop", episode_key=f"since:{raised}:{n}",
                                      as_of=raised, message="Active users fell.", raised_at=_at(raised),
                                      cleared_at=_at(over) if over else None))
    Session.commit()
    return ids


@pytest.fixture
def generated(app):
    """120 accounts over 400 days, stored; returns their generated histories and database ids."""
    histories = generate(accounts=120, days=400, seed=3, end=END)
    return histories, store(histories)
