"""Writes of the knowledge base: validate, flush, never commit (the request or command commits)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update

from core.engagement import record_engagement
from core.validation import ServiceError
from knowledge.rendering import render_markdown, slugify
from models.accounts import User
from models.db import Session, utcnow
from models.knowledge import (
    ARTICLE_STATUSES,
    Article,
    KbArticleLevel,
    KbCategory,
    KbRevision,
    KbSearchLog,
    KbSlugRedirect,
    KbStaffSearch,
    KbTag,
    KbView,
    KbVote,
    kb_article_feature,
)
from models.usage import KeyFeature

MAX_BODY_BYTES = 1024 * 1024  # 1 MB of Markdown source, UTF-8 encoded
MAX_TITLE = 200
MAX_TAGS = 20
MAX_TAG_LENGTH = 50
MAX_COMMENT = 2000
RESERVED_SLUGS = {"admin", "search", "suggest", "new", "static", "api"}  # would clash with the pages under /kb/
FALLBACK_SLUG = "article"  # for a title with no letters or digits in ASCII (e.g. only punctuation or emoji)


class BodyTooLarge(ServiceError):
    """The Markdown source is over MAX_BODY_BYTES."""


@dataclass
class ArticleInput:
    """What an admin or an import sends for an article (validated by clean_input)."""

    title: str
    body_markdown: str
    status: str = "draft"
    category: str | None = None
    tags: list[str] | None = None
    slug: str | None = None


def clean_input(data: ArticleInput) -> ArticleInput:
    """Validate and normalise an article's fields, or raise ServiceError with a sentence."""
    title = " ".join((data.title or "").split())
    if not title:
        raise ServiceError("The title is required: write a short headline for the article.")
    if len(title) > MAX_TITLE:
        raise ServiceError(f"The title must be at most {MAX_TITLE} characters (it has {len(title)}).")
    body = data.body_markdown or ""
    if len(body.encode("utf-8")) > MAX_BODY_BYTES:
        raise BodyTooLarge("The article body must be at most 1 MB of Markdown; split it into several articles.")
    if data.status not in ARTICLE_STATUSES:
        raise ServiceError(f"The status must be one of {', '.join(ARTICLE_STATUSES)}, not {data.status!r}.")
    category = " ".join((data.category or "").split()) or None
    if category and len(category) > 100:
        raise ServiceError("The category name must be at most 100 characters.")
    tags: list[str] = []
    for tag in data.tags or []:
        name = " ".join(tag.lower().split())
        if len(name) > MAX_TAG_LENGTH:
            raise ServiceError(f"A tag must be at most {MAX_TAG_LENGTH} characters: {name[:20]!r}... is too long.")
        if name and name not in tags:
            tags.append(name)
    if len(tags) > MAX_TAGS:
        raise ServiceError(f"An article may have at most {MAX_TAGS} tags.")
    slug = None
    if data.slug:
        slug = slugify(data.slug, 120)
        if not slug:
            raise ServiceError("The address must contain letters or digits, e.g. 'export-reports'.")
        if slug in RESERVED_SLUGS:
            raise ServiceError(f"The address {slug!r} is reserved; choose another.")
    return ArticleInput(title, body, data.status, category, tags, slug)


def _slug_taken(slug: str, article_id: int | None = None) -> bool:
    owner = Session.scalar(select(Article.id).where(Article.slug == slug))
    redirect_owner = Session.scalar(select(KbSlugRedirect.article_id).where(KbSlugRedirect.old_slug == slug))
    return (owner is not None and owner != article_id) or (redirect_owner is not None and redirect_owner != article_id)


def unique_slug(title: str) -> str:
    """A slug for a new article: from the title, made unique with -2, -3...; a fallback when empty."""
    base = slugify(title) or FALLBACK_SLUG
    if base in RESERVED_SLUGS:
        base = f"{base}-article"
    slug, n = base, 2
    while _slug_taken(slug):
        slug, n = f"{base[:110]}-{n}", n + 1
    return slug


def _category(name: str | None) -> KbCategory | None:
    if not name:
        return None
    category = Session.scalar(select(KbCategory).where(func.lower(KbCategory.name) == name.lower()))
    if category is None:
        category = KbCategory(name=name)
        Session.add(category)
    return category


def _tags(names: list[str]) -> list[KbTag]:
    existing = {t.name: t for t in Session.scalars(select(KbTag).where(KbTag.name.in_(names)))} if names else {}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = KbTag(name=name)
            Session.add(tag)
        tags.append(tag)
    return tags


def _apply(article: Article, data: ArticleInput) -> None:
    rendered = render_markdown(data.body_markdown)
    article.title = data.title
    article.body_markdown = data.body_markdown
    article.body_html = rendered.html
    article.body_text = rendered.text
    article.toc_json = json.dumps(rendered.toc)
    article.status = data.status
    article.category = _category(data.category)
    article.tags = _tags(data.tags or [])
    article.tags_text = " ".join(data.tags or [])
    article.updated_at = utcnow()
    if data.status == "published" and article.published_at is None:
        article.published_at = article.updated_at


def _revision(article: Article, author: User | None, note: str) -> KbRevision:
    number = (Session.scalar(select(func.max(KbRevision.number)).where(KbRevision.article_id == article.id)) or 0) + 1
    revision = KbRevision(article_id=article.id, number=number, title=article.title, body_markdown=article.body_markdown,
                          status=article.status, note=note, author_id=author.id if author else None)
    Session.add(revision)
    return revision


