"""Rate limits hold in total across two real gunicorn workers when REDIS_URL is set.

With per-process counters each worker would let its own quota through; with Redis the
workers share one counter, so exactly the quota passes however the requests are spread.
"""
from __future__ import annotations

import threading
import uuid

import pytest

from tests.conftest import PASSWORD
from tests.faults.conftest import upgrade_and_seed
from tests.faults.servers import Answer, Browser, csrf_token, unavailable

pytestmark = pytest.mark.faults

REDIS_URL = "redis://127.0.0.1:6379/12"
SIGN_IN_PER_EMAIL = 10  # a minute (portal/auth/views.py PER_EMAIL)
SURVEY_LINKS_PER_ADDRESS = 30  # a minute (surveys/views.py ANSWER_LIMIT)


@pytest.fixture(scope="module")
def redis_db():
    """Redis db 12, emptied before and after (only that db)."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.RedisError:
        unavailable("Redis is not reachable at 127.0.0.1:6379")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture(scope="module")
def limited(tmp_path_factory, serve, redis_db):
    """gunicorn -w 2 with rate limits on (the development config) and REDIS_URL set."""
    url = f"sqlite:///{tmp_path_factory.mktemp('limits') / 'portal.db'}"
    seeded = upgrade_and_seed(url, customers=1)
    server = serve({"DATABASE_URL": url, "REDIS_URL": REDIS_URL}, workers=2)
    return {"server": server, **seeded}


def _at_once(calls) -> list[Answer]:
    """Run the calls in parallel threads released together; their answers in call order."""
    answers: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, call):
        barrier.wait()
        answers[i] = call()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(answer is not None for answer in answers), "a request never finished"
    return answers


def test_sign_in_attempts_at_one_email_are_limited_in_total_across_workers(limited, redis_db):
    """Sixteen wrong passwords for one e-mail at once through both workers: ten are checked, six get 429."""
    server = limited["server"]
    target = f"victim-{uuid.uuid4().hex[:8]}@faults.test"
    visitors = [Browser(server.port) for _ in range(16)]
    forms = [csrf_token(visitor.get("/login").text) for visitor in visitors]
    answers = _at_once([lambda v=v, t=t: v.post("/login", {"email": target, "password": "not the password",
                                                           "csrf_token": t}) for v, t in zip(visitors, forms)])
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [422] * SIGN_IN_PER_EMAIL + [429] * (16 - SIGN_IN_PER_EMAIL)
    assert len(server.worker_pids("POST /login")) == 2, "one worker answered every attempt; nothing was shared"
    assert redis_db.keys("*login-email*"), "the counters are not in Redis db 12"
    # Another person signs in from the same address undisturbed.
    person = Browser(server.port)
    form = csrf_token(person.get("/login").text)
    assert person.post("/login", {"email": limited["customers"][0], "password": PASSWORD,
                                  "csrf_token": form}).status == 302


def test_guessing_survey_links_is_limited_in_total_across_workers(limited):
    """Forty guessed links at once through both workers: thirty are looked up (404), ten get 429."""
    server = limited["server"]
    answers = _at_once([lambda n=n: Browser(server.port).get(f"/s/guess-{uuid.uuid4().hex}-{n}") for n in range(40)])
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [404] * SURVEY_LINKS_PER_ADDRESS + [429] * (40 - SURVEY_LINKS_PER_ADDRESS)
    assert len(server.worker_pids("GET /s/")) == 2, "one worker answered every guess; nothing was shared"
    print(f"\nRedis-shared limits, gunicorn -w 2: survey guesses by worker "
          f"{_by_worker(server, 'GET /s/')}, sign-in attempts by worker {_by_worker(server, 'POST /login')}")


def _by_worker(server, prefix: str) -> dict:
    counts: dict = {}
    for pid, status, line in server.access_lines():
        if line.startswith(prefix):
            counts.setdefault(pid, {}).setdefault(status, 0)
            counts[pid][status] += 1
    return {n: counts[pid] for n, pid in enumerate(sorted(counts))}
