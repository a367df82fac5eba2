"""Dashboard speed: /accounts/<ext>/ and its chart JSON, a busy account against an empty one, in the same run.

Usage (PostgreSQL must answer; the database named by --database is dropped and re-created):
    .venv/bin/python bench/dashboard.py [--users 1000] [--days 365] [--repeat 15] [--database bench_dashboard]

The busy account gets --users people and --days days of rollups (the dashboard reads
rollups only; the raw events behind them would number about users x days x 14 at the
default sizes). Prints the median server time of the page and of each chart (cold:
cache cleared before each request; warm: cached), and the busy/empty ratios.
Goals: page ratio <= 1.5 and page < 150 ms; warm chart < 10 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.ingest import fresh_database  # noqa: E402

FEATURES = ("dashboards", "team_invites", "scheduled_reports", "integrations", "automations", "api_access",
            "search", "exports")
PASSWORD = "bench-password-2026!"


def seed(url: str, n_users: int, n_days: int) -> None:
    """Schema, a busy account with rollups, an empty account, key features and an admin."""
    import models
    from models.db import Session
    from portal import create_app

    engine = create_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        from portal.services import create_account, create_user

        today = date.today()
        busy = create_account(name="Busy Corp", external_id="BUSY", arr="500000", seats=str(n_users + 200),
                              since=(today - timedelta(days=n_days + 10)).isoformat())
        create_account(name="Empty Corp", external_id="EMPTY", arr="500000", seats=str(n_users + 200),
                       since=(today - timedelta(days=n_days + 10)).isoformat())
        create_user(email="bench-admin@example.test", password=PASSWORD, role="admin")
        from models.usage import KeyFeature

        Session.add_all([KeyFeature(feature=key, name=key.replace("_", " ").title(), maturity_level=1 + n % 5)
                         for n, key in enumerate(FEATURES[:6])])
        Session.flush()
        connection = Session.connection().connection.driver_connection
        cursor = connection.cursor()
        with cursor.copy("COPY \"user\" (email, name, role, account_id, session_version, is_active, created_at) FROM STDIN") as copy:
            for n in range(n_users):
                copy.write_row((f"p{n}@busy.example", f"Person {n}", "customer", busy.id, 1, True, "2020-01-01T00:00:00Z"))
        user_ids = [row[0] for row in cursor.execute("SELECT id FROM \"user\" WHERE account_id = %s", (busy.id,))]
        rng = random.Random(5)
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
                            feature_rows.append((busy.id, user_id, key, day, uses))
                    user_day.write_row((busy.id, user_id, day, logins + pages + reports + features, logins, pages,
                                        features, reports))
        with cursor.copy("COPY usage_user_feature_day (account_id, user_id, feature, day, events) FROM STDIN") as copy:
            for row in feature_rows:
                copy.write_row(row)
        Session.execute(text("""INSERT INTO usage_feature_day (account_id, day, feature, users, events)
            SELECT account_id, day, feature, COUNT(*), SUM(events) FROM usage_user_feature_day GROUP BY account_id, day, feature"""))
        Session.execute(text("""INSERT INTO usage_account_day (account_id, day, active_users, logins, events, reports_run)
            SELECT account_id, day, COUNT(*), SUM(logins), SUM(events), SUM(reports_run) FROM usage_user_day GROUP BY account_id, day"""))
        Session.commit()
        Session.execute(text("ANALYZE"))
        Session.commit()
        rows = Session.execute(text("SELECT COUNT(*), SUM(events) FROM usage_user_day")).one()
        print(f"seeded BUSY: {n_users:,} users, {n_days} days, {rows[0]:,} user-day rows standing for {rows[1]:,} events")


def median_ms(function, repeat: int) -> float:
    """Median wall time of function() in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database", default="bench_dashboard")
    args = parser.parse_args()
    url = fresh_database(args.database)
    seed(url, args.users, args.days)

    from portal.dashboard.context import CHART_NAMES, clear_chart_cache
    from portal import create_app
    from portal.charts import clear_process_chart_cache

    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    response = client.post("/login", data={"email": "bench-admin@example.test", "password": PASSWORD})
    assert response.status_code == 302, response.status_code

    def get(path: str) -> None:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)

    results: dict[str, dict[str, float]] = {}
    query = "?range=365"
    for ext in ("EMPTY", "BUSY"):
        get(f"/accounts/{ext}/{query}")  # warm-up
        figures = {"page": median_ms(lambda: get(f"/accounts/{ext}/{query}"), args.repeat)}
        page = client.get(f"/accounts/{ext}/{query}").get_data(as_text=True)
        for name in CHART_NAMES:
            found = [u for u in page.split('data-chart-url="')[1:] if f"/charts/{name}.json" in u]
            if not found:
                continue  # a period without usage shows one sentence instead of its usage charts
            chart_url = found[0].split('"')[0].replace("&amp;", "&")

            def cold(url=chart_url) -> None:
                # Both caches: the dashboard's figures and the shell's chart JSON (else "cold" is a cache hit).
                clear_chart_cache()
                clear_process_chart_cache()
                get(url)

            figures[f"{name} cold"] = median_ms(cold, max(3, args.repeat // 3))
            get(chart_url)
            figures[f"{name} warm"] = median_ms(lambda url=chart_url: get(url), args.repeat)
        results[ext] = figures

    print(f"\nmedian server time in ms (period: last 365 days, {args.repeat} runs)")
    print(f"{'request':<28}{'empty':>10}{'busy':>10}{'busy/empty':>12}")
    for key in results["BUSY"]:
        empty, busy = results["EMPTY"][key], results["BUSY"][key]
        print(f"{key:<28}{empty:>10.1f}{busy:>10.1f}{busy / empty:>12.2f}")
    print("goals: page busy/empty <= 1.5 and busy page < 150 ms; warm charts < 10 ms")


if __name__ == "__main__":
    main()