def create_article(data: ArticleInput, author: User | None) -> Article:
    """Validate and add an article with its first revision."""
    data = clean_input(data)
    slug = data.slug or unique_slug(data.title)
    if data.slug and _slug_taken(slug):
        raise ServiceError(f"The address {slug!r} is already used by another article.")
    article = Article(slug=slug, author_id=author.id if author else None)
    _apply(article, data)
    Session.add(article)
    Session.flush()
    _revision(article, author, "created")
    Session.flush()
    return article


def update_article(article: Article, data: ArticleInput, author: User | None, note: str = "edited") -> Article:
    """Save a new version; a changed slug keeps the old one as a redirect."""
    data = clean_input(data)
    if data.slug and data.slug != article.slug:
        if _slug_taken(data.slug, article.id):
            raise ServiceError(f"The address {data.slug!r} is already used by another article.")
        Session.execute(delete(KbSlugRedirect).where(KbSlugRedirect.old_slug == data.slug))
        Session.add(KbSlugRedirect(old_slug=article.slug, article_id=article.id))
        article.slug = data.slug
    _apply(article, data)
    Session.flush()
    _revision(article, author, note)
    Session.flush()
    return article


def restore_revision(article: Article, revision: KbRevision, author: User | None) -> Article:
    """Make an old version current again, as a new revision (history is never rewritten)."""
    data = ArticleInput(revision.title, revision.body_markdown, article.status,
                        article.category.name if article.category else None, [t.name for t in article.tags])
    return update_article(article, data, author, note=f"restored revision {revision.number}")


def set_status(article: Article, status: str, author: User | None) -> Article:
    """Publish, unpublish or archive an article (a new revision records it)."""
    data = ArticleInput(article.title, article.body_markdown, status,
                        article.category.name if article.category else None, [t.name for t in article.tags])
    return update_article(article, data, author, note=status)


def set_links(article: Article, feature_ids: list[int], levels: list[int]) -> None:
    """Link an article to key features and maturity levels (replaces the previous links)."""
    if any(level not in range(1, 6) for level in levels):
        raise ServiceError("Maturity levels go from 1 to 5.")
    known = set(Session.scalars(select(KeyFeature.id).where(KeyFeature.id.in_(feature_ids)))) if feature_ids else set()
    Session.execute(delete(kb_article_feature).where(kb_article_feature.c.article_id == article.id))
    if known:
        Session.execute(insert(kb_article_feature), [{"article_id": article.id, "key_feature_id": f} for f in sorted(known)])
    article.levels = [KbArticleLevel(level=level) for level in sorted(set(levels))]
    Session.flush()


def linked_feature_ids(article: Article) -> list[int]:
    """Ids of the key features an article is linked to."""
    return list(Session.scalars(select(kb_article_feature.c.key_feature_id).where(kb_article_feature.c.article_id == article.id)))


ONLY_CUSTOMERS_VOTE = "Only customers answer “was this helpful?”: the answers say what readers think of an article."


class StaffMayNotVote(ServiceError):
    """Only customers answer "was this helpful?": the votes are a signal from readers, and each is stored by account."""


def may_vote(user: User | None) -> bool:
    """Customers vote on articles; staff (CSMs, admins) have no account and their opinion is no reader's signal."""
    return user is not None and user.role == "customer" and user.account_id is not None


def vote(article: Article, user: User, helpful: bool, comment: str = "") -> KbVote:
    """Record or change a customer's vote (it counts as engagement of their account); staff get StaffMayNotVote."""
    if not may_vote(user):
        raise StaffMayNotVote(ONLY_CUSTOMERS_VOTE)
    comment = (comment or "").strip()[:MAX_COMMENT]
    existing = Session.scalar(select(KbVote).where(KbVote.article_id == article.id, KbVote.user_id == user.id))
    if existing is None:
        existing = KbVote(article_id=article.id, user_id=user.id, account_id=user.account_id, helpful=helpful, comment=comment)
        Session.add(existing)
    else:
        existing.helpful = helpful
        existing.comment = comment
        existing.updated_at = utcnow()
    record_engagement(user.account_id, user.id, "article_vote")
    Session.flush()
    return existing


def record_view(article: Article, user: User) -> None:
    """Count a customer's reading of an article for their account (staff reading is not counted)."""
    if user.role != "customer" or not user.account_id:
        return
    Session.add(KbView(article_id=article.id, account_id=user.account_id, user_id=user.id))
    record_engagement(user.account_id, user.id, "article_view")
    Session.flush()


def _search_table(user: User | None) -> type[KbSearchLog] | type[KbStaffSearch]:
    # A search with an account is that account's (distributed by account); staff have none (and a search by
    # nobody known has none): those go to the coordinator's table.
    return KbSearchLog if user is not None and user.account_id is not None else KbStaffSearch


def log_search(query: str, normalized: str, result_count: int, user: User | None,
               source: str = "web") -> KbSearchLog | KbStaffSearch:
    """Keep a search for the content-gap report: a customer's by account, a staff member's apart."""
    table = _search_table(user)
    row = table(query=(query or "").strip()[:200], normalized=normalized, result_count=result_count,
                user_id=user.id if user else None, source=source)
    if table is KbSearchLog:
        row.account_id = user.account_id
    Session.add(row)
    Session.flush()
    return row


def record_click(search_id: int, user: User, article: Article) -> None:
    """Note which result a user opened from their own search (the first one counts)."""
    table = _search_table(user)
    condition = [table.id == search_id, table.user_id == user.id, table.clicked_article_id.is_(None)]
    if table is KbSearchLog:
        condition.append(KbSearchLog.account_id == user.account_id)  # one shard on Citus
    Session.execute(update(table).where(*condition).values(clicked_article_id=article.id))
