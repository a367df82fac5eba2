"""PostgreSQL restarted under a stream of API ingestion batches served by real gunicorn workers.

Every batch is either stored whole or answered with a 503 the client retries; after the
stream nothing is half-stored, nothing is doubled, and the rollups match the raw events.
"""
from __future__ import annotations

import json
import threading
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from portal.errors import DB_UNAVAILABLE
from tests.conftest import PASSWORD
from tests.faults.conftest import upgrade_and_seed
from tests.faults.servers import Browser, csrf_token, wait_until

pytestmark = pytest.mark.faults

BATCHES = 60
BATCH_SIZE = 200
CLIENTS = 2  # client threads, so that both workers have requests in flight when the server goes away
REPEAT_EVERY = 6  # every sixth batch re-sends half of an earlier batch's ids
TYPES = ("login", "page_view", "feature_used", "report_run")
BACK_OFF = 0.25
RESTARTS = ((15, "fast"), (38, "immediate"))  # (batches answered 200 before the restart, pg_ctl mode)


def _event(event_id: str, n: int) -> dict:
    day = date.today() - timedelta(days=1 + n % 7)
    kind = TYPES[n % len(TYPES)]
    moment = datetime(day.year, day.month, day.day, 8 + n % 10, n % 60, tzinfo=timezone.utc)
    event = {"id": event_id, "account": "FAULTS", "user": f"person-{n % 23}@faults.test", "type": kind,
             "ts": moment.isoformat()}
    if kind == "feature_used":
        event["feature"] = f"feature-{n % 4}"
    return event


