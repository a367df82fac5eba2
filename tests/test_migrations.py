"""Alembic migrations build exactly the schema the models describe, on both databases."""
from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
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


def test_distinct_users_migration_fills_the_spans_from_the_per_user_rollups(empty_database_url):
    """0024 makes one span row per person (and feature) with a bit for each day the per-user rollups hold."""
    from datetime import date, timedelta

    from alembic.script import ScriptDirectory

    from portal.cli.database import alembic_config

    before = ScriptDirectory.from_config(alembic_config(empty_database_url)).get_revision("0024_distinct_users").down_revision
    upgrade(empty_database_url, before)
    engine = make_engine(empty_database_url)
    now = "2026-01-05 10:00:00"
    epoch = date(1, 1, 1)
    start = epoch + timedelta(days=739746 - 70)  # 70 days before a span begins: the days cross it and several words
    days = {2: [start + timedelta(days=n) for n in (0, 1, 62, 63, 69, 70, 71, 140, 400)], 3: [start + timedelta(days=70)]}
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO account (id, external_id, name, arr, seats, customer_since, status, created_at, data_changed_at) "
            f"VALUES (1, 'ALPHA', 'Alpha', 0, 0, '2020-01-01', 'active', '{now}', '{now}')"))
        for user_id, user_days in days.items():
            connection.execute(text(
                'INSERT INTO "user" (id, email, name, role, account_id, session_version, is_active, created_at) '
                f"VALUES ({user_id}, 'p{user_id}@alpha.test', 'P', 'customer', 1, 1, true, '{now}')"))
            for day in user_days:
                connection.execute(text(
                    "INSERT INTO usage_user_day (account_id, user_id, day, events, logins, page_views, feature_events, "
                    f"reports_run) VALUES (1, {user_id}, '{day.isoformat()}', 1, 1, 0, 0, 0)"))
                connection.execute(text("INSERT INTO usage_user_feature_day (account_id, user_id, feature, day, events) "
                                        f"VALUES (1, {user_id}, 'exports', '{day.isoformat()}', 2)"))
    upgrade(empty_database_url)
    expected: dict[tuple, list[int]] = {}
    for user_id, user_days in days.items():
        for day in user_days:
            n = (day - epoch).days
            words = expected.setdefault((1, n // 378, user_id), [0] * 6)
            words[n % 378 // 63] |= 1 << (n % 63)
    with engine.connect() as connection:
        spans = {tuple(row[:3]): list(row[3:]) for row in connection.execute(text(
            "SELECT account_id, span, user_id, d0, d1, d2, d3, d4, d5 FROM usage_user_span"))}
        feature_spans = {(row[0], row[1], row[3]): list(row[4:]) for row in connection.execute(text(
            "SELECT account_id, span, feature, user_id, d0, d1, d2, d3, d4, d5 FROM usage_user_feature_span"))}
        weeks = {date.fromisoformat(str(day)): users for day, users in connection.execute(text(
            "SELECT week_start, active_users FROM usage_account_week"))}
    engine.dispose()
    assert len(expected) == 3  # user 2 in two spans, user 3 in one
    assert spans == expected
    assert feature_spans == expected
    expected_weeks: dict[date, set[int]] = {}
    for user_id, user_days in days.items():
        for day in user_days:
            expected_weeks.setdefault(day - timedelta(days=day.weekday()), set()).add(user_id)
    assert weeks == {monday: len(people) for monday, people in expected_weeks.items()}
    assert 2 in weeks.values()
