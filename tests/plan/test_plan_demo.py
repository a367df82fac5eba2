"""Demo success plans: every account has one, and its figures agree with the account's story."""
from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from models.db import Session
from models.plans import PlanComment, PlanReading
from models.usage import UsageAccountDay


def _seed(app, with_usage: bool):
    from analytics.plan.demo import seed_plans
    from analytics.plan.queries import plan_views, today
    from portal.demo import seed_people

    with app.app_context():
        ctx = seed_people(random.Random(3), 12, 120, today())
        if with_usage:
            rows = [
                {"account_id": account.id, "day": ctx.today - timedelta(days=k), "active_users": 3,
                 "logins": 5 + (k % 3), "events": 20, "reports_run": 2}
                for account in ctx.accounts for k in range(130)
            ]
            Session.execute(UsageAccountDay.__table__.insert(), rows)
        seed_plans(ctx)
        Session.commit()
        views = {account.id: plan_views(account) for account in ctx.accounts}
        comments = Counter(Session.scalars(select(PlanComment.account_id)))
        return ctx, views, comments


def test_every_demo_account_gets_two_to_four_metrics_and_comments(app):
    """Each plan has 2-4 metrics and at least one comment."""
    ctx, views, comments = _seed(app, with_usage=False)
    for account in ctx.accounts:
        assert 2 <= len(views[account.id]) <= 4
        assert comments[account.id] >= 1


def test_demo_plans_follow_the_account_story(app):
    """Healthy accounts are mostly on track, declining ones mostly off; both kinds appear overall."""
    ctx, views, _comments = _seed(app, with_usage=False)
    tally = Counter()
    for account in ctx.accounts:
        story = ctx.stories[account.id]
        for view in views[account.id]:
            tally[(story, view.assessment.on_track)] += 1
        first = views[account.id][0].assessment.on_track
        assert first == (story != "declining"), (story, views[account.id][0].assessment.explanation)
    assert any(on for (_s, on) in tally) and any(not on for (_s, on) in tally)


def test_demo_usage_metrics_read_the_rollups(app):
    """With usage in the rollups, measured metrics' baselines and weekly readings equal what the portal computes."""
    from analytics.plan.queries import usage_values

    ctx, views, _comments = _seed(app, with_usage=True)
    measured = [v.metric for vs in views.values() for v in vs if v.metric.source == "usage"]
    assert measured
    with app.app_context():
        for metric in measured:
            readings = list(Session.execute(select(PlanReading.day, PlanReading.value)
                                            .where(PlanReading.metric_id == metric.id)))
            assert len(readings) >= 2 and metric.target_value > metric.baseline_value
            for day, value in readings:
                assert value == usage_values([metric.account_id], day)[(metric.account_id, metric.usage_measure)]
