"""The demo's survey year tells each account's story."""
from __future__ import annotations

import random
import time
from datetime import date, timedelta

from sqlalchemy import func, select

from models.db import Session
from models.surveys import DetractorFollowup, SurveyInvitation, SurveyResponse
from portal.demo import seed_people
from surveys.nps.demo import seed_surveys
from surveys.nps.queries import nps_by_account


def test_demo_surveys_follow_the_stories_and_are_quick(app):
    with app.app_context():
        today = date.today()
        ctx = seed_people(random.Random(3), 12, 365, today)
        started = time.perf_counter()
        seed_surveys(ctx)
        Session.commit()
        seconds = time.perf_counter() - started
        assert seconds < 20
        recent = nps_by_account(None, today - timedelta(days=100), today)
        by_story: dict[str, list[float]] = {}
        for account_id, result in recent.items():
            by_story.setdefault(ctx.stories[account_id], []).append(result.nps)
        if "declining" in by_story and "healthy" in by_story:
            assert max(by_story["declining"]) < min(by_story["healthy"])
        statuses = dict(Session.execute(select(DetractorFollowup.status, func.count())
                                        .group_by(DetractorFollowup.status)).all())
        assert statuses.get("closed", 0) > 0 and statuses.get("open", 0) > 0
        answered = Session.scalar(select(func.count()).select_from(SurveyInvitation)
                                  .where(SurveyInvitation.response_id.is_not(None)))
        assert answered == Session.scalar(select(func.count()).select_from(SurveyResponse)) > 0
        # the demo customer has an open survey to answer
        first_customer = ctx.customers[ctx.accounts[0].id][0]
        pending = Session.scalar(select(func.count()).select_from(SurveyInvitation).where(
            SurveyInvitation.user_id == first_customer.id, SurveyInvitation.answered_at.is_(None)))
        assert pending >= 1
