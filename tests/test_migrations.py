"""Alembic migrations build exactly the schema the models describe, on both databases."""
from __future__ import annotations

import re

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Computed, UniqueConstraint, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

import models
from models.db import ACCOUNT_KEY, make_engine
from portal.cli.database import alembic_config, upgrade
from tests.conftest import empty_database_url as fresh_database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """An empty database of each kind."""
    return fresh_database_url(request.param, tmp_path, "migrations")


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
    # SQLite keeps `id` as the rowid key of a table keyed (account_id, id) and adds UNIQUE (account_id, id)
    # in its place (models.db.account_key): the metadata states the PostgreSQL key only.
    if kind == "remove_constraint" and isinstance(diff[1], UniqueConstraint):
        table = models.Base.metadata.tables.get(diff[1].table.name)
        return (table is not None and bool(table.primary_key.info.get(ACCOUNT_KEY))
                and [c.name for c in diff[1].columns] == ["account_id", "id"])
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


# One account's rows in every table whose keys 0022_composite_keys changes, and the tables they hang on.
_ROWS_BEFORE_COMPOSITE_KEYS = (
    "INSERT INTO survey_campaign (id, name, question, audience, is_default, created_at) "
    "VALUES (1, 'Quarterly', 'How likely?', 'all', false, '{now}')",
    "INSERT INTO survey_response (id, account_id, client_id, respondent, user_id, score, comment, ts) "
    "VALUES (7, 1, 'inv:1', 'pat@alpha.test', 2, 3, 'slow', '{now}')",
    "INSERT INTO survey_invitation (id, campaign_id, account_id, user_id, email, token_salt, token_hash, sent_at, "
    "expires_at, response_id) VALUES (4, 1, 1, 2, 'pat@alpha.test', 's', 'h', '{now}', '{now}', 7)",
    "INSERT INTO detractor_followup (id, account_id, response_id, status, note, reply, created_at) "
    "VALUES (5, 1, 7, 'open', '', '', '{now}')",
    "INSERT INTO contact_request (account_id, user_id, kind, ts) VALUES (1, 2, 'nps_invitation', '{now}')",
    "INSERT INTO engagement_event (account_id, user_id, kind, ts) VALUES (1, 2, 'portal_visit', '{now}')",
    "INSERT INTO health_score (account_id, as_of, score, band, components_json, arr, computed_at) "
    "VALUES (1, '2026-01-05', 50, 'yellow', '[]', 0, '{now}')",
    "INSERT INTO health_warning (account_id, kind, episode_key, figures_json, message, raised_at, as_of) "
    "VALUES (1, 'detractor', 'r7', '{{}}', '', '{now}', '2026-01-05')",
    "INSERT INTO share_link (id, token_hash, account_id, period_start, period_end, note, created_at, expires_at, "
    "snapshot_json) VALUES (3, 't', 1, '2026-01-01', '2026-01-31', '', '{now}', '2026-02-05', '{{}}')",
    "INSERT INTO share_visit (link_id, account_id, ts, ip_hash, user_agent) VALUES (3, 1, '{now}', '', '')",
    "INSERT INTO segment (id, name, rules_json, created_at, updated_at) VALUES (1, 'All', '{{}}', '{now}', '{now}')",
    "INSERT INTO playbook (id, name, segment_id, email_subject, email_body, task_text, message_text, confirmed_all, "
    "is_active, created_at, updated_at) VALUES (1, 'Welcome', 1, '', '', 'Call', '', false, true, '{now}', '{now}')",
    "INSERT INTO playbook_episode (id, playbook_id, account_id, entered_at, held_out, task_created) "
    "VALUES (6, 1, 1, '{now}', false, true)",
    "INSERT INTO playbook_send (playbook_id, episode_id, account_id, user_id, sent_at, held_out) "
    "VALUES (1, 6, 1, 2, '{now}', false)",
    "INSERT INTO csm_task (account_id, playbook_id, episode_id, text, created_at) VALUES (1, 1, 6, 'Call', '{now}')",
    "INSERT INTO plan_metric (id, account_id, name, unit, source, direction, baseline_value, baseline_date, "
    "target_value, target_date, created_at) VALUES (8, 1, 'Reports', '', 'reported', 'higher', 1, '2026-01-01', 5, "
    "'2026-06-01', '{now}')",
    "INSERT INTO plan_reading (account_id, metric_id, day, value, note, created_at) "
    "VALUES (1, 8, '2026-01-05', 2, '', '{now}')",
    "INSERT INTO plan_comment (account_id, metric_id, body, created_at) VALUES (1, 8, 'Good start', '{now}')",
    "INSERT INTO maturity_model (id, version, name, created_at) VALUES (1, 1, 'Model', '{now}')",
    "INSERT INTO maturity_dimension (id, model_id, position, name) VALUES (1, 1, 1, 'Data')",
    "INSERT INTO maturity_question (id, dimension_id, position, text) VALUES (1, 1, 1, 'How?')",
    "INSERT INTO maturity_option (id, question_id, position, text, level) VALUES (1, 1, 1, 'Well', 2)",
    "INSERT INTO assessment_round (id, account_id, model_id, opened_at, respondents) VALUES (9, 1, 1, '{now}', 1)",
    "INSERT INTO assessment_round_level (round_id, dimension_id, account_id, level, mean) VALUES (9, 1, 1, 2, 2.0)",
    "INSERT INTO assessment_response (id, round_id, account_id, user_id, status, started_at, updated_at) "
    "VALUES (11, 9, 1, 2, 'draft', '{now}', '{now}')",
    "INSERT INTO assessment_answer (response_id, account_id, question_id, option_id, level) VALUES (11, 1, 1, 1, 2)",
    "INSERT INTO kb_article (id, slug, title, body_markdown, body_html, body_text, toc_json, tags_text, status, "
    "created_at, updated_at) VALUES (1, 'start', 'Start', '', '', '', '[]', '', 'published', '{now}', '{now}')",
    "INSERT INTO kb_view (article_id, account_id, user_id, ts) VALUES (1, 1, 2, '{now}')",
    "INSERT INTO kb_vote (article_id, user_id, account_id, helpful, comment, created_at, updated_at) "
    "VALUES (1, 2, 1, true, '', '{now}', '{now}')",
    "INSERT INTO kb_search_log (query, normalized, result_count, user_id, account_id, source, ts) "
    "VALUES ('start', 'start', 1, 2, 1, 'web', '{now}')",
)
_COMPOSITE_KEY_TABLES = (
    "survey_response", "survey_invitation", "detractor_followup", "contact_request", "engagement_event",
    "health_score", "health_warning", "share_link", "share_visit", "playbook_episode", "playbook_send", "csm_task",
    "plan_metric", "plan_reading", "plan_comment", "assessment_round", "assessment_round_level",
    "assessment_response", "assessment_answer", "kb_view", "kb_vote", "kb_search_log",
)


