"""Ingestion speed and memory: POST /api/v1/events against a plain psycopg COPY, in the same run.

Usage (PostgreSQL must answer; the database named by --database is dropped and re-created):
    .venv/bin/python bench/ingest.py [--batches 10] [--memory-events 1000000] [--stored 50000000] [--database bench_usage]

Prints events/s through the API (10,000-event batches, in-process WSGI, JSON already
encoded) and through COPY of the same rows into a bare table, their ratio (goal >= 0.3),
and the peak RSS of a separate process that streams --memory-events events through the
API (goal < 500 MB for 1,000,000).

With --stored N the speed run is made twice in the same process: on the empty table, then after N
older events (two years of them, in their monthly partitions) were loaded server-side; the second
run's rate over the first is the slowdown as the table grows (goal: at most 1.5x slower).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

BATCH = 10_000
USERS = 1_000
BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def fresh_database(name: str) -> str:
    """Drop and create a database; return its SQLAlchemy URL."""
    url = make_url(BASE_URL)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def make_app(url: str, create: bool):
    """The portal on the bench database, with the schema, an account and an admin token."""
    import models
    from models.db import Session
    from portal import create_app

    if create:
        engine = create_engine(url)
        models.Base.metadata.create_all(engine)
        engine.dispose()
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        from portal.services import create_account, create_token, create_user

        if create:
            create_account(name="Bench Corp", external_id="BENCH", arr="100000", seats="1200", since="2020-01-01")
            create_user(email="bench-admin@example.test", password=None, role="admin")
            Session.commit()
        token = create_token(email="bench-admin@example.test")
        Session.commit()
    return app, token


def batches(rng: random.Random, n_batches: int, prefix: str, days_per_batch: float = 1.0):
    """Yield lists of event dicts, one batch at a time (nothing holds every event).

    Like a vendor's stream: each batch covers the next `days_per_batch` days in time order,
    1,000 people, most of them active on a given day.
    """
    now = datetime.now(timezone.utc)
    kinds = ("login", "page_view", "page_view", "feature_used", "feature_used", "report_run")
    span = timedelta(days=days_per_batch)
    first = now - span * n_batches - timedelta(hours=1)
    for batch in range(n_batches):
        window_start = first + span * batch
        events = []
        for n in range(BATCH):
            kind = rng.choice(kinds)
            moment = window_start + span * (n / BATCH)
            event = {"id": f"{prefix}-{batch}-{n}", "account": "BENCH", "user": f"person-{rng.randrange(USERS)}",
                     "type": kind, "ts": moment.isoformat()}
            if kind == "feature_used":
                event["feature"] = rng.choice(("dashboards", "exports", "alerts", "api", "automations"))
            events.append(event)
        yield events


def post_all(app, token: str, event_batches) -> tuple[int, float, list[float]]:
    """POST every batch; return (events, seconds spent in the server, per-batch seconds)."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    count, per_batch = 0, []
    for events in event_batches:
        body = json.dumps({"events": events}).encode()
        started = time.perf_counter()
        response = client.post("/api/v1/events", data=body, headers=headers)
        per_batch.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        count += len(events)
    return count, sum(per_batch), per_batch


def _timed_copies(url: str, event_batches, account_id: int, targets: list[tuple[str, int]]) -> tuple[int, float]:
    """COPY each batch's rows (user ids already resolved) into every target, one commit a batch; return (rows,
    seconds spent copying and committing). A target is a COPY statement and how many of the row's leading
    columns (account_id, client_id, user_id, type, feature, ts, received_at) it takes."""
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    user_ids = {f"person-{n}": n + 1 for n in range(USERS)}
    now = datetime.now(timezone.utc)
    total, seconds = 0, 0.0
    with psycopg.connect(conninfo) as connection:
        for events in event_batches:
            rows = [(account_id, e["id"], user_ids[e["user"]], e["type"], e.get("feature"),
                     datetime.fromisoformat(e["ts"]), now) for e in events]
            per_target = [[row[:width] for row in rows] for _, width in targets]  # cut before the clock starts
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for (statement, _), target_rows in zip(targets, per_target):
                    with cursor.copy(statement) as copy:
                        for row in target_rows:
                            copy.write_row(row)
            connection.commit()
            seconds += time.perf_counter() - started
            total += len(rows)
    return total, seconds


