"""Dashboard speed right after ingestion: /accounts/<ext>/ and its chart JSON, a busy account against an empty one.

Usage (PostgreSQL must answer; the database named by --database is dropped and re-created unless --reuse):
    .venv/bin/python bench/dashboard.py [--users 1000] [--days 365] [--fresh 5] [--repeat 15] [--database bench_dashboard]

The busy account gets --users people and --days days of rollups (the dashboard reads rollups only; the raw
events behind them would number about users x days x 14 at the default sizes); the empty one has none.
Both have yesterday's stored health score (the nightly recompute). Each of --fresh new processes serves the
page and charts of a small third account once (imports, templates, compiled statements: the same code paths),
posts a small batch of today's events for both accounts through POST /api/v1/events, then times the first
answer of each account's page and of each chart (the period: last 365 days; neither had an answer cached),
the same requests answered warm (median of --repeat), and, after one more batch, the page and charts again
in that now warm worker.
Prints the medians over the processes and the busy/empty ratios.
Goals: busy/empty <= 1.5 for the page and each chart; busy page + charts right after ingestion <= 2x warm.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.ingest import fresh_database, fresh_database_url  # noqa: E402

FEATURES = ("dashboards", "team_invites", "scheduled_reports", "integrations", "automations", "api_access",
            "search", "exports")
PASSWORD = "bench-password-2026!"


def _usage_rows(cursor, account_id: int, domain: str, n_users: int, n_days: int, rng: random.Random) -> None:
    """People of an account and their per-user rollups of n_days (COPY), each with their own activity and features."""
    with cursor.copy("COPY \"user\" (email, name, role, account_id, session_version, is_active, created_at) FROM STDIN") as copy:
        for n in range(n_users):
            copy.write_row((f"p{n}@{domain}", f"Person {n}", "customer", account_id, 1, True, "2020-01-01T00:00:00Z"))
    user_ids = [row[0] for row in cursor.execute("SELECT id FROM \"user\" WHERE account_id = %s ORDER BY id", (account_id,))]
    today = date.today()
    feature_rows = []
    with cursor.copy("COPY usage_user_day (account_id, user_id, day, events, logins, page_views, feature_events, reports_run) FROM STDIN") as user_day:
        for user_id in user_ids:
            activity = rng.uniform(0.3, 0.95)
            adopted = [key for key in FEATURES if rng.random() < 0.5]
            for offset in range(n_days):
                day = today - timedelta(days=offset)
                if rng.random() > activity * (1.0 if day.weekday() < 5 else 0.15):
                    continue
                logins, pages, reports = 1, rng.randint(2, 12), rng.randint(0, 2)
                features = 0
                for key in adopted:
                    if rng.random() < 0.4:
                        uses = rng.randint(1, 4)
                        features += uses
                        feature_rows.append((account_id, user_id, key, day, uses))
                user_day.write_row((account_id, user_id, day, logins + pages + reports + features, logins, pages,
                                    features, reports))
    with cursor.copy("COPY usage_user_feature_day (account_id, user_id, feature, day, events) FROM STDIN") as copy:
        for row in feature_rows:
            copy.write_row(row)


def seed(url: str, n_users: int, n_days: int) -> None:
    """Schema, a busy account with rollups, an empty account, a small warm-up account, key features, an admin,
    and the health scores of yesterday (what the nightly recompute stores)."""
    import models
    from models.db import Session
    from portal import create_app

    engine = create_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        from analytics.health.recompute import recompute
        from analytics.usage.rollups import rollup_days, span_statements, week_recount
        from portal.services import create_account, create_user

        today = date.today()
        since = (today - timedelta(days=n_days + 10)).isoformat()
        busy = create_account(name="Busy Corp", external_id="BUSY", arr="500000", seats=str(n_users + 200), since=since)
        create_account(name="Empty Corp", external_id="EMPTY", arr="500000", seats=str(n_users + 200), since=since)
        warm = create_account(name="Warm-up Corp", external_id="WARM", arr="50000", seats="40", since=since)
        create_user(email="bench-admin@example.test", password=PASSWORD, role="admin")
        from models.usage import KeyFeature

        Session.add_all([KeyFeature(feature=key, name=key.replace("_", " ").title(), maturity_level=1 + n % 5)
                         for n, key in enumerate(FEATURES[:6])])
        Session.flush()
        cursor = Session.connection().connection.driver_connection.cursor()
        rng = random.Random(5)
        _usage_rows(cursor, busy.id, "busy.example", n_users, n_days, rng)
        _usage_rows(cursor, warm.id, "warm.example", 20, 60, rng)
        Session.execute(text("""INSERT INTO usage_feature_day (account_id, day, feature, users, events)
            SELECT account_id, day, feature, COUNT(*), SUM(events) FROM usage_user_feature_day GROUP BY account_id, day, feature"""))
        Session.execute(text("""INSERT INTO usage_account_day (account_id, day, active_users, logins, events, reports_run)
            SELECT account_id, day, COUNT(*), SUM(logins), SUM(events), SUM(reports_run) FROM usage_user_day GROUP BY account_id, day"""))
        user_days, user_feature_days = rollup_days("1 = 1")
        for statement in (*span_statements(user_days, user_feature_days, postgres=True),  # the distinct-user spans
                          week_recount(user_days, postgres=True)):
            Session.execute(text(statement))
        Session.commit()
        recompute(today - timedelta(days=1), warnings=False)
        Session.commit()
        Session.execute(text("ANALYZE"))
        Session.commit()
        rows = Session.execute(text("SELECT COUNT(*), SUM(events) FROM usage_user_day WHERE account_id = :id"),
                               {"id": busy.id}).one()
        print(f"seeded BUSY: {n_users:,} users, {n_days} days, {rows[0]:,} user-day rows standing for {rows[1]:,} events")


def median_ms(function, repeat: int) -> float:
    """Median wall time of function() in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def ingestion_batch(app, run: int) -> None:
    """POST a small batch of today's events for both accounts through the API (what a vendor's app sends every minute)."""
    from models.db import Session
    from portal.services import create_token

    with app.app_context():
        token = create_token(email="bench-admin@example.test")
        Session.commit()
    now = datetime.now(timezone.utc)
    # New ids on every run of the bench: a resent id is a duplicate, which changes nothing.
    events = [{"id": f"fresh-{time.time_ns()}-{run}-{ext}-{n}", "account": ext, "user": f"p{n}@{ext.lower()}.example",
               "type": ("login", "page_view", "feature_used", "report_run")[n % 4],
               **({"feature": "dashboards"} if n % 4 == 2 else {}), "ts": (now - timedelta(seconds=n)).isoformat()}
              for ext in ("EMPTY", "BUSY") for n in range(50)]
    answer = app.test_client().post("/api/v1/events", data=json.dumps({"events": events}),
                                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]


