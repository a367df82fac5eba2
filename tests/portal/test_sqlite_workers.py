"""The embedded SQLite database served by several worker processes at once (gunicorn -w 3)."""
from __future__ import annotations

import multiprocessing
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

WORKERS = 3
BATCHES = 20
OWN_EVENTS = 10  # events only this worker sends, per batch
SHARED_EVENTS = 5  # events every worker sends with the same ids, per batch: all but one are duplicates
TYPES = ("login", "page_view", "feature_used", "report_run")


def _config(url: str) -> dict:
    return {"DATABASE_URL": url, "TESTING": True, "RATELIMIT_ENABLED": False, "MAIL_SUPPRESS_SEND": True,
            "PORTAL_BASE_URL": "http://portal.test"}


def _event(event_id: str, n: int, day: date) -> dict:
    kind = TYPES[n % len(TYPES)]
    event = {"id": event_id, "account": "WORKERS", "user": f"person-{n % 7}@example.test", "type": kind,
             "ts": datetime(day.year, day.month, day.day, 9 + n % 8, n % 60, tzinfo=timezone.utc).isoformat()}
    if kind == "feature_used":
        event["feature"] = f"feature-{n % 3}"
    return event


def _post_batches(url: str, token: str, worker: int, start, results) -> None:
    """One worker process: its own app and connections, posting its batches as fast as it can."""
    from models.db import dispose_engine
    from portal import create_app

    app = create_app(_config(url))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    day = date.today() - timedelta(days=3)
    answers = []
    start.wait()
    for batch in range(BATCHES):
        events = [_event(f"w{worker}-b{batch}-e{k}", k + worker, day) for k in range(OWN_EVENTS)]
        events += [_event(f"shared-b{batch}-e{k}", k, day) for k in range(SHARED_EVENTS)]
        response = client.post("/api/v1/events", json={"events": events}, headers=headers)
        answers.append((response.status_code, response.get_json(silent=True), response.get_data(as_text=True)[:300]))
    dispose_engine(app.extensions["db_engine"])
    results.put((worker, answers))


def test_three_worker_processes_post_events_at_once_without_a_lock_error(tmp_path):
    """Every batch of every process answers 200; nothing says 'database is locked'; the count adds up."""
    import models
    from sqlalchemy import func, select

    from models.accounts import Account, User
    from models.db import Session, dispose_engine, make_engine
    from models.usage import UsageEvent
    from portal import create_app
    from portal.services import create_token

    url = f"sqlite:///{tmp_path / 'portal.db'}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app(_config(url))
    with app.app_context():
        Session.add(Account(name="Workers Inc", external_id="WORKERS", arr=Decimal("12000"), seats=20,
                            customer_since=date.today() - timedelta(days=400), status="active"))
        Session.add(User(email="ops@example.test", name="Ops", role="admin", password_hash=None))
        Session.flush()
        token = create_token(email="ops@example.test")
        Session.commit()
        Session.remove()

    context = multiprocessing.get_context("spawn")
    start = context.Event()
    results = context.Queue()
    processes = [context.Process(target=_post_batches, args=(url, token, w, start, results)) for w in range(WORKERS)]
    for process in processes:
        process.start()
    start.set()
    answers = dict(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0

    flat = [answer for worker in sorted(answers) for answer in answers[worker]]
    assert len(flat) == WORKERS * BATCHES
    assert [status for status, _, _ in flat] == [200] * len(flat), [a for a in flat if a[0] != 200][:3]
    assert not any("database is locked" in text for _, _, text in flat)
    accepted = sum(body["accepted"] for _, body, _ in flat)
    duplicates = sum(body["duplicates"] for _, body, _ in flat)
    assert accepted == WORKERS * BATCHES * OWN_EVENTS + BATCHES * SHARED_EVENTS
    assert duplicates == (WORKERS - 1) * BATCHES * SHARED_EVENTS
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(UsageEvent)) == accepted
        Session.remove()
    dispose_engine(app.extensions["db_engine"])