def copy_floor(url: str, event_batches) -> tuple[int, float]:
    """COPY the same rows (ids already resolved) into a bare table; return (rows, seconds)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS bench_copy (account_id integer, client_id varchar(200), "
                                "user_id integer, type varchar(20), feature varchar(200), ts timestamptz)"))
    engine.dispose()
    return _timed_copies(url, event_batches, 1, [
        ("COPY bench_copy (account_id, client_id, user_id, type, feature, ts) FROM STDIN", 6)])


def keyed_copy_floor(app, url: str, event_batches) -> tuple[int, float]:
    """COPY the same rows into the portal's own two event tables, usage_event_key and usage_event, with their
    primary keys and nothing else (no duplicate check, no rollups, no validation); return (rows, seconds).

    What storing an event costs at the least once its id must be unique per account across monthly partitions:
    the API cannot be faster than this, so its ratio to the plain COPY bounds the API's.
    """
    from models.db import Session
    from portal.services import create_account

    with app.app_context():  # an account of their own: these events have no rollups
        account_id = create_account(name="Floor Corp", external_id="FLOOR", arr="0", seats="1", since="2020-01-01").id
        Session.commit()
    return _timed_copies(url, event_batches, account_id, [
        ("COPY usage_event_key (account_id, client_id) FROM STDIN", 2),
        ("COPY usage_event (account_id, client_id, user_id, type, feature, ts, received_at) FROM STDIN", 7)])


def load_history(app, url: str, n_events: int) -> float:
    """Store n_events older events (the two years before the bench's own) straight in SQL; return seconds."""
    from analytics.usage.partitions import ensure_partitions
    from models.db import Session

    now = datetime.now(timezone.utc)
    start = now - timedelta(days=2 * 365 + 30)
    with app.app_context():
        ensure_partitions(start + timedelta(days=day) for day in range(0, 2 * 365 + 31, 10))
        Session.commit()
    step_seconds = (2 * 365 * 86400) / max(n_events, 1)
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO usage_event (account_id, client_id, user_id, type, feature, ts, received_at) "
            "SELECT 1, 'old-' || g, (g % :users) + 1, 'page_view', NULL, "
            "CAST(:start AS timestamptz) + g * make_interval(secs => :step), now() FROM generate_series(1, :n) g"),
            {"users": USERS, "start": start, "step": step_seconds, "n": n_events})
        connection.execute(text("INSERT INTO usage_event_key (account_id, client_id) "
                                "SELECT 1, 'old-' || g FROM generate_series(1, :n) g"), {"n": n_events})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE usage_event"))
        connection.execute(text("VACUUM ANALYZE usage_event_key"))
        # Write the loaded pages out now: otherwise the checkpoint of millions of rows runs during the
        # measured batches (and their first touch of each page logs a full page image), which is the
        # load's cost, not the grown table's.
        connection.execute(text("CHECKPOINT"))
    engine.dispose()
    return time.perf_counter() - started


def memory_run(url: str, n_events: int) -> None:
    """Child process: stream n_events through the API and print the peak RSS in MB."""
    app, token = make_app(url, create=False)
    rng = random.Random(99)
    started = time.perf_counter()
    count, _seconds, _ = post_all(app, token, batches(rng, max(1, n_events // BATCH), "mem"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"events": count, "peak_rss_mb": round(peak_mb, 1), "seconds": round(time.perf_counter() - started, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=10, help="10,000-event batches for the speed run")
    parser.add_argument("--memory-events", type=int, default=1_000_000, help="events streamed in the memory run (0: skip)")
    parser.add_argument("--database", default="bench_usage")
    parser.add_argument("--stored", type=int, default=0, help="older events loaded before a second speed run")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_run(fresh_database_url(args.database), args.memory_events)
        return

    url = fresh_database(args.database)
    app, token = make_app(url, create=True)
    # Warm-up: creates the 1,000 users and warms caches; not timed.
    warm = [[{"id": f"warm-{n}", "account": "BENCH", "user": f"person-{n}", "type": "login",
              "ts": datetime.now(timezone.utc).isoformat()} for n in range(USERS)]]
    post_all(app, token, warm)

    api_events, api_seconds, per_batch = post_all(app, token, batches(random.Random(1), args.batches, "api"))
    copy_events, copy_seconds = copy_floor(url, batches(random.Random(1), args.batches, "copy"))
    api_rate = api_events / api_seconds
    copy_rate = copy_events / copy_seconds
    print(f"events through POST /api/v1/events: {api_events:,} in {api_seconds:.2f} s = {api_rate:,.0f} events/s "
          f"(median batch {statistics.median(per_batch) * 1000:.0f} ms)")
    print(f"events through plain COPY:          {copy_events:,} in {copy_seconds:.2f} s = {copy_rate:,.0f} events/s")
    print(f"ratio API / COPY: {api_rate / copy_rate:.2f} (goal >= 0.30)")
    keyed_events, keyed_seconds = keyed_copy_floor(app, url, batches(random.Random(1), args.batches, "keyed"))
    keyed_rate = keyed_events / keyed_seconds
    print(f"events through COPY into usage_event_key and usage_event (their keys only, nothing else): "
          f"{keyed_rate:,.0f} events/s = {keyed_rate / copy_rate:.2f} of the plain COPY; the API is "
          f"{api_rate / keyed_rate:.2f} of it")

    if args.stored:
        seconds = load_history(app, url, args.stored)
        print(f"loaded {args.stored:,} older events in {seconds:.0f} s")
        grown_events, grown_seconds, grown_batches = post_all(app, token, batches(random.Random(2), args.batches, "grown"))
        grown_rate = grown_events / grown_seconds
        print(f"events through POST /api/v1/events with {args.stored:,} stored: {grown_rate:,.0f} events/s "
              f"(median batch {statistics.median(grown_batches) * 1000:.0f} ms); "
              f"empty / grown = {api_rate / grown_rate:.2f}x slower (goal <= 1.5); ratio to COPY {grown_rate / copy_rate:.2f}")

    # Duplicates: the same batches again change nothing and must be cheap.
    dup_events, dup_seconds, _ = post_all(app, token, batches(random.Random(1), min(args.batches, 3), "api"))
    print(f"re-sent duplicates: {dup_events / dup_seconds:,.0f} events/s")

    if args.memory_events:
        child = subprocess.run([sys.executable, __file__, "--memory-child", "--database", args.database,
                                "--memory-events", str(args.memory_events)], capture_output=True, text=True, check=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"peak RSS streaming {result['events']:,} events through the API: {result['peak_rss_mb']:.0f} MB "
              f"in {result['seconds']} s (goal < 500 MB for 1,000,000)")


def fresh_database_url(name: str) -> str:
    """URL of an existing bench database."""
    return make_url(BASE_URL).set(database=name).render_as_string(hide_password=False)


if __name__ == "__main__":
    main()