def _rows(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {table: sorted(tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}")))
                for table in _COMPOSITE_KEY_TABLES}


def test_composite_keys_upgrade_keeps_every_row(empty_database_url):
    """0022 rebuilds or re-keys the tables with their rows; the new keys hold, and new ids keep counting."""
    upgrade(empty_database_url, "0021_knowledge_citus")
    engine = make_engine(empty_database_url)
    now = "2026-01-05 10:00:00"
    with engine.begin() as connection:
        for statement in (
            ("INSERT INTO account (id, external_id, name, arr, seats, customer_since, status, created_at, "
             f"data_changed_at) VALUES (1, 'ALPHA', 'Alpha', 0, 0, '2025-01-01', 'active', '{now}', '{now}')"),
            ("INSERT INTO account (id, external_id, name, arr, seats, customer_since, status, created_at, "
             f"data_changed_at) VALUES (2, 'BETA', 'Beta', 0, 0, '2025-01-01', 'active', '{now}', '{now}')"),
            ("INSERT INTO \"user\" (id, email, name, role, account_id, session_version, is_active, created_at) "
             f"VALUES (2, 'pat@alpha.test', 'Pat', 'customer', 1, 1, true, '{now}')"),
            *(statement.format(now=now) for statement in _ROWS_BEFORE_COMPOSITE_KEYS),
        ):
            connection.execute(text(statement))
    before = _rows(engine)
    assert all(before.values())

    upgrade(empty_database_url)

    assert _rows(engine) == before
    inspector = inspect(engine)
    keyed = "id" if engine.dialect.name == "sqlite" else "account_id, id"  # SQLite: the rowid, plus UNIQUE
    assert ", ".join(inspector.get_pk_constraint("survey_response")["constrained_columns"]) == keyed
    assert inspector.get_pk_constraint("assessment_round_level")["constrained_columns"] == [
        "account_id", "round_id", "dimension_id"]
    followup_keys = [(fk["constrained_columns"], fk["referred_columns"], fk["options"].get("ondelete"))
                     for fk in inspector.get_foreign_keys("detractor_followup") if fk["referred_table"] == "survey_response"]
    assert followup_keys == [(["account_id", "response_id"], ["account_id", "id"], "CASCADE")]
    command.downgrade(alembic_config(empty_database_url), "0021_knowledge_citus")
    assert _rows(engine) == before
    upgrade(empty_database_url)
    assert _rows(engine) == before
    with engine.begin() as connection:
        connection.execute(text(f"INSERT INTO contact_request (account_id, kind, ts) VALUES (2, 'playbook', '{now}')"))
        assert connection.execute(text("SELECT max(id) FROM contact_request")).scalar() == 2
    # An answer of account 1 cannot be followed up under account 2 any more.
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO detractor_followup (account_id, response_id, status, note, reply, "
                                f"created_at) VALUES (2, 7, 'open', '', '', '{now}')"))
    # The cascades still run through the composite keys.
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM survey_invitation"))
        connection.execute(text("DELETE FROM survey_response WHERE id = 7"))
        connection.execute(text("DELETE FROM assessment_round WHERE id = 9"))
        left = [connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("detractor_followup", "assessment_round_level", "assessment_response", "assessment_answer")]
    assert left == [0, 0, 0, 0]
    engine.dispose()


def test_composite_keys_refuse_rows_of_another_account(empty_database_url):
    """A child row whose account differs from its parent's stops the upgrade with a sentence, changing nothing."""
    upgrade(empty_database_url, "0021_knowledge_citus")
    engine = make_engine(empty_database_url)
    now = "2026-01-05 10:00:00"
    with engine.begin() as connection:
        for account, name in ((1, "ALPHA"), (2, "BETA")):
            connection.execute(text(
                "INSERT INTO account (id, external_id, name, arr, seats, customer_since, status, created_at, "
                f"data_changed_at) VALUES ({account}, '{name}', '{name}', 0, 0, '2025-01-01', 'active', '{now}', '{now}')"))
        for statement in _ROWS_BEFORE_COMPOSITE_KEYS:
            if statement.split()[2] in ("segment", "playbook", "playbook_episode", "csm_task"):
                connection.execute(text(statement.format(now=now)))
        connection.execute(text("UPDATE csm_task SET account_id = 2"))  # its episode is account 1's
    with pytest.raises(RuntimeError, match="1 rows of csm_task belong to another account than their playbook_episode"):
        upgrade(empty_database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0021_knowledge_citus"
    engine.dispose()


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
