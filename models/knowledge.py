"""Knowledge base: articles, revisions, categories, tags, votes, views, searches, links.

Full-text search: on SQLite an FTS5 table (kb_article_fts) kept in sync by triggers, declared
by DDL at the end of this module (run after create_all makes kb_article; the 0005 migration
creates the same objects). On PostgreSQL two tsvector columns generated from the row itself
(GENERATED ALWAYS AS ... STORED, no trigger: Citus refuses triggers on reference tables), with
GIN indexes made by the same DDL at the end; on SQLite those two columns are plain and unused.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import (
    DDL,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import TextClause

from models.db import Base, account_key, utcnow

ARTICLE_STATUSES = ("draft", "published", "archived")

kb_article_tag = Table(
    "kb_article_tag",
    Base.metadata,
    Column("article_id", ForeignKey("kb_article.id", ondelete="CASCADE"), primary_key=True),  # the article
    Column("tag_id", ForeignKey("kb_tag.id", ondelete="CASCADE"), primary_key=True),  # one of its tags
)

kb_article_feature = Table(
    "kb_article_feature",
    Base.metadata,
    Column("article_id", ForeignKey("kb_article.id", ondelete="CASCADE"), primary_key=True),  # the article
    Column("key_feature_id", ForeignKey("key_feature.id", ondelete="CASCADE"), primary_key=True),  # a feature it helps with
)


class KbCategory(Base):
    """A shelf of the knowledge base (Getting started, Reporting, ...)."""

    __tablename__ = "kb_category"

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    name: Mapped[str] = mapped_column(String(100), unique=True)  # display name
    position: Mapped[int] = mapped_column(Integer, default=100)  # order on the index page


class KbTag(Base):
    """A lower-case keyword shared by articles (related articles follow shared tags)."""

    __tablename__ = "kb_tag"

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    name: Mapped[str] = mapped_column(String(50), unique=True)  # lower-case tag


class PostgresOnlySQL(TextClause):
    """SQL text of a generated column's expression on PostgreSQL, and nothing on other databases."""

    inherit_cache = True


@compiles(PostgresOnlySQL)
def _expression_elsewhere(element, compiler, **kw):
    return ""


@compiles(PostgresOnlySQL, "postgresql")
def _expression_on_postgresql(element, compiler, **kw):
    return compiler.visit_textclause(element, **kw)


class PostgresGenerated(Computed):
    """GENERATED ALWAYS AS (...) STORED on PostgreSQL; a plain column elsewhere (SQLite searches with FTS5)."""

    def __init__(self, sqltext: str, persisted: bool = True) -> None:
        super().__init__(PostgresOnlySQL(sqltext), persisted=persisted)


@compiles(PostgresGenerated)
def _no_generation_elsewhere(element, compiler, **kw):
    return ""


@compiles(PostgresGenerated, "postgresql")
def _generation_on_postgresql(element, compiler, **kw):
    return compiler.visit_computed_column(element, **kw)


def _weighted(column: str, cast: str, weight: str) -> str:
    # Written as PostgreSQL prints it back (pg_get_expr), so that comparing the models with a migrated
    # database finds no difference. The 2-argument to_tsvector with a regconfig constant is immutable, as
    # a generated column needs. "< ": PostgreSQL's parser reads "<script" or "<style" as a tag and skips
    # what follows; "< " is no tag, so the index holds every word of the visible text.
    text_of = f"(COALESCE({column}, ''::character varying))::text" if cast == "varchar" else f"COALESCE({column}, ''::text)"
    return f"setweight(to_tsvector('english'::regconfig, replace({text_of}, '<'::text, '< '::text)), '{weight}'::\"char\")"


# Weights as the former trigger kb_article_search_refresh gave them: title A, tags B, body C.
TITLE_VECTOR_SQL = f"({_weighted('title', 'varchar', 'A')} || {_weighted('tags_text', 'varchar', 'B')})"
SEARCH_VECTOR_SQL = f"({TITLE_VECTOR_SQL} || {_weighted('body_text', 'text', 'C')})"


