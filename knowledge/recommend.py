"""Articles to recommend: for key features an account does not use yet, and for maturity levels."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models.accounts import Account
from models.db import Session
from models.knowledge import Article, KbArticleLevel, kb_article_feature
from models.usage import KeyFeature, UsageFeatureDay

UNUSED_AFTER_DAYS = 90  # a key feature with no usage row in this many days counts as not used
MAX_FEATURES = 3
ARTICLES_PER_FEATURE = 3


def unused_feature_articles(account: Account, as_of) -> list[tuple[KeyFeature, list[Article]]]:
    """Key features the account has not used in the last 90 days, each with its published articles."""
    # Read first, on the account's shard: a NOT IN subquery over usage from reference tables does not
    # distribute on Citus, and the features an account used are a handful of keys.
    used = list(Session.scalars(select(UsageFeatureDay.feature).where(
        UsageFeatureDay.account_id == account.id,
        UsageFeatureDay.day > as_of - timedelta(days=UNUSED_AFTER_DAYS), UsageFeatureDay.day <= as_of,
    ).distinct()))
    rows = Session.execute(
        select(KeyFeature, Article)
        .join(kb_article_feature, kb_article_feature.c.key_feature_id == KeyFeature.id)
        .join(Article, Article.id == kb_article_feature.c.article_id)
        .where(Article.status == "published", KeyFeature.feature.not_in(used))
        .order_by(KeyFeature.maturity_level.is_(None), KeyFeature.maturity_level, KeyFeature.name, Article.title)
    ).all()
    grouped: dict[int, tuple[KeyFeature, list[Article]]] = {}
    for feature, article in rows:
        entry = grouped.setdefault(feature.id, (feature, []))
        if len(entry[1]) < ARTICLES_PER_FEATURE:
            entry[1].append(article)
    return list(grouped.values())[:MAX_FEATURES]


def articles_for_levels(levels: list[int]) -> list[Article]:
    """Published articles linked to any of these maturity levels, lowest level first."""
    wanted = sorted({level for level in levels if 1 <= level <= 5})
    if not wanted:
        return []
    rows = Session.execute(
        select(Article, KbArticleLevel.level).join(KbArticleLevel, KbArticleLevel.article_id == Article.id)
        .where(KbArticleLevel.level.in_(wanted), Article.status == "published")
        .order_by(KbArticleLevel.level, Article.title)
    ).all()
    seen: set[int] = set()
    articles = []
    for article, _level in rows:
        if article.id not in seen:
            seen.add(article.id)
            articles.append(article)
    return articles
