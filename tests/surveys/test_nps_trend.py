"""The NPS per month or quarter, counted in one query, equals the NPS of each bucket counted on its own."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from models.db import Session
from models.surveys import SurveyResponse
from surveys.nps import queries


@pytest.mark.parametrize("period", ["month", "quarter"])
def test_trend_buckets_equal_each_bucket_alone(app, world, period):
    rng = random.Random(11)
    start, end = date(2025, 11, 17), date(2026, 9, 3)
    accounts = [world["account_a"].id, world["account_b"].id]
    with app.app_context():
        for n in range(400):
            # A few respondents answering often: the latest answer in each bucket counts, ties broken by id.
            moment = datetime.combine(start - timedelta(days=20) + timedelta(days=rng.randint(0, 340)),
                                      datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=rng.choice((0, 12, 23)))
            Session.add(SurveyResponse(account_id=rng.choice(accounts), client_id=f"c{n}", respondent=f"r{rng.randint(1, 12)}",
                                       score=rng.randint(0, 10), comment="", ts=moment))
        Session.commit()
        for account_ids in (accounts[:1], accounts, None, []):
            trend = queries.nps_trend(account_ids, start, end, period)
            assert [(first, last) for first, last, _ in trend] == queries.period_starts(start, end, period)
            assert [result for _, _, result in trend] == [queries.nps_for(account_ids, first, last)
                                                          for first, last, _ in trend]
            assert any(result.responses for _, _, result in trend) == (account_ids != [])
