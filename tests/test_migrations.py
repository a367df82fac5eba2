"""Alembic migrations build exactly the schema the models describe, on both databases."""
from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Computed, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

import models
from models.db import make_engine
from portal.cli.database import upgrade
from tests.conftest import PG_URL, REQUIRE_POSTGRES, postgres_reachable


def _fresh_postgres_url() -> str:
    url = make_url(PG_URL)
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    if not postgres_reachable():
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL is required (REQUIRE_POSTGRES=1) but does not answer.")
        pytest.skip("PostgreSQL is not reachable.")
    return _fresh_postgres_url()


# Full-text search objects made by DDL in migrations and by DDL events for create_all, not declared in
# the models: SQLite's FTS5 table with its shadow tables, PostgreSQL's GIN indexes of the tsvector columns.
# Named one by one, so that other tables and indexes about search (kb_search_log, kb_staff_search) are compared.
FULL_TEXT_OBJECTS = re.compile(r"kb_article_fts(_data|_idx|_docsize|_config)?|ix_kb_article_search(_title)?")


def _ignorable(diff) -> bool:
    kind = diff[0] if isinstance(diff, tuple) else diff[0][0]
    name = ""
    if kind in ("remove_table",):
        name = diff[1].name
    if kind in ("remove_index",):
        name = diff[1].name or ""
    # Monthly partitions of usage_event are made as events arrive, not declared in the models.
    if re.fullmatch(r"usage_event_\d{6}", name):
        return True
    return bool(FULL_TEXT_OBJECTS.fullmatch(name))


def test_migrations_build_the_models_schema(empty_database_url):
    """`db upgrade` on an empty database gives the tables, columns and indexes of the models."""
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, models.Base.metadata) if not _ignorable(d)]
    engine.dispose()
    assert differences == []


def test_migrations_build_the_generated_columns_of_the_models(empty_database_url):
    """compare_metadata leaves server defaults out, so generated columns are compared here: after `db upgrade`
    each column that the models generate (kb_article's tsvectors on PostgreSQL) has the models' expression
    exactly, and SQLite has none (its expression compiles to nothing there), and no trigger is left on kb_article."""
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    expected, found = {}, {}
    inspector = inspect(engine)
    for table in models.Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.server_default, Computed):
                expression = str(column.server_default.sqltext.compile(dialect=engine.dialect))
                if expression:
                    expected[(table.name, column.name)] = expression
        for column in inspector.get_columns(table.name):
            if column.get("computed"):
                found[(table.name, column["name"])] = column["computed"]["sqltext"]
    with engine.connect() as connection:
        triggers = (connection.execute(text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'kb_article'::regclass "
                                            "AND NOT tgisinternal")).scalars().all()
                    if engine.dialect.name == "postgresql" else
                    connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                            "AND tbl_name = 'kb_article'")).scalars().all())
    engine.dispose()
    assert found == expected
    if engine.dialect.name == "postgresql":
        assert set(expected) == {("kb_article", "search_vector"), ("kb_article", "title_vector")}
        assert triggers == []
    else:
        assert sorted(triggers) == ["kb_article_fts_ad", "kb_article_fts_ai", "kb_article_fts_au"]


def test_upgrade_twice_changes_nothing(empty_database_url):
    """Running `db upgrade` again on an up-to-date schema is harmless."""
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        tables = set(engine.dialect.get_table_names(connection))
    engine.dispose()
    assert {"account", "user", "usage_event", "alembic_version"} <= tables


def test_upgraded_audit_log_refuses_changes(empty_database_url):
    """After `db upgrade` the database itself keeps audit entries append-only."""
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO audit_entry (at, action, actor_email, account_external_id, target, detail, address, user_agent) "
            "VALUES (CURRENT_TIMESTAMP, 'signin.success', 'pat@example.test', '', '', '', '', '')"))
    for statement in ("UPDATE audit_entry SET detail = 'rewritten'", "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT detail FROM audit_entry")).scalars().all() == [""]
    engine.dispose()


def test_upgraded_foreign_keys_of_the_distribution_plan_are_no_action(empty_database_url):
    """After `db upgrade` an assigned CSM cannot be deleted (no SET NULL), yet an account still goes
    with its answered invitations (NO ACTION is checked once the cascades are done)."""
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    now = "2026-01-05 10:00:00"
    with engine.begin() as connection:
        for statement in (
            ("INSERT INTO \"user\" (id, email, name, role, session_version, is_active, created_at) "
             f"VALUES (1, 'casey@example.test', 'Casey', 'csm', 1, true, '{now}')"),
            ("INSERT INTO account (id, external_id, name, arr, seats, customer_since, status, csm_id, created_at, "
             f"data_changed_at) VALUES (1, 'ALPHA', 'Alpha', 0, 0, '2025-01-01', 'active', 1, '{now}', '{now}')"),
            ("INSERT INTO \"user\" (id, email, name, role, account_id, session_version, is_active, created_at) "
             f"VALUES (2, 'pat@alpha.test', 'Pat', 'customer', 1, 1, true, '{now}')"),
            ("INSERT INTO survey_campaign (id, name, question, audience, is_default, created_at) "
             f"VALUES (1, 'Quarterly', 'How likely?', 'all', false, '{now}')"),
            ("INSERT INTO survey_response (id, account_id, client_id, respondent, user_id, score, comment, ts) "
             f"VALUES (1, 1, 'inv:1', 'pat@alpha.test', 2, 9, '', '{now}')"),
            ("INSERT INTO survey_invitation (campaign_id, account_id, user_id, email, token_salt, token_hash, sent_at, "
             f"expires_at, response_id) VALUES (1, 1, 2, 'pat@alpha.test', 's', 'h', '{now}', '{now}', 1)"),
        ):
            connection.execute(text(statement))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text('DELETE FROM "user" WHERE id = 1'))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM account WHERE id = 1"))
        connection.execute(text('DELETE FROM "user" WHERE id = 1'))
        left = [connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("account", '"user"', "survey_response", "survey_invitation")]
    engine.dispose()
    assert left == [0, 0, 0, 0]
