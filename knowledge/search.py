"""Full-text search over articles behind one interface: SQLite FTS5 or PostgreSQL tsvector.

The user's text never reaches MATCH or to_tsquery as typed: it is cut into words of
letters and digits, and the query is built from those words only, so FTS operators,
quotes and punctuation are plain characters to us and cannot cause a syntax error.
Both backends stem English words (porter / english), rank (bm25 / ts_rank), match the
last word as a prefix while typing and highlight snippets. When nothing matches, the
words are corrected against the vocabulary of titles and tags (a cheap typo fallback).
"""
from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import bindparam, func, select, text

from models.db import Session
from models.knowledge import ARTICLE_STATUSES, Article

MAX_TERMS = 10  # words of a query that are used
MAX_TERM_LENGTH = 40  # longer "words" are cut
BODY_CANDIDATES = 500  # matches of the whole text ranked when titles give less than a page
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters, turned into <mark> after escaping
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SNIPPET_WORD = re.compile(r"\S+")
# Words too common to say two articles are alike.
STOPWORDS = frozenset(
    "a an and are as at be by can do does for from how i in is it my of on or our the this to up use using "
    "what when where which who why with you your".split()
)


@dataclass
class SearchHit:
    """One article found, with a highlighted snippet (safe HTML)."""

    id: int
    slug: str
    title: str
    status: str
    snippet: Markup


@dataclass
class SearchOutcome:
    """The hits of a search, and the corrected words when the typo fallback was used."""

    hits: list[SearchHit] = field(default_factory=list)
    corrected: str | None = None


def query_terms(query: str | None) -> list[str]:
    """The words of a query, lower-case, letters and digits only."""
    words = _WORD.findall((query or "").lower())
    return [word[:MAX_TERM_LENGTH] for word in words][:MAX_TERMS]


def normalize_query(query: str | None) -> str:
    """The query as lower-case words separated by one space (groups the same search)."""
    return " ".join(query_terms(query))[:200]


def highlight(snippet: str) -> Markup:
    """Escape a snippet and turn the backend's match markers into <mark> elements."""
    escaped = html.escape(snippet or "", quote=False)
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _fts5_query(terms: list[str], prefix: bool, any_term: bool) -> str:
    parts = [f'"{term}"' for term in terms]
    if prefix and len(terms[-1]) >= 2:
        parts[-1] += "*"
    return (" OR " if any_term else " ").join(parts)


def _tsquery(terms: list[str], prefix: bool, any_term: bool) -> str:
    parts = list(terms)
    if prefix and len(terms[-1]) >= 2:
        parts[-1] += ":*"
    return (" | " if any_term else " & ").join(parts)


_FTS5_RANKED = (
    "SELECT rowid FROM kb_article_fts WHERE kb_article_fts MATCH :match "
    "ORDER BY bm25(kb_article_fts, 10.0, 4.0, 1.0) LIMIT :limit"
)


def _fts5_ranked_ids(match: str, statuses, limit: int, exclude_id) -> list[int]:
    """Best-ranked ids among the wanted statuses; over-fetch and filter, join only when that is not enough."""
    fetched = list(Session.scalars(text(_FTS5_RANKED), {"match": match, "limit": limit * 2 + 1}))
    if not fetched:
        return []
    allowed = set(Session.scalars(
        select(Article.id).where(Article.id.in_(fetched), Article.status.in_(statuses), Article.id != (exclude_id or -1))
    ))
    ids = [i for i in fetched if i in allowed]
    if len(ids) >= limit or len(fetched) <= limit * 2:
        return ids[:limit]
    joined = text(
        "SELECT a.id FROM kb_article_fts JOIN kb_article a ON a.id = kb_article_fts.rowid "
        "WHERE kb_article_fts MATCH :match AND a.status IN :statuses AND a.id != :exclude "
        "ORDER BY bm25(kb_article_fts, 10.0, 4.0, 1.0) LIMIT :limit"
    ).bindparams(bindparam("statuses", expanding=True))
    return list(Session.scalars(joined, {"match": match, "statuses": list(statuses), "exclude": exclude_id or -1, "limit": limit}))


