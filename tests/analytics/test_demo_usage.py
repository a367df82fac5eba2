"""The usage demo follows each account's story and its rollups match its raw events."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from analytics.usage.demo import seed_usage, story_factor
from models.db import Session
from models.usage import KeyFeature, UsageAccountDay, UsageEvent, UsageUserDay
from portal import demo


def test_story_factors_tell_the_stories():
    assert story_factor("healthy", 5, 400) == 1.0
    assert story_factor("declining", 1, 400) < 0.4 < story_factor("declining", 100, 400)
    assert story_factor("recovering", 100, 400) < story_factor("recovering", 5, 400)
    assert story_factor("new", 0, 0) < story_factor("new", 0, 60)


def test_demo_usage_is_consistent_and_declining_accounts_decline(app):
    with app.app_context():
        ctx = demo.seed_people(random.Random(3), 8, 120, date.today())
        for account in ctx.accounts[1:3]:
            ctx.stories[account.id] = "declining"
        seed_usage(ctx)
        Session.commit()
        assert Session.scalar(select(func.count()).select_from(KeyFeature)) == 6
        events = Session.scalar(select(func.count()).select_from(UsageEvent))
        rolled = Session.scalar(select(func.sum(UsageAccountDay.events)))
        assert events > 1000 and rolled == events
        assert Session.scalar(select(func.sum(UsageUserDay.events))) == events
        for account in ctx.accounts[1:3]:
            def active(first: int, last: int) -> int:
                return Session.scalar(select(func.count(func.distinct(UsageUserDay.user_id))).where(
                    UsageUserDay.account_id == account.id,
                    UsageUserDay.day.between(date.today() - timedelta(days=last), date.today() - timedelta(days=first))))
            daily_recent = Session.scalar(select(func.avg(UsageAccountDay.active_users)).where(
                UsageAccountDay.account_id == account.id, UsageAccountDay.day >= date.today() - timedelta(days=14)))
            daily_before = Session.scalar(select(func.avg(UsageAccountDay.active_users)).where(
                UsageAccountDay.account_id == account.id,
                UsageAccountDay.day.between(date.today() - timedelta(days=110), date.today() - timedelta(days=60))))
            assert float(daily_recent) < float(daily_before)
            assert active(0, 13) <= active(60, 73) + 1
