"""The knowledge base's demo data: enough real articles, linked, read, rated and searched."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select

from knowledge.analytics import content_gaps
from knowledge.demo import seed_knowledge
from models.db import Session
from models.knowledge import Article, KbSearchLog, KbView, KbVote, kb_article_feature
from models.usage import KeyFeature
from portal.demo import seed_people


def test_demo_seeds_substantial_linked_articles_with_activity(app):
    """30+ published articles of several paragraphs in several categories, with views, votes and failed searches."""
    with app.app_context():
        Session.add(KeyFeature(feature="scheduled_reports", name="Scheduled reports", maturity_level=3))
        Session.flush()
        ctx = seed_people(random.Random(3), 4, 120, date.today())
        seed_knowledge(ctx)
        Session.commit()
        published = list(Session.scalars(select(Article).where(Article.status == "published")))
        assert len(published) >= 30
        assert len({a.category_id for a in published}) >= 5
        assert all(a.body_markdown.count("\n\n") >= 3 and a.tags for a in published)
        assert Session.scalar(select(func.count()).select_from(kb_article_feature)) >= 1
        assert Session.scalar(select(func.count()).select_from(KbView)) > 0
        assert Session.scalar(select(func.count()).select_from(KbVote)) > 0
        assert Session.scalar(select(func.count()).select_from(KbSearchLog).where(KbSearchLog.result_count == 0)) > 0
        kinds = {gap.kind for gap in content_gaps()}
        assert {"failed_search", "unhelpful_article"} <= kinds
        assert Session.scalar(select(Article.slug).where(Article.slug == "getting-started")) == "getting-started"
