"""Ingestion through the Segment endpoint against POST /api/v1/events, on the same events, in the same run.

Usage (PostgreSQL must answer; the database named by --database is dropped and re-created):
    .venv/bin/python bench/segment.py [--events 50000] [--batch 1000] [--database bench_segment]

The same stream of usage events (1,000 people, time order, logins, page views, features, report
runs) goes once through POST /api/segment/v1/batch as Segment track/page messages (plain and gzip,
into two accounts) and once through POST /api/v1/events (into a third account), in batches of the
same number of events (--batch; Segment's 500 KB limit holds about 1,500 such messages). In-process
WSGI, bodies encoded (and gzipped) before the clock starts. Prints events/s for each and the ratio
Segment / event API.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import sys
import time
from base64 import b64encode
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.ingest import fresh_database  # noqa: E402

USERS = 1_000
FEATURES = ("Dashboard Shared", "Report Exported", "Alert Created", "Automation Saved", "API Key Created")


def stream(n_events: int, batch: int, seed: int = 1):
    """Yield batches of (kind, user, event name or None, timestamp, n) in time order."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    first = now - timedelta(days=30)
    step = timedelta(days=29) / n_events
    kinds = ("login", "page_view", "page_view", "feature_used", "feature_used", "report_run")
    for start in range(0, n_events, batch):
        out = []
        for n in range(start, min(n_events, start + batch)):
            kind = rng.choice(kinds)
            out.append((kind, f"person-{rng.randrange(USERS)}", rng.choice(FEATURES) if kind == "feature_used" else None,
                        (first + step * n).isoformat(), n))
        yield out


def as_segment(items, ext: str) -> bytes:
    """A Segment batch body: track calls (Signed In, Report Run, feature events) and page calls."""
    messages = []
    for kind, user, feature, ts, n in items:
        message = {"messageId": f"{ext}-{n}", "userId": user, "timestamp": ts, "context": {"groupId": ext}}
        if kind == "page_view":
            message.update(type="page", name="Home")
        else:
            message.update(type="track", event={"login": "Signed In", "report_run": "Report Run"}.get(kind, feature))
        messages.append(message)
    return json.dumps({"batch": messages, "sentAt": datetime.now(timezone.utc).isoformat()}).encode()


def as_events(items, ext: str) -> bytes:
    """The same events as a POST /api/v1/events body."""
    events = []
    for kind, user, feature, ts, n in items:
        event = {"id": f"{ext}-{n}", "account": ext, "user": user, "type": kind, "ts": ts}
        if feature:
            event["feature"] = feature.lower().replace(" ", "_")
        events.append(event)
    return json.dumps({"events": events}).encode()


def make_app(url: str):
    """The portal on the bench database with three accounts and an admin token."""
    from sqlalchemy import create_engine

    import models
    from models.db import Session
    from portal import create_app
    from portal.services import create_account, create_token, create_user

    engine = create_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        for ext in ("SEG", "SEGZ", "API"):
            create_account(name=f"Bench {ext}", external_id=ext, arr="100000", seats="1200", since="2020-01-01")
        create_user(email="bench-admin@example.test", password=None, role="admin")
        Session.commit()
        token = create_token(email="bench-admin@example.test")
        Session.commit()
    return app, token


def run(client, path: str, bodies: list[bytes], headers: dict) -> tuple[float, list[float]]:
    """POST every body; (seconds in all, per-batch seconds)."""
    per_batch = []
    for body in bodies:
        started = time.perf_counter()
        response = client.post(path, data=body, headers=headers)
        per_batch.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return sum(per_batch), per_batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1_000, help="events per request, for both endpoints")
    parser.add_argument("--database", default="bench_segment")
    args = parser.parse_args()
    url = fresh_database(args.database)
    app, token = make_app(url)
    client = app.test_client()
    basic = {"Authorization": "Basic " + b64encode(f"{token}:".encode()).decode(), "Content-Type": "application/json"}
    bearer = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    # Warm-up (not timed): the 1,000 people of each account exist before the clock starts.
    for ext in ("SEG", "SEGZ"):
        warm = [("login", f"person-{n}", None, (datetime.now(timezone.utc) - timedelta(days=31)).isoformat(),
                 -n - 1) for n in range(USERS)]
        run(client, "/api/segment/v1/batch", [as_segment(warm, ext)], basic)
    warm_api = [("login", f"person-{n}", None, (datetime.now(timezone.utc) - timedelta(days=31)).isoformat(), -n - 1)
                for n in range(USERS)]
    run(client, "/api/v1/events", [as_events(warm_api, "API")], bearer)

    batches = list(stream(args.events, args.batch))
    segment_bodies = [as_segment(items, "SEG") for items in batches]
    gzip_bodies = [gzip.compress(as_segment(items, "SEGZ")) for items in batches]
    api_bodies = [as_events(items, "API") for items in batches]
    largest = max(len(body) for body in segment_bodies)
    print(f"{args.events:,} events in batches of {args.batch:,} (largest Segment body {largest / 1024:.0f} KB, "
          f"gzipped {max(len(b) for b in gzip_bodies) / 1024:.0f} KB)")

    api_seconds, api_batches = run(client, "/api/v1/events", api_bodies, bearer)
    seg_seconds, seg_batches = run(client, "/api/segment/v1/batch", segment_bodies, basic)
    gz_seconds, _ = run(client, "/api/segment/v1/batch", gzip_bodies, {**basic, "Content-Encoding": "gzip"})
    resend_seconds, _ = run(client, "/api/segment/v1/batch", segment_bodies[:10], basic)
    api_rate, seg_rate, gz_rate = args.events / api_seconds, args.events / seg_seconds, args.events / gz_seconds
    print(f"POST /api/v1/events:             {api_rate:,.0f} events/s (median batch "
          f"{statistics.median(api_batches) * 1000:.0f} ms)")
    print(f"POST /api/segment/v1/batch:      {seg_rate:,.0f} events/s (median batch "
          f"{statistics.median(seg_batches) * 1000:.0f} ms)")
    print(f"the same, gzip bodies:           {gz_rate:,.0f} events/s")
    print(f"re-sent Segment batches (duplicates): {sum(len(b) for b in batches[:10]) / resend_seconds:,.0f} events/s")
    print(f"ratio Segment / event API: {seg_rate / api_rate:.2f} (gzip: {gz_rate / api_rate:.2f})")


if __name__ == "__main__":
    main()
