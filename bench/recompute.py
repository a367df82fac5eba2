"""Benchmark: `health recompute` for many accounts and a year of rollups on PostgreSQL, against a floor.

The floor is one SQL query that reads the same rollup rows recompute reads (a year of account-days
for last logins, 56 days for the trend, 28 days of user-days and user-feature-days). Prints the times, their
ratio and the peak resident memory of this process.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_health_b \
        .venv/bin/python bench/recompute.py --accounts 10000
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_health_b"
USERS_PER_ACCOUNT = 10
USER_DAYS = 60  # per-user and per-feature rollups are kept for the last 60 days (recompute reads 28)


def fresh_database(url: str) -> None:
    """Create the benchmark database if needed and give it an empty schema of the models."""
    import models
    from models.db import make_engine

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = make_engine(url)
    with engine.begin() as connection:
        # Dropping the schema, not the database: DROP DATABASE waits on every other session of the server.
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    models.Base.metadata.create_all(engine)
    engine.dispose()


def generate(url: str, accounts: int, today: date) -> None:
    """Accounts, users and a year of rollups, generated inside PostgreSQL."""
    engine = create_engine(url)
    start = today - timedelta(days=364)
    recent = today - timedelta(days=USER_DAYS - 1)
    statements = [
        "INSERT INTO \"user\" (id, email, name, role, session_version, is_active, created_at) "
        "VALUES (1, 'csm@bench.test', 'Bench CSM', 'csm', 1, true, now())",
        f"INSERT INTO account (id, external_id, name, arr, seats, customer_since, csm_id, status, created_at, data_changed_at) "
        f"SELECT a, 'B-' || a, 'Bench ' || a, 10000 + (a % 50) * 1000, 12, DATE '{start}' - 30, 1, 'active', now(), now() "
        f"FROM generate_series(1, {accounts}) a",
        f"INSERT INTO \"user\" (id, email, name, role, account_id, session_version, is_active, created_at) "
        f"SELECT 1 + a * {USERS_PER_ACCOUNT} + u, 'u' || u || '@b' || a || '.test', 'U', 'customer', a, 1, true, now() "
        f"FROM generate_series(1, {accounts}) a, generate_series(0, {USERS_PER_ACCOUNT - 1}) u",
        # Each account has its own level of activity; a tenth of the accounts decline over the last 8 weeks.
        f"INSERT INTO usage_account_day (account_id, day, active_users, logins, events, reports_run) "
        f"SELECT a, d::date, g.n, g.n, g.n * 12, g.n / 2 FROM generate_series(1, {accounts}) a, "
        f"generate_series(DATE '{start}', DATE '{today}', interval '1 day') d, "
        f"LATERAL (SELECT GREATEST(1, (3 + a % 7 - CASE WHEN a % 10 = 0 AND d > DATE '{today}' - 56 THEN 3 ELSE 0 END))::int AS n) g",
        f"INSERT INTO usage_user_day (account_id, user_id, day, events, logins, page_views, feature_events, reports_run) "
        f"SELECT a, 1 + a * {USERS_PER_ACCOUNT} + u, d::date, 12, 1, 6, 4, 1 FROM generate_series(1, {accounts}) a, "
        f"generate_series(0, {USERS_PER_ACCOUNT - 1}) u, generate_series(DATE '{recent}', DATE '{today}', interval '1 day') d "
        f"WHERE u < 3 + a % 7 AND (u + extract(day from d)::int) % 3 = 0",
        "INSERT INTO key_feature (feature, name, description, created_at) "
        "SELECT 'f' || k, 'Feature ' || k, '', now() FROM generate_series(1, 5) k",
        f"INSERT INTO usage_feature_day (account_id, day, feature, users, events) "
        f"SELECT a, d::date, 'f' || k, 2, 5 FROM generate_series(1, {accounts}) a, generate_series(1, 5) k, "
        f"generate_series(DATE '{recent}', DATE '{today}', interval '1 day') d WHERE k <= 1 + a % 5",
        f"INSERT INTO usage_user_feature_day (account_id, user_id, feature, day, events) "
        f"SELECT a, 1 + a * {USERS_PER_ACCOUNT} + u, 'f' || k, d::date, 2 FROM generate_series(1, {accounts}) a, "
        f"generate_series(0, {USERS_PER_ACCOUNT - 1}) u, generate_series(1, 5) k, "
        f"generate_series(DATE '{recent}', DATE '{today}', interval '1 day') d "
        f"WHERE u < 3 + a % 7 AND k <= 1 + a % 5 AND (u + k + extract(day from d)::int) % 3 = 0",
        f"INSERT INTO survey_response (account_id, client_id, respondent, score, comment, ts) "
        f"SELECT a, 'r' || r, 'p' || r || '@b' || a, (a + r) % 11, '', TIMESTAMPTZ '{today}' - (r * 37 || ' days')::interval "
        f"FROM generate_series(1, {accounts}) a, generate_series(1, 3) r",
        f"INSERT INTO engagement_event (account_id, kind, ts) SELECT a, 'portal_visit', "
        f"TIMESTAMPTZ '{today}' - (e * 11 || ' days')::interval FROM generate_series(1, {accounts}) a, generate_series(1, 5) e",
        "ANALYZE",
    ]
    with engine.begin() as connection:
        for statement in statements[:-1]:
            connection.execute(text(statement))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statements[-1]))
    engine.dispose()


FLOOR_SQL = """
SELECT count(*) FROM (
  SELECT account_id, max(CASE WHEN logins > 0 THEN day END), min(day),
         sum(CASE WHEN day >= :recent THEN active_users ELSE 0 END),
         sum(CASE WHEN day >= :previous AND day < :recent THEN active_users ELSE 0 END)
  FROM usage_account_day WHERE day <= :today GROUP BY account_id
  UNION ALL
  SELECT account_id, NULL, NULL, count(*), NULL FROM (
    SELECT account_id, user_id FROM usage_user_day WHERE day BETWEEN :recent AND :today GROUP BY account_id, user_id
  ) AS users GROUP BY account_id
  UNION ALL
  SELECT account_id, NULL, NULL, count(*), NULL FROM (
    SELECT account_id, feature, user_id FROM usage_user_feature_day WHERE day BETWEEN :recent AND :today
    GROUP BY account_id, feature, user_id
  ) AS features GROUP BY account_id, feature
) AS everything
"""


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Generate the data, time the floor and recompute, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="reuse the data of the previous run")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    today = date(2026, 6, 30)
    if not args.keep:
        started = time.perf_counter()
        fresh_database(url)
        generate(url, args.accounts, today)
        print(f"generated {args.accounts} accounts and a year of rollups in {time.perf_counter() - started:.1f} s")

    from portal import create_app

    app = create_app({"DATABASE_URL": url, "MAIL_SUPPRESS_SEND": True})
    from analytics.health.recompute import recompute
    from models.db import Session

    with app.app_context():
        engine = app.extensions["db_engine"]
        with engine.connect() as connection:
            params = {"today": today, "recent": today - timedelta(days=27), "previous": today - timedelta(days=55)}
            connection.execute(text(FLOOR_SQL), params)  # warm the cache like recompute's first query would
            started = time.perf_counter()
            connection.execute(text(FLOOR_SQL), params).scalar()
            floor = time.perf_counter() - started
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        summary = recompute(today, warnings=False)
        Session.commit()
        scores_only = time.perf_counter() - started
        started = time.perf_counter()
        summary_w = recompute(today, warnings=True)
        Session.commit()
        with_warnings = time.perf_counter() - started
        started = time.perf_counter()
        recompute(today, warnings=True)
        Session.commit()
        steady = time.perf_counter() - started
    print(f"accounts scored: {summary['accounts']}")
    print(f"floor (one query over the same rollups): {floor:.2f} s")
    print(f"recompute, scores only: {scores_only:.2f} s  ratio {scores_only / floor:.2f}x")
    print(f"recompute with warnings, first run ({summary_w['warnings']} raised, mails queued): {with_warnings:.2f} s")
    print(f"recompute with warnings, next run (nothing new): {steady:.2f} s  ratio {steady / floor:.2f}x")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (before recompute {rss_before:.0f} MB)")


if __name__ == "__main__":
    main()