def _search_sqlite(terms, statuses, limit, prefix, any_term, exclude_id):
    # Titles and tags first: a title match outranks body mentions anyway. The body pass ranks the
    # first BODY_CANDIDATES matches only: on a common word the body matches half the articles, and
    # ranking them all would cost more than the whole time budget.
    match = _fts5_query(terms, prefix, any_term)
    ids = _fts5_ranked_ids(f"{{title tags_text}} : ({match})", statuses, limit, exclude_id)
    if len(ids) < limit:
        scored = Session.execute(text(
            "SELECT rowid, bm25(kb_article_fts, 10.0, 4.0, 1.0) AS score FROM kb_article_fts "
            "WHERE kb_article_fts MATCH :match LIMIT :cap"
        ), {"match": match, "cap": BODY_CANDIDATES}).all()
        candidates = [row[0] for row in sorted(scored, key=lambda row: (row[1], row[0])) if row[0] not in ids]
        allowed = set(Session.scalars(select(Article.id).where(
            Article.id.in_(candidates), Article.status.in_(statuses), Article.id != (exclude_id or -1)))) if candidates else set()
        ids += [i for i in candidates if i in allowed][: limit - len(ids)]
    if not ids:
        return []
    rows = {row.id: row for row in Session.execute(
        select(Article.id, Article.slug, Article.title, Article.status, Article.body_text).where(Article.id.in_(ids)))}
    # Snippets made here for the rows kept: FTS5's snippet() re-expands prefix terms for every row.
    return [SnippetRow(r.id, r.slug, r.title, r.status, make_snippet(r.body_text, terms, prefix))
            for r in (rows[i] for i in ids if i in rows)]


@dataclass
class SnippetRow:
    """A found article's columns and its snippet with match markers."""

    id: int
    slug: str
    title: str
    status: str
    snippet: str


def _matcher(terms: list[str], prefix: bool):
    """Does a word match one of the terms? Same word, the same stem (roughly), or the typed prefix."""
    stems = [term if len(term) <= 4 else term[: max(4, len(term) - 2)] for term in terms]
    last = len(terms) - 1

    def matches(word: str) -> bool:
        word = word.lower()
        for index, (term, stem) in enumerate(zip(terms, stems)):
            if word == term or word.startswith(stem) and len(word) - len(stem) <= 4:
                return True
            if prefix and index == last and word.startswith(term):
                return True
        return False

    return matches


