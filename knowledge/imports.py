"""Knowledge articles from a Zendesk Help Center article export (JSON), kept as Markdown.

The export is `{"articles": [...], "sections": [...]}` (or a bare list of articles). Each article:
`id`, `title`, `body` (HTML), `label_names`, `draft`, and its section (`section_id` resolved through
the sideloaded `sections`, or a `section` name). The HTML is sanitised (nh3) before it becomes Markdown
(markdownify); the article keeps `zendesk:<id>` as its source, so a second import updates the same
article, and an unchanged one is left alone (no new revision). All or nothing: one bad article rejects
the file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import nh3
from markdownify import markdownify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.import_errors import ImportRejected, RowError
from core.validation import ServiceError
from knowledge.services import ArticleInput, clean_input, create_article, update_article
from models.accounts import User
from models.db import Session
from models.knowledge import Article

SOURCE = "zendesk"
MAX_ARTICLES = 5_000
MAX_HTML_BYTES = 2 * 1024 * 1024  # the Markdown made from it must still fit the 1 MB article limit


@dataclass
class ImportedArticle:
    """One article of the file, validated, with its source id."""

    source_ref: str
    data: ArticleInput


@dataclass
class ImportCounts:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def html_to_markdown(html: str) -> str:
    """Sanitised Markdown of a Help Center body: unsafe markup removed first, then converted."""
    safe = nh3.clean(html, url_schemes={"http", "https", "mailto"})
    markdown = markdownify(safe, heading_style="ATX", bullets="-", strip=["span", "div"])
    lines = [line.rstrip() for line in markdown.strip().splitlines()]
    collapsed: list[str] = []
    for line in lines:
        if line or (collapsed and collapsed[-1]):
            collapsed.append(line)
    return "\n".join(collapsed) + "\n" if collapsed else ""


def _section_names(data: dict) -> dict:
    sections = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(sections, list):
        return {}
    return {s.get("id"): s.get("name") for s in sections if isinstance(s, dict) and isinstance(s.get("name"), str)}


def _section(item: dict, names: dict) -> str | None:
    section = item.get("section")
    if isinstance(section, dict):
        section = section.get("name")
    if isinstance(section, str) and section.strip():
        return section
    return names.get(item.get("section_id"))


def _one(row: int, item, names: dict, errors: list[RowError]) -> ImportedArticle | None:
    if not isinstance(item, dict):
        errors.append(RowError(row, "article", "each article must be a JSON object."))
        return None
    before = len(errors)
    source_id = item.get("id")
    if isinstance(source_id, bool) or not isinstance(source_id, (int, str)) or not str(source_id).strip() \
            or len(str(source_id)) > 100:
        errors.append(RowError(row, "id", "the article id is missing (Zendesk gives every article a number)."))
    body = item.get("body")
    body = "" if body is None else body
    if not isinstance(body, str):
        errors.append(RowError(row, "body", "the body must be HTML text."))
    elif len(body.encode("utf-8")) > MAX_HTML_BYTES:
        errors.append(RowError(row, "body", "the body is over 2 MB of HTML; split the article."))
    labels = item.get("label_names") or []
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        errors.append(RowError(row, "label_names", "label_names must be a list of text labels."))
    draft = item.get("draft", False)
    if not isinstance(draft, bool):
        errors.append(RowError(row, "draft", "draft must be true or false."))
    if not isinstance(item.get("title"), str):
        errors.append(RowError(row, "title", "the title is missing."))
    if len(errors) > before:
        return None
    try:
        data = clean_input(ArticleInput(item["title"], html_to_markdown(body), "draft" if draft else "published",
                                        _section(item, names), labels))
    except ServiceError as exc:
        errors.append(RowError(row, "article", str(exc)))
        return None
    return ImportedArticle(f"{SOURCE}:{str(source_id).strip()}", data)


def read_zendesk(raw: bytes | str) -> list[ImportedArticle]:
    """Every article of the export, validated; ImportRejected with one error per bad field otherwise."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportRejected([], f"The file is not valid JSON ({exc}); nothing was stored.") from None
    articles = data.get("articles") if isinstance(data, dict) else data
    if not isinstance(articles, list):
        raise ImportRejected([], "A Zendesk Help Center export holds an 'articles' list; nothing was stored.")
    if not articles:
        raise ImportRejected([], "The file holds no articles; nothing was stored.")
    if len(articles) > MAX_ARTICLES:
        raise ImportRejected([], f"A file may hold at most {MAX_ARTICLES:,} articles; split it.")
    names = _section_names(data)
    errors: list[RowError] = []
    parsed: list[ImportedArticle] = []
    seen: dict[str, int] = {}
    for row, item in enumerate(articles, start=1):
        article = _one(row, item, names, errors)
        if article is None:
            continue
        if article.source_ref in seen:
            errors.append(RowError(row, "id", f"the same article id appears in row {seen[article.source_ref]}."))
            continue
        seen[article.source_ref] = row
        parsed.append(article)
    if errors:
        raise ImportRejected(errors)
    return parsed


def _same(article: Article, data: ArticleInput) -> bool:
    return (article.title, article.body_markdown, article.status, article.category.name if article.category else None,
            [t.name for t in article.tags]) == (data.title, data.body_markdown, data.status, data.category,
                                                sorted(data.tags or []))


def import_articles(articles: list[ImportedArticle], author: User | None) -> ImportCounts:
    """Create new articles, update changed ones, leave unchanged ones alone (flushes; the caller commits)."""
    refs = [a.source_ref for a in articles]
    existing = {a.source_ref: a for a in Session.scalars(
        select(Article).where(Article.source_ref.in_(refs)).options(selectinload(Article.category), selectinload(Article.tags)))}
    counts = ImportCounts()
    for item in articles:
        article = existing.get(item.source_ref)
        if article is None:
            article = create_article(item.data, author)
            article.source_ref = item.source_ref
            counts.created += 1
        elif _same(article, item.data):
            counts.unchanged += 1
        else:
            update_article(article, item.data, author, note="updated from Zendesk")
            counts.updated += 1
    Session.flush()
    return counts
