"""Reads of the knowledge base, always limited to what the user may see."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, cast, func, select

from knowledge import search as kb_search
from models.accounts import User
from models.db import Session
from models.knowledge import Article, KbCategory, KbSlugRedirect, KbTag, KbVote, kb_article_tag


def visible_statuses(user: User) -> tuple[str, ...]:
    """Admins see every article; customers and CSMs only published ones."""
    return ("draft", "published", "archived") if user.role == "admin" else ("published",)


def article_for_slug(slug: str, user: User) -> tuple[Article | None, str | None]:
    """(article, None) for a current slug, (None, new slug) for an old one, (None, None) when unknown or hidden."""
    statuses = visible_statuses(user)
    article = Session.scalar(select(Article).where(Article.slug == slug, Article.status.in_(statuses)))
    if article is not None:
        return article, None
    moved = Session.scalar(
        select(Article.slug).join(KbSlugRedirect, KbSlugRedirect.article_id == Article.id)
        .where(KbSlugRedirect.old_slug == slug, Article.status.in_(statuses))
    )
    return None, moved


@dataclass
class VoteStats:
    """Helpful and unhelpful votes of an article."""

    yes: int = 0
    no: int = 0

    @property
    def total(self) -> int:
        """Votes cast."""
        return self.yes + self.no

    @property
    def ratio(self) -> float | None:
        """Share of helpful votes, None without votes."""
        return self.yes / self.total if self.total else None


def vote_stats(article_ids: list[int] | None = None) -> dict[int, VoteStats]:
    """Votes per article id."""
    statement = select(
        KbVote.article_id, func.sum(cast(KbVote.helpful, Integer)), func.count()
    ).group_by(KbVote.article_id)
    if article_ids is not None:
        statement = statement.where(KbVote.article_id.in_(article_ids))
    return {row[0]: VoteStats(int(row[1] or 0), int(row[2]) - int(row[1] or 0)) for row in Session.execute(statement)}


def published_by_category() -> list[tuple[str, list[Article]]]:
    """Published articles grouped by category (uncategorised last), titles in order."""
    rows = Session.execute(
        select(Article, KbCategory.name, KbCategory.position)
        .outerjoin(KbCategory, KbCategory.id == Article.category_id)
        .where(Article.status == "published")
        .order_by(KbCategory.position.is_(None), KbCategory.position, KbCategory.name, Article.title)
    ).all()
    sections: dict[str, list[Article]] = {}
    for article, name, _position in rows:
        sections.setdefault(name or "Other articles", []).append(article)
    return list(sections.items())


def most_helpful(limit: int = 5) -> list[tuple[Article, VoteStats]]:
    """Published articles with the most helpful votes (ratio first, then count)."""
    yes = func.sum(cast(KbVote.helpful, Integer))
    rows = Session.execute(
        select(Article, yes, func.count())
        .join(KbVote, KbVote.article_id == Article.id)
        .where(Article.status == "published")
        .group_by(Article.id)
        .having(yes > 0)
        .order_by((yes * 1.0 / func.count()).desc(), yes.desc(), Article.id)
        .limit(limit)
    ).all()
    return [(article, VoteStats(int(y), int(n) - int(y))) for article, y, n in rows]


def newest(limit: int = 5) -> list[Article]:
    """The most recently published articles."""
    return list(Session.scalars(
        select(Article).where(Article.status == "published").order_by(Article.published_at.desc(), Article.id.desc()).limit(limit)
    ))


def related(article: Article, limit: int = 5) -> list[Article]:
    """Published articles sharing tags or the category first, then the most similar in text."""
    tag_ids = [t.id for t in article.tags]
    shared = func.count(kb_article_tag.c.tag_id)
    scored: list[int] = []
    if tag_ids:
        scored = list(Session.scalars(
            select(Article.id).join(kb_article_tag, kb_article_tag.c.article_id == Article.id)
            .where(kb_article_tag.c.tag_id.in_(tag_ids), Article.id != article.id, Article.status == "published")
            .group_by(Article.id)
            .order_by(shared.desc(), (Article.category_id == article.category_id).desc() if article.category_id else Article.id, Article.id)
            .limit(limit)
        ))
    if len(scored) < limit and article.category_id:
        scored += [i for i in Session.scalars(
            select(Article.id).where(Article.category_id == article.category_id, Article.id != article.id,
                                     Article.status == "published", Article.id.not_in(scored or [-1]))
            .order_by(Article.published_at.desc()).limit(limit - len(scored))
        )]
    if len(scored) < limit:
        for hit in kb_search.similar(article.title, statuses=("published",), limit=limit + 5, exclude_id=article.id):
            if hit.id not in scored and len(scored) < limit:
                scored.append(hit.id)
    by_id = {a.id: a for a in Session.scalars(select(Article).where(Article.id.in_(scored)))} if scored else {}
    return [by_id[i] for i in scored if i in by_id]


def vote_of(user: User, article: Article) -> KbVote | None:
    """The user's current vote on the article, if any."""
    return Session.scalar(select(KbVote).where(KbVote.article_id == article.id, KbVote.user_id == user.id))


def all_tags() -> list[str]:
    """Every tag name in use."""
    return list(Session.scalars(select(KbTag.name).order_by(KbTag.name)))


def category_names() -> list[str]:
    """Every category name."""
    return list(Session.scalars(select(KbCategory.name).order_by(KbCategory.position, KbCategory.name)))