def make_snippet(body: str, terms: list[str], prefix: bool = False, width: int = 28) -> str:
    """About `width` words of the body around the first match, matches wrapped in the markers."""
    matches = _matcher(terms, prefix)
    words = list(_SNIPPET_WORD.finditer(body or ""))
    first = next((n for n, w in enumerate(words) if any(matches(x) for x in _WORD.findall(w.group()))), 0)
    start = max(0, first - width // 3)
    chosen = words[start:start + width]
    if not chosen:
        return ""
    def mark(word: re.Match) -> str:
        return f"{MARK_START}{word.group()}{MARK_END}" if matches(word.group()) else word.group()

    text_out = " ".join(_WORD.sub(mark, w.group()) for w in chosen)
    return ("…" if start > 0 else "") + text_out + ("…" if start + width < len(words) else "")


def _search_postgres(terms, statuses, limit, prefix, any_term, exclude_id):
    # Titles and tags first (a small tsvector with its own GIN index); then the first BODY_CANDIDATES
    # articles whose whole text matches, ranked: ranking every body that mentions a common word is
    # the costly part (each tsvector is read from TOAST).
    params = {"tsquery": _tsquery(terms, prefix, any_term), "statuses": list(statuses), "exclude": exclude_id or -1}
    title_sql = text(
        "SELECT a.id FROM kb_article a, to_tsquery('english', :tsquery) q"
        " WHERE a.title_vector @@ q AND a.status IN :statuses AND a.id != :exclude"
        " ORDER BY ts_rank(a.title_vector, q) DESC, a.id LIMIT :limit"
    ).bindparams(bindparam("statuses", expanding=True))
    ids = list(Session.scalars(title_sql, {**params, "limit": limit}))
    if len(ids) < limit:
        body_sql = text(
            "SELECT c.id FROM (SELECT a.id, a.search_vector FROM kb_article a, to_tsquery('english', :tsquery) q"
            "  WHERE a.search_vector @@ q AND a.status IN :statuses AND a.id != :exclude AND a.id NOT IN :skip"
            "  LIMIT :cap) c, to_tsquery('english', :tsquery) q"
            " ORDER BY ts_rank(c.search_vector, q) DESC, c.id LIMIT :limit"
        ).bindparams(bindparam("statuses", expanding=True), bindparam("skip", expanding=True))
        ids += list(Session.scalars(body_sql, {**params, "skip": ids or [-1], "cap": BODY_CANDIDATES, "limit": limit - len(ids)}))
    if not ids:
        return []
    # "< " as in the index (models/knowledge.py): a literal <script> must not hide the words after it.
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=1"
    headline_sql = text(
        "SELECT a.id, a.slug, a.title, a.status, ts_headline('english', replace(a.body_text, '<', '< '), q, :options) AS snippet"
        " FROM kb_article a, to_tsquery('english', :tsquery) q WHERE a.id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    rows = {row.id: row for row in Session.execute(headline_sql, {"tsquery": params["tsquery"], "options": options, "ids": ids})}
    return [rows[i] for i in ids if i in rows]


def _run(terms, statuses, limit, prefix, any_term, exclude_id=None) -> list[SearchHit]:
    if not terms:
        return []
    backend = _search_postgres if Session.get_bind().dialect.name == "postgresql" else _search_sqlite
    rows = backend(terms, statuses, limit, prefix, any_term, exclude_id)
    return [SearchHit(row.id, row.slug, row.title, row.status, highlight(row.snippet)) for row in rows]


_vocabulary_cache: dict[str, tuple[tuple, dict[tuple[str, int], list[str]]]] = {}


def _vocabulary() -> dict[tuple[str, int], list[str]]:
    """Words of published titles and tags, grouped by (first letter, length); re-read when articles change."""
    key = str(Session.get_bind().url)
    # Whether the published set changed since the words were read, from index lookups only: every write
    # (services._apply) stamps updated_at, so the newest stamp of each status moves when an article is
    # published, edited or leaves the published set, and the highest id when one is added. Counting the
    # published rows instead read the whole table on PostgreSQL at every search that fell back.
    newest = [select(func.max(Article.updated_at)).where(Article.status == status).scalar_subquery()
              for status in ARTICLE_STATUSES]
    state = tuple(Session.execute(select(select(func.max(Article.id)).scalar_subquery(), *newest)).one())
    cached = _vocabulary_cache.get(key)
    if cached is None or cached[0] != state:
        words: set[str] = set()
        for title, tags in Session.execute(select(Article.title, Article.tags_text).where(Article.status == "published")):
            words.update(w for w in query_terms(f"{title} {tags}") if len(w) > 2)
        groups: dict[tuple[str, int], list[str]] = {}
        for word in sorted(words):
            groups.setdefault((word[0], len(word)), []).append(word)
        cached = (state, groups)
        _vocabulary_cache[key] = cached
    return cached[1]


def _corrected(terms: list[str]) -> list[str] | None:
    groups = _vocabulary()
    corrected, changed = [], False
    for term in terms:
        if len(term) < 4 or term in groups.get((term[0], len(term)), ()):
            corrected.append(term)
            continue
        # Typos rarely change the first letter or the length by more than two: compare with those words only.
        candidates = [w for n in range(len(term) - 2, len(term) + 3) for w in groups.get((term[0], n), ())]
        close = difflib.get_close_matches(term, candidates, n=1, cutoff=0.75)
        corrected.append(close[0] if close else term)
        changed = changed or bool(close)
    return corrected if changed else None


def search(query: str | None, *, statuses=("published",), limit: int = 20, prefix: bool = True) -> SearchOutcome:
    """Articles matching all words (then any word, then corrected words), best first."""
    terms = query_terms(query)
    if not terms:
        return SearchOutcome()
    hits = _run(terms, statuses, limit, prefix, any_term=False)
    if not hits and len(terms) > 1:
        hits = _run(terms, statuses, limit, prefix, any_term=True)
    if hits:
        return SearchOutcome(hits)
    corrected = _corrected(terms)
    if corrected:
        hits = _run(corrected, statuses, limit, prefix=False, any_term=True)
        if hits:
            return SearchOutcome(hits, corrected=" ".join(corrected))
    return SearchOutcome()


def similar(text_to_match: str, *, statuses=("draft", "published", "archived"), limit: int = 5,
            exclude_id: int | None = None) -> list[SearchHit]:
    """Articles sharing the most words with a text (titles weigh most): the duplicates to check."""
    terms = [t for t in query_terms(text_to_match) if len(t) > 1 and t not in STOPWORDS]
    return _run(terms, statuses, limit, prefix=True, any_term=True, exclude_id=exclude_id)
