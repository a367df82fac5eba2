"""Demo data: a year of assessments for most accounts, consistent with each account's story."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from models.db import Session
from models.maturity import AssessmentRound, MaturityModel
from portal.demo import seed_people
from surveys.maturity.demo import seed_maturity
from surveys.maturity.queries import latest_levels, level_drops


def test_demo_assesses_most_accounts_and_declining_ones_drop_lately(app):
    today = date(2026, 6, 30)
    with app.app_context():
        ctx = seed_people(random.Random(3), 16, 365, today)
        seed_maturity(ctx)
        Session.commit()
        assert Session.scalar(select(func.count()).select_from(MaturityModel)) == 1
        levels = latest_levels()
        assert len(levels) >= 10  # most of the 16 accounts
        assert ctx.accounts[0].id in levels  # the demo customer's account always has results
        for account in ctx.accounts:
            rounds = Session.scalars(select(AssessmentRound).where(AssessmentRound.account_id == account.id)).all()
            assert all(r.taken_on <= today - timedelta(days=1) for r in rounds)
            assert all(r.taken_on >= account.customer_since for r in rounds)
        declining = [a.id for a in ctx.accounts if ctx.stories[a.id] == "declining" and levels.get(a.id, (0, None))[1]]
        assert declining, "the seed should give at least one declining account with two rounds"
        for account_id in declining:
            latest, previous = levels[account_id]
            assert latest < previous
        dropped = {row[0] for row in level_drops(today - timedelta(days=90))}
        assert set(declining) <= dropped