class Article(Base):
    """A knowledge article: Markdown source, its sanitised HTML, and a stable slug."""

    __tablename__ = "kb_article"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status_known"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        Index("ix_kb_article_status_updated", "status", "updated_at"),
        Index("ux_kb_article_source_ref", "source_ref", unique=True),
    )
    # The generated vectors are read by SQL only: not sent back by every INSERT (RETURNING), nor loaded with
    # every article (deferred below); a 1 MB body has a large vector.
    __mapper_args__ = {"eager_defaults": False}

    id: Mapped[int] = mapped_column(primary_key=True)  # database key (rowid of the FTS5 index)
    slug: Mapped[str] = mapped_column(String(120), unique=True)  # stable address /kb/<slug>
    title: Mapped[str] = mapped_column(String(200))  # headline
    body_markdown: Mapped[str] = mapped_column(Text, default="")  # source as written by the admin
    body_html: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML rendered from the source
    body_text: Mapped[str] = mapped_column(Text, default="")  # plain text of the body (search and snippets)
    toc_json: Mapped[str] = mapped_column(Text, default="[]")  # table of contents: [[level, anchor, text], ...]
    tags_text: Mapped[str] = mapped_column(String(1100), default="")  # tags joined by spaces (searched)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft, published or archived
    category_id: Mapped[Optional[int]] = mapped_column(ForeignKey("kb_category.id", ondelete="SET NULL"), index=True)  # shelf
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who created it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # last saved revision
    published_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # first publication
    source_ref: Mapped[Optional[str]] = mapped_column(String(120))  # where an imported article came from, e.g. zendesk:360001234; NULL: written here
    search_vector: Mapped[Optional[str]] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"), PostgresGenerated(SEARCH_VECTOR_SQL, persisted=True), deferred=True)  # PostgreSQL only: weighted tsvector of title, tags, body (generated)
    title_vector: Mapped[Optional[str]] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"), PostgresGenerated(TITLE_VECTOR_SQL, persisted=True), deferred=True)  # PostgreSQL only: tsvector of title and tags (generated)

    category: Mapped[Optional[KbCategory]] = relationship()
    tags: Mapped[list[KbTag]] = relationship(secondary=kb_article_tag, order_by=KbTag.name)
    levels: Mapped[list["KbArticleLevel"]] = relationship(cascade="all, delete-orphan", order_by="KbArticleLevel.level")


class KbArticleLevel(Base):
    """A maturity level (1..5) an article helps to reach."""

    __tablename__ = "kb_article_level"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id", ondelete="CASCADE"), primary_key=True)  # the article
    level: Mapped[int] = mapped_column(Integer, primary_key=True)  # maturity level 1..5


class KbSlugRedirect(Base):
    """A former slug of an article; /kb/<old> redirects to the current one."""

    __tablename__ = "kb_slug_redirect"

    old_slug: Mapped[str] = mapped_column(String(120), primary_key=True)  # the slug that was used before
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id", ondelete="CASCADE"), index=True)  # where it leads now


class KbRevision(Base):
    """One saved version of an article, with who saved it and when."""

    __tablename__ = "kb_revision"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id", ondelete="CASCADE"))  # the article
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... per article
    title: Mapped[str] = mapped_column(String(200))  # title in this version
    body_markdown: Mapped[str] = mapped_column(Text)  # source in this version
    status: Mapped[str] = mapped_column(String(20))  # status saved with this version
    note: Mapped[str] = mapped_column(String(200), default="")  # what happened (created, edited, restored #n...)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who saved it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when it was saved

    author = relationship("User")


class KbVote(Base):
    """A customer's answer to "was this helpful?": one per user and article, changeable (staff do not vote)."""

    __tablename__ = "kb_vote"
    __table_args__ = (account_key(), UniqueConstraint("article_id", "user_id", "account_id"),)

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id", ondelete="CASCADE"), index=True)  # the article
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))  # who voted
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)  # the voter's account (only customers vote)
    helpful: Mapped[bool] = mapped_column(Boolean)  # yes (True) or no (False)
    comment: Mapped[str] = mapped_column(Text, default="")  # optional: what was missing or wrong
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # first vote
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # last change of mind