def _batches() -> list[list[dict]]:
    """The stream: BATCHES batches of BATCH_SIZE; some repeat half of the ids of the same client's earlier batch."""
    batches: list[list[dict]] = []
    for b in range(BATCHES):
        if b % REPEAT_EVERY == REPEAT_EVERY - 1:
            earlier = batches[b - CLIENTS][: BATCH_SIZE // 2]
            fresh = [_event(f"b{b}-e{k}", b * BATCH_SIZE + k) for k in range(BATCH_SIZE - len(earlier))]
            batches.append(earlier + fresh)
        else:
            batches.append([_event(f"b{b}-e{k}", b * BATCH_SIZE + k) for k in range(BATCH_SIZE)])
    return batches


@pytest.fixture(scope="module")
def stack(pg_cluster, serve):
    """A database of the private cluster with the schema and an admin token, served by gunicorn -w 2."""
    url = pg_cluster.createdb("portal_faults")
    seeded = upgrade_and_seed(url)
    server = serve({"DATABASE_URL": url}, workers=2)
    return {"cluster": pg_cluster, "server": server, "url": url, **seeded}


class Stream:
    """The client side: posts its share of the batches, retrying whatever is not a 200 after a short back-off."""

    def __init__(self, port: int, token: str, batches: list[list[dict]]):
        self.port, self.token, self.batches = port, token, batches
        self.final: dict[int, dict] = {}  # batch index -> the body of its 200 answer
        self.failures: list[tuple[float, int | None, dict, str]] = []  # (when, status or None, headers, body)
        self.retried: set[int] = set()  # batches that needed more than one attempt
        self.answered_at: list[float] = []  # when each 200 arrived
        self.lock = threading.Lock()

    def run(self, client: int) -> None:
        """Post batches client, client + CLIENTS, ... in order."""
        browser = Browser(self.port)
        for index in range(client, len(self.batches), CLIENTS):
            deadline = time.monotonic() + 90
            while True:
                try:
                    answer = browser.post_json("/api/v1/events", {"events": self.batches[index]}, self.token)
                except OSError as exc:
                    with self.lock:
                        self.failures.append((time.monotonic(), None, {}, repr(exc)))
                        self.retried.add(index)
                else:
                    if answer.status == 200:
                        with self.lock:
                            self.final[index] = answer.json()
                            self.answered_at.append(time.monotonic())
                        break
                    with self.lock:
                        self.failures.append((time.monotonic(), answer.status, answer.headers, answer.text))
                        self.retried.add(index)
                assert time.monotonic() < deadline, f"batch {index} was never stored"
                time.sleep(BACK_OFF)

    def answered(self) -> int:
        """How many batches have been answered 200 so far."""
        with self.lock:
            return len(self.final)


def _tracebacks(log: str) -> str:
    """The app's logged tracebacks, without the one-line warnings around them."""
    return "\n".join(line for line in log.splitlines() if "WARNING in errors" not in line)[-8000:]


def _stored_figures(url: str) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            scalar = lambda sql: connection.execute(text(sql)).scalar_one()  # noqa: E731
            rows = lambda sql: [tuple(r) for r in connection.execute(text(sql))]  # noqa: E731
            return {
                "client_ids": {r[0] for r in rows("SELECT client_id FROM usage_event")},
                "events": scalar("SELECT count(*) FROM usage_event"),
                "account_days": rows("SELECT day, events, logins, reports_run, active_users FROM usage_account_day "
                                     "ORDER BY day"),
                "raw_days": rows("SELECT (ts AT TIME ZONE 'UTC')::date AS day, count(*), "
                                 "count(*) FILTER (WHERE type = 'login'), count(*) FILTER (WHERE type = 'report_run'), "
                                 "count(DISTINCT user_id) FROM usage_event GROUP BY 1 ORDER BY 1"),
                "feature_days": rows("SELECT day, feature, events, users FROM usage_feature_day ORDER BY day, feature"),
                "raw_feature_days": rows("SELECT (ts AT TIME ZONE 'UTC')::date, feature, count(*), count(DISTINCT user_id) "
                                         "FROM usage_event WHERE type = 'feature_used' GROUP BY 1, 2 ORDER BY 1, 2"),
                "user_day_events": scalar("SELECT coalesce(sum(events), 0) FROM usage_user_day"),
            }
    finally:
        engine.dispose()


def test_postgresql_restarts_during_ingestion_lose_and_double_nothing(stack):
    """Two restarts (fast, then immediate) mid-stream: only 503s with Retry-After, then every batch stored once."""
    batches = _batches()
    stream = Stream(stack["server"].port, stack["token"], batches)
    threads = [threading.Thread(target=stream.run, args=(c,), daemon=True) for c in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    restarts = []
    for after, mode in RESTARTS:
        wait_until(lambda: stream.answered() >= after or not any(t.is_alive() for t in threads), 120,
                   f"{after} batches to be stored")
        begun = time.monotonic()
        took = stack["cluster"].restart(mode)
        restarts.append({"mode": mode, "begun": begun, "ended": begun + took})
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "the client stream did not finish"
    elapsed = time.monotonic() - started

    # What the clients saw: only 503s that say to retry, never a 500 or a dropped connection.
    statuses = sorted({status for _, status, _, _ in stream.failures}, key=str)
    for when, status, headers, body in stream.failures:
        assert status == 503, f"status {status}: {body[:500]}\n{_tracebacks(stack['server'].errors())}"
        assert headers.get("content-type", "").startswith("application/json"), body[:300]
        assert headers.get("retry-after", "").isdigit(), headers
        assert "Traceback" not in body and body.strip().startswith("{")
        assert json.loads(body) == {"error": DB_UNAVAILABLE}
    for n, restart in enumerate(restarts):
        window_end = restarts[n + 1]["begun"] if n + 1 < len(restarts) else float("inf")
        failed = [when for when, *_ in stream.failures if restart["begun"] <= when < window_end]
        later = [when for when in stream.answered_at if when > max([restart["ended"], *failed])]
        assert later, f"no batch was stored after the {restart['mode']} restart"
        restart["failures"] = len(failed)
        restart["recovered_after"] = min(later) - restart["begun"]
        restart["outage"] = (min(later) - min(failed)) if failed else 0.0

    # What was stored: every id exactly once, and every rollup agrees with the raw events.
    sent_ids = {event["id"] for batch in batches for event in batch}
    stored = _stored_figures(stack["url"])
    assert stored["events"] == len(sent_ids) == len(stored["client_ids"])
    assert stored["client_ids"] == sent_ids
    assert sorted(stream.final) == list(range(BATCHES))
    # A batch counts its events once: as accepted on its first stored attempt, as duplicates on a retry
    # after an attempt whose commit reached the server but whose answer was lost to the restart.
    lost_answers = []
    for b in range(BATCHES):
        expected = (BATCH_SIZE // 2, BATCH_SIZE // 2) if b % REPEAT_EVERY == REPEAT_EVERY - 1 else (BATCH_SIZE, 0)
        got = (stream.final[b]["accepted"], stream.final[b]["duplicates"])
        if got != expected:
            assert b in stream.retried and got == (0, BATCH_SIZE), f"batch {b} answered {got}, expected {expected}"
            lost_answers.append(b)
    answers = [stream.final[b] for b in range(BATCHES)]
    assert sum(a["accepted"] for a in answers) + sum(
        BATCH_SIZE - BATCH_SIZE // 2 * (b % REPEAT_EVERY == REPEAT_EVERY - 1) for b in lost_answers) == len(sent_ids)
    assert stored["account_days"] == stored["raw_days"]
    assert stored["feature_days"] == stored["raw_feature_days"]
    assert stored["user_day_events"] == stored["events"]

    # The same gunicorn master and workers served everything: the engine reconnected by itself.
    assert stack["server"].process.poll() is None
    assert "Traceback" not in stack["server"].errors()
    assert stack["server"].errors().count("Booting worker") == 2, "a worker died and was replaced"
    print(f"\nPostgreSQL restart stream: {BATCHES} batches x {BATCH_SIZE} events in {elapsed:.1f} s; "
          f"{len(stream.failures)} answers not 200 (statuses {statuses}); stored {stored['events']} events "
          f"= distinct ids sent; {len(stream.retried)} batches retried, {len(lost_answers)} of them already "
          f"stored by an attempt whose answer was lost ({lost_answers})")
    for restart in restarts:
        print(f"  pg_ctl restart -m {restart['mode']}: took {restart['ended'] - restart['begun']:.2f} s, "
              f"{restart['failures']} answers 503, clients saw {restart['outage']:.2f} s from the first 503 to "
              f"the next 200; first batch stored {restart['recovered_after']:.2f} s after the restart began")


def test_while_postgresql_is_down_pages_and_api_say_retry_and_sessions_survive(stack):
    """Stopped server: /healthz, the API and pages answer 503 with Retry-After; started again: all back, still signed in."""
    server, cluster = stack["server"], stack["cluster"]
    person = Browser(server.port)
    form = person.get("/login")
    signed_in = person.post("/login", {"email": stack["customers"][0], "password": PASSWORD,
                                       "csrf_token": csrf_token(form.text)})
    assert signed_in.status == 302, signed_in.text[:300]
    assert person.get("/accounts/FAULTS/").status == 200

    cluster.stop("fast")
    try:
        health = server.healthz()
        assert (health.status, health.json()) == (503, {"status": "error", "db": "error"})
        api = Browser(server.port).post_json("/api/v1/events", {"events": [_event("down-1", 1)]}, stack["token"])
        assert (api.status, api.json()) == (503, {"error": DB_UNAVAILABLE})
        assert api.headers["retry-after"].isdigit()
        page = person.get("/accounts/FAULTS/")
        assert page.status == 503 and page.headers["content-type"].startswith("text/html")
        assert DB_UNAVAILABLE in page.text and "Traceback" not in page.text
        assert page.headers["retry-after"].isdigit()
        survey = Browser(server.port).get("/s/a-link-from-an-email")
        assert survey.status == 503 and DB_UNAVAILABLE in survey.text
    finally:
        begun = time.monotonic()
        cluster.start()
    wait_until(lambda: getattr(server.healthz(), "status", None) == 200, 30, "/healthz to answer 200 again")
    healthy_after = time.monotonic() - begun
    assert person.get("/accounts/FAULTS/").status == 200, "the session did not survive the database outage"
    stored = Browser(server.port).post_json("/api/v1/events", {"events": [_event("back-1", 1)]}, stack["token"])
    assert (stored.status, stored.json()) == (200, {"accepted": 1, "duplicates": 0})
    print(f"\nPostgreSQL stopped: /healthz 503, API 503 JSON, page 503 HTML; after pg_ctl start "
          f"(incl. its wait) /healthz 200 in {healthy_after:.2f} s, session kept")
