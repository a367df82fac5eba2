"""Alembic migrations build exactly the schema the models describe, on both databases."""
from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.engine import make_url

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


def _ignorable(diff) -> bool:
    # Full-text search objects (FTS5 tables, tsvector triggers) are created by DDL in migrations
    # and by DDL events for create_all; they are not part of the declarative metadata.
    kind = diff[0] if isinstance(diff, tuple) else diff[0][0]
    name = ""
    if kind in ("remove_table",):
        name = diff[1].name
    if kind in ("remove_index",):
        name = diff[1].name or ""
    # Monthly partitions of usage_event are made as events arrive, not declared in the models.
    if re.fullmatch(r"usage_event_\d{6}", name):
        return True
    return "fts" in name or "search" in name


def test_migrations_build_the_models_schema(empty_database_url):
    """`db upgrade` on an empty database gives the tables, columns and indexes of the models."""
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, models.Base.metadata) if not _ignorable(d)]
    engine.dispose()
    assert differences == []


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