class KbView(Base):
    """One reading of an article by a customer user, per account (engagement and popularity)."""

    __tablename__ = "kb_view"
    __table_args__ = (account_key(), Index("ix_kb_view_article_ts", "article_id", "ts"), Index("ix_kb_view_account_ts", "account_id", "ts"))

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id", ondelete="CASCADE"))  # what was read
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # the reader's account
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # the reader
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when


class KbSearchLog(Base):
    """One customer's search: the words, how many articles it found and which one was opened from it.

    Searches by staff (and by nobody known) are in KbStaffSearch: this table is distributed by account.
    """

    __tablename__ = "kb_search_log"
    __table_args__ = (account_key(), Index("ix_kb_search_log_ts", "ts"),)

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    query: Mapped[str] = mapped_column(String(200))  # what was typed (trimmed)
    normalized: Mapped[str] = mapped_column(String(200))  # lower-case words, for grouping the same search
    result_count: Mapped[int] = mapped_column(Integer, default=0)  # articles found
    clicked_article_id: Mapped[Optional[int]] = mapped_column(ForeignKey("kb_article.id", ondelete="SET NULL"))  # opened from the results
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who searched
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # the searcher's account
    source: Mapped[str] = mapped_column(String(10), default="web")  # web or api
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when


class KbStaffSearch(Base):
    """One search by a CSM or an admin (no account), or by nobody known: kept on the coordinator.

    The same columns as KbSearchLog without account_id; the reports read both with one UNION.
    """

    __tablename__ = "kb_staff_search"
    __table_args__ = (Index("ix_kb_staff_search_ts", "ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    query: Mapped[str] = mapped_column(String(200))  # what was typed (trimmed)
    normalized: Mapped[str] = mapped_column(String(200))  # lower-case words, for grouping the same search
    result_count: Mapped[int] = mapped_column(Integer, default=0)  # articles found
    clicked_article_id: Mapped[Optional[int]] = mapped_column(ForeignKey("kb_article.id", ondelete="SET NULL"))  # opened from the results
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who searched; NULL: nobody known (or since deleted)
    source: Mapped[str] = mapped_column(String(10), default="web")  # web or api
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when


# Full-text search objects, one statement each (as migrations/versions/0005_knowledge.py and 0011 build them).
SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS kb_article_fts USING fts5(title, tags_text, body_text, "
    "content='kb_article', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER IF NOT EXISTS kb_article_fts_ai AFTER INSERT ON kb_article BEGIN "
    "INSERT INTO kb_article_fts(rowid, title, tags_text, body_text) VALUES (new.id, new.title, new.tags_text, new.body_text); END",
    "CREATE TRIGGER IF NOT EXISTS kb_article_fts_ad AFTER DELETE ON kb_article BEGIN "
    "INSERT INTO kb_article_fts(kb_article_fts, rowid, title, tags_text, body_text) "
    "VALUES ('delete', old.id, old.title, old.tags_text, old.body_text); END",
    "CREATE TRIGGER IF NOT EXISTS kb_article_fts_au AFTER UPDATE OF title, tags_text, body_text ON kb_article BEGIN "
    "INSERT INTO kb_article_fts(kb_article_fts, rowid, title, tags_text, body_text) "
    "VALUES ('delete', old.id, old.title, old.tags_text, old.body_text); "
    "INSERT INTO kb_article_fts(rowid, title, tags_text, body_text) VALUES (new.id, new.title, new.tags_text, new.body_text); END",
)
# The GIN indexes of the generated tsvector columns (the 0011 and 0021 migrations make the same).
POSTGRES_SEARCH_DDL = (
    # fastupdate off (as migration 0011 sets): articles are written rarely and searched often, and a pending
    # list of new entries is read in full by every search until a vacuum merges it.
    "CREATE INDEX IF NOT EXISTS ix_kb_article_search ON kb_article USING GIN (search_vector) WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS ix_kb_article_search_title ON kb_article USING GIN (title_vector) WITH (fastupdate = off)",
)

for _statement in SQLITE_SEARCH_DDL:
    event.listen(Article.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_SEARCH_DDL:
    event.listen(Article.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
