"""A forecast as of day D reads no row dated after D: adding later rows changes neither the indicators nor the fit."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from analytics.forecast.features import features_table
from analytics.forecast.history import load_histories
from analytics.forecast.service import compute_forecast
from models.accounts import Account
from models.db import Session
from models.health import HealthScore, HealthWarning
from models.revenue import ArrChange
from models.surveys import SurveyResponse
from models.usage import UsageAccountDay
from tests.forecast.conftest import END

D = END - timedelta(days=60)


def _after(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=timezone.utc)


def _add_the_future(account_ids: list[int]) -> None:
    """Rows dated after D that would give a different answer if they were read: drops, churns, detractors."""
    for n, account_id in enumerate(account_ids[:40]):
        for k in range(1, 8):
            day = D + timedelta(days=k)
            if Session.scalar(select(HealthScore.id).where(HealthScore.account_id == account_id,
                                                           HealthScore.as_of == day)) is None:
                Session.add(HealthScore(account_id=account_id, as_of=day, score=5.0, band="red"))
            Session.merge(UsageAccountDay(account_id=account_id, day=day, active_users=0, logins=0, events=0,
                                          reports_run=0))
        Session.add(SurveyResponse(account_id=account_id, client_id=f"future-{n}", respondent="x@future.example",
                                   score=0, ts=_after(D + timedelta(days=1))))
        Session.add(HealthWarning(account_id=account_id, kind="no_login", episode_key=f"future-{n}",
                                  as_of=D + timedelta(days=2), message="Nobody logged in."))
        Session.merge(ArrChange(account_id=account_id, effective_on=D + timedelta(days=3), arr=1))
    for account in Session.scalars(select(Account).where(Account.id.in_(account_ids[:15]),
                                                         Account.status == "active")):
        account.status, account.churned_on = "churned", D + timedelta(days=5)
    Session.commit()


def test_indicators_and_fit_as_of_d_ignore_every_later_row(app, generated):
    histories, ids = generated
    before_tables = features_table(load_histories(D), D)
    before = compute_forecast(D, required_churns=5)
    assert before[0] in ("logistic", "markov") and before[2]["forecasts"] > 0, before
    _add_the_future(list(ids.values()))
    assert features_table(load_histories(D), D) == before_tables
    assert json.dumps(compute_forecast(D, required_churns=5), sort_keys=True) == json.dumps(before, sort_keys=True)
    # ...while a forecast as of a later day does see them.
    later = features_table(load_histories(D + timedelta(days=7)), D + timedelta(days=7))
    assert any(row["score"] == 5.0 for row in later.values())


def test_features_of_a_day_do_not_change_when_history_grows():
    """Pure: the indicators of day D from a history cut at D equal those from the full history."""
    from analytics.forecast.synthetic import generate

    full = generate(accounts=80, days=300, seed=9, end=END)
    cut = generate(accounts=80, days=300, seed=9, end=END)
    for h in cut:
        keep = [i for i, d in enumerate(h.health_days) if d <= D]
        h.health_days, h.health = [h.health_days[i] for i in keep], [h.health[i] for i in keep]
        pairs = [(d, t) for d, t in zip(h.usage_days, h.usage_totals) if d <= D]
        h.usage_days, h.usage_totals = [d for d, _ in pairs], [t for _, t in pairs]
        h.detractor_days = [d for d in h.detractor_days if d <= D]
        h.warnings = [(r, o if o and o <= D else None) for r, o in h.warnings if r <= D]
        h.churned_on = h.churned_on if h.churned_on and h.churned_on <= D else None
    assert features_table(full, D) == features_table(cut, D)