def measure(url: str, run: int, repeat: int) -> dict:
    """In this (fresh) process: warm up on the empty account, post an ingestion batch, then time the first
    answer of each account's page and charts, then the same requests answered warm (median of `repeat`)."""
    from portal import create_app, settle_worker
    from portal.dashboard.context import CHART_NAMES, default_period

    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    settle_worker()  # as wsgi.py does in every worker
    client = app.test_client()
    response = client.post("/login", data={"email": "bench-admin@example.test", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    query = "?range=365"

    def get(path: str) -> str:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.get_data(as_text=True)

    period = default_period(365)

    def chart_urls(ext: str) -> dict[str, str]:
        # Every chart, also where the page shows one sentence instead (the empty account's empty states).
        return {name: f"/accounts/{ext}/charts/{name}.json?start={period.start}&end={period.end}" for name in CHART_NAMES}

    # The process's one-time costs (imports, templates, compiled statements) are paid on a small third account
    # that takes the same code paths, so neither measured account has an answer cached before its first request.
    get(f"/accounts/WARM/{query}")
    for url in chart_urls("WARM").values():
        get(url)
    ingestion_batch(app, run)
    results: dict[str, dict[str, float]] = {}
    for ext in ("EMPTY", "BUSY"):
        figures: dict[str, float] = {}
        started = time.perf_counter()
        get(f"/accounts/{ext}/{query}")
        figures["page after ingestion"] = (time.perf_counter() - started) * 1000
        urls = chart_urls(ext)
        for name, url in urls.items():
            started = time.perf_counter()
            get(url)
            figures[f"{name} after ingestion"] = (time.perf_counter() - started) * 1000
        figures["page warm"] = median_ms(lambda: get(f"/accounts/{ext}/{query}"), repeat)
        for name, url in urls.items():
            figures[f"{name} warm"] = median_ms(lambda url=url: get(url), repeat)
        results[ext] = figures
    # A worker that has served both dashboards, right after the next batch (today's events only).
    ingestion_batch(app, run + 1000)
    for ext in ("EMPTY", "BUSY"):
        for name, path in (("page", f"/accounts/{ext}/{query}"), *chart_urls(ext).items()):
            started = time.perf_counter()
            get(path)
            results[ext][f"{name} warm worker, next batch"] = (time.perf_counter() - started) * 1000
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--fresh", type=int, default=5, help="fresh processes, each after its own ingestion batch")
    parser.add_argument("--database", default="bench_dashboard")
    parser.add_argument("--reuse", action="store_true", help="measure the already seeded database")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child: database URL
    parser.add_argument("--run", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.run, args.repeat)))
        return
    if args.reuse:
        url = fresh_database_url(args.database)
    else:
        url = fresh_database(args.database)
        seed(url, args.users, args.days)

    runs = []
    for run in range(args.fresh):
        child = subprocess.run([sys.executable, os.path.abspath(__file__), "--measure", url, "--run", str(run),
                                "--repeat", str(args.repeat)], check=True, capture_output=True, text=True)
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
    results = {ext: {key: statistics.median(run[ext][key] for run in runs) for key in runs[0][ext]}
               for ext in ("EMPTY", "BUSY")}

    print(f"\nserver time in ms, median of {args.fresh} fresh processes (period: last 365 days; warm: median of "
          f"{args.repeat} cached answers)")
    print(f"{'request':<34}{'empty':>10}{'busy':>10}{'busy/empty':>12}")
    for key, busy in results["BUSY"].items():
        empty = results["EMPTY"].get(key)
        ratio = f"{busy / empty:>12.2f}" if empty else f"{'(no chart)':>12}"
        print(f"{key:<34}{empty or 0:>10.1f}{busy:>10.1f}{ratio}")
    fresh = sum(v for k, v in results["BUSY"].items() if k.endswith("after ingestion"))
    warm = sum(v for k, v in results["BUSY"].items() if k.endswith("warm"))
    worker = sum(v for k, v in results["BUSY"].items() if k.endswith("next batch"))
    print(f"busy page + charts: {fresh:.1f} ms in a fresh process right after ingestion, {warm:.1f} ms warm "
          f"({fresh / warm:.2f}x); {worker:.1f} ms in a warm worker right after the next batch ({worker / warm:.2f}x)")
    print("goals: busy/empty <= 1.5 for the page and each chart; busy page + charts after ingestion <= 2x warm")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
