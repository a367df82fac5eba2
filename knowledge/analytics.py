"""Knowledge-base figures for admins, and the content-gap queue: what to write or fix next.

SQL does the counting; the results are plain rows for tables and charts.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Integer, Subquery, case, cast, func, select, union_all

from models.accounts import Account
from models.db import Session, utcnow
from models.knowledge import Article, KbSearchLog, KbStaffSearch, KbView, KbVote
from models.surveys import SurveyResponse

WINDOW_DAYS = 90  # figures cover the last 90 days
DETRACTOR_MAX_SCORE = 6
THEME_STOPWORDS = frozenset(
    """a about after again all also am an and any are as at be because been before but by can cannot could did do
    does doing don dont for from get got had has have having he her here him his how i if in into is it its just
    like me more most much my no not now of off on once only or other our out over own really same she should so
    some still such than that the their them then there these they this those through to too under until up us
    very was we were what when where which while who why will with would you your yours product team use used using
    one thing things lot way make makes made need needs even every much many""".split()
)


@dataclass
class GapItem:
    """One entry of the content-gap queue."""

    kind: str  # failed_search, unhelpful_article or detractor_theme
    title: str  # the query, the article title or the recurring word
    count: int  # how often: searches, unhelpful votes, detractor comments
    comments: list[str] = field(default_factory=list)  # what people wrote, newest first
    slug: str | None = None  # the article, for unhelpful_article

    @property
    def label(self) -> str:
        """What kind of gap, in words."""
        return {"failed_search": "Search found nothing", "unhelpful_article": "Voted not helpful",
                "detractor_theme": "Recurs in detractors' comments"}[self.kind]


def _searches(days: int, *, staff: bool) -> Subquery:
    """The searches of the window from both tables in one UNION ALL: customers' (kb_search_log, by account)
    and those kept apart in kb_staff_search, all of them (staff=True) or only those by nobody known
    (staff=False: a staff member's search is no customer's gap; one by nobody known counts, as it always did)."""
    since = _since(days)
    customers = select(KbSearchLog.normalized, KbSearchLog.result_count, KbSearchLog.clicked_article_id,
                       KbSearchLog.source).where(KbSearchLog.ts >= since)
    apart = select(KbStaffSearch.normalized, KbStaffSearch.result_count, KbStaffSearch.clicked_article_id,
                   KbStaffSearch.source).where(KbStaffSearch.ts >= since)
    if not staff:
        apart = apart.where(KbStaffSearch.user_id.is_(None))
    return union_all(customers, apart).subquery("searches")


@dataclass
class ReaderComment:
    """A comment a reader left with their vote."""

    title: str  # the article's title
    slug: str  # the article's slug
    helpful: bool  # the vote it came with
    comment: str  # what they wrote
    updated_at: datetime  # when it was written or last changed
    account: str  # the reader's account name (only customers vote)


def reader_comments(days: int = WINDOW_DAYS, limit: int = 100) -> list[ReaderComment]:
    """Every comment left with a vote in the window, helpful or not, newest first."""
    rows = Session.execute(
        select(Article.title, Article.slug, KbVote.helpful, KbVote.comment, KbVote.updated_at, Account.name)
        .join(Article, Article.id == KbVote.article_id).join(Account, Account.id == KbVote.account_id)
        .where(KbVote.comment != "", KbVote.updated_at >= _since(days))
        .order_by(KbVote.updated_at.desc(), KbVote.id.desc()).limit(limit)).all()
    return [ReaderComment(*row) for row in rows]


def _since(days: int):
    return utcnow() - timedelta(days=days)


def views_by_article(days: int = WINDOW_DAYS, limit: int = 10) -> list[tuple[str, str, int]]:
    """(title, slug, views) of the most read articles in the window."""
    views = func.count(KbView.id)
    rows = Session.execute(
        select(Article.title, Article.slug, views).join(KbView, KbView.article_id == Article.id)
        .where(KbView.ts >= _since(days)).group_by(Article.id, Article.title, Article.slug)
        .order_by(views.desc(), Article.title).limit(limit)
    ).all()
    return [(r[0], r[1], int(r[2])) for r in rows]


def helpfulness(limit: int = 10) -> list[tuple[str, str, int, int]]:
    """(title, slug, helpful votes, unhelpful votes) of the most voted articles."""
    yes = func.sum(cast(KbVote.helpful, Integer))
    total = func.count(KbVote.id)
    rows = Session.execute(
        select(Article.title, Article.slug, yes, total).join(KbVote, KbVote.article_id == Article.id)
        .group_by(Article.id, Article.title, Article.slug).order_by(total.desc(), Article.title).limit(limit)
    ).all()
    return [(r[0], r[1], int(r[2] or 0), int(r[3]) - int(r[2] or 0)) for r in rows]


def failed_searches(days: int = WINDOW_DAYS, limit: int = 20) -> list[tuple[str, int]]:
    """(words, times) of searches that found nothing, most frequent first."""
    searches = _searches(days, staff=False)
    times = func.count()
    rows = Session.execute(
        select(searches.c.normalized, times)
        .where(searches.c.result_count == 0, searches.c.normalized != "")
        .group_by(searches.c.normalized).order_by(times.desc(), searches.c.normalized).limit(limit)
    ).all()
    return [(r[0], int(r[1])) for r in rows]


def unclicked_searches(days: int = WINDOW_DAYS, limit: int = 20) -> list[tuple[str, int, int]]:
    """(words, searches with results but no click, searches) — results that did not look like answers."""
    searches = _searches(days, staff=False)
    unclicked = func.sum(case((searches.c.clicked_article_id.is_(None), 1), else_=0))
    rows = Session.execute(
        select(searches.c.normalized, unclicked, func.count())
        .where(searches.c.result_count > 0, searches.c.source == "web")
        .group_by(searches.c.normalized).having(unclicked > 0)
        .order_by(unclicked.desc(), searches.c.normalized).limit(limit)
    ).all()
    return [(r[0], int(r[1]), int(r[2])) for r in rows]


def totals(days: int = WINDOW_DAYS) -> dict:
    """Headline figures of the window: views, votes, helpful share, searches, failed share."""
    since = _since(days)
    views = Session.scalar(select(func.count()).select_from(KbView).where(KbView.ts >= since)) or 0
    yes, votes = Session.execute(
        select(func.sum(cast(KbVote.helpful, Integer)), func.count()).where(KbVote.updated_at >= since)
    ).one()
    every_search = _searches(days, staff=True)
    searches, failed = Session.execute(
        select(func.count(), func.sum(case((every_search.c.result_count == 0, 1), else_=0)))
    ).one()
    return {
        "views": int(views), "votes": int(votes or 0),
        "helpful_share": (int(yes or 0) / votes) if votes else None,
        "searches": int(searches or 0), "failed_share": (int(failed or 0) / searches) if searches else None,
    }


def _unhelpful_articles(limit: int) -> list[GapItem]:
    no = func.sum(case((KbVote.helpful.is_(False), 1), else_=0))
    rows = Session.execute(
        select(Article.id, Article.title, Article.slug, no).join(KbVote, KbVote.article_id == Article.id)
        .where(Article.status != "archived").group_by(Article.id, Article.title, Article.slug)
        .having(no > 0).order_by(no.desc(), Article.title).limit(limit)
    ).all()
    ids = [r[0] for r in rows]
    comments: dict[int, list[str]] = {}
    if ids:
        for article_id, comment in Session.execute(
            select(KbVote.article_id, KbVote.comment)
            .where(KbVote.article_id.in_(ids), KbVote.helpful.is_(False), KbVote.comment != "")
            .order_by(KbVote.updated_at.desc())
        ):
            comments.setdefault(article_id, []).append(comment)
    return [GapItem("unhelpful_article", r[1], int(r[3]), comments.get(r[0], [])[:5], r[2]) for r in rows]


def detractor_themes(days: int = 180, limit: int = 10, min_comments: int = 2) -> list[GapItem]:
    """Words that recur in detractors' comments (each comment counts a word once)."""
    rows = Session.execute(
        select(SurveyResponse.comment).where(
            SurveyResponse.score <= DETRACTOR_MAX_SCORE, SurveyResponse.comment != "", SurveyResponse.ts >= _since(days)
        ).order_by(SurveyResponse.ts.desc()).limit(5000)
    ).scalars().all()
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for comment in rows:
        words = {w for w in re.findall(r"[a-z][a-z'-]{2,}", comment.lower()) if w not in THEME_STOPWORDS}
        for word in words:
            counts[word] += 1
            if len(examples.setdefault(word, [])) < 3:
                examples[word].append(comment[:300])
    return [GapItem("detractor_theme", word, n, examples[word])
            for word, n in counts.most_common(limit) if n >= min_comments]


def content_gaps(days: int = WINDOW_DAYS, limit: int = 30) -> list[GapItem]:
    """One queue: failed searches, unhelpful articles (with comments), detractor themes; biggest first."""
    items = [GapItem("failed_search", words, times) for words, times in failed_searches(days, limit)]
    items += _unhelpful_articles(limit)
    items += detractor_themes()
    items.sort(key=lambda item: (-item.count, item.kind, item.title))
    return items[:limit]
