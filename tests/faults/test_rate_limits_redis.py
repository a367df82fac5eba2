"""Rate limits (sign-in, survey links, the API) hold in total across two real gunicorn workers with REDIS_URL set.

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
API_PER_TOKEN = 25  # a minute, set below through PORTAL_API_RATE_LIMIT


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
    server = serve({"DATABASE_URL": url, "REDIS_URL": REDIS_URL,
                    "PORTAL_API_RATE_LIMIT": f"{API_PER_TOKEN} per minute"}, workers=2)
    return {"server": server, "url": url, **seeded}


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


def _through_both_workers(server, request_prefix: str, subnet: str, requests: int, one_round):
    """Run one_round(address) from fresh client addresses until both workers answered a round (at most 4 tries).

    How the kernel hands connections to the workers is not ours to choose; a round that one
    worker happened to serve alone proves nothing about sharing, so it is played again.
    """
    for attempt in range(4):
        address = f"{subnet}.{attempt + 1}"
        one_round(address)
        if len(server.worker_pids(request_prefix, address, expected=requests)) == 2:
            return address
    raise AssertionError(f"one worker answered every {request_prefix} in 4 rounds; nothing was shown to be shared")


def test_sign_in_attempts_at_one_email_are_limited_in_total_across_workers(limited, redis_db):
    """Sixteen wrong passwords for one e-mail at once through both workers: ten are checked, six get 429."""
    server = limited["server"]

    def one_round(address: str) -> None:
        target = f"victim-{uuid.uuid4().hex[:8]}@faults.test"
        visitors = [Browser(server.port, source=address) for _ in range(16)]
        forms = [csrf_token(visitor.get("/login").text) for visitor in visitors]
        answers = _at_once([lambda v=v, t=t: v.post("/login", {"email": target, "password": "not the password",
                                                               "csrf_token": t}) for v, t in zip(visitors, forms)])
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [422] * SIGN_IN_PER_EMAIL + [429] * (16 - SIGN_IN_PER_EMAIL)

    address = _through_both_workers(server, "POST /login", "127.0.1", 16, one_round)
    assert redis_db.keys("*login-email*"), "the counters are not in Redis db 12"
    # Another person signs in from the same address undisturbed (the address's own limit is 20 a minute).
    person = Browser(server.port, source=address)
    form = csrf_token(person.get("/login").text)
    assert person.post("/login", {"email": limited["customers"][0], "password": PASSWORD,
                                  "csrf_token": form}).status == 302
    print(f"\nRedis-shared sign-in limit, gunicorn -w 2: attempts by worker {_by_worker(server, 'POST /login')}")


def test_guessing_survey_links_is_limited_in_total_across_workers(limited):
    """Forty guessed links at once through both workers: thirty are looked up (404), ten get 429."""
    server = limited["server"]

    def one_round(address: str) -> None:
        answers = _at_once([lambda: Browser(server.port, source=address).get(f"/s/guess-{uuid.uuid4().hex}")
                            for _ in range(40)])
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [404] * SURVEY_LINKS_PER_ADDRESS + [429] * (40 - SURVEY_LINKS_PER_ADDRESS)

    _through_both_workers(server, "GET /s/", "127.0.2", 40, one_round)
    print(f"\nRedis-shared survey-link limit, gunicorn -w 2: guesses by worker {_by_worker(server, 'GET /s/')}")


def test_api_calls_with_one_token_are_limited_in_total_across_workers(limited):
    """Thirty-five searches with one token at once through both workers: twenty-five answer, ten get 429."""
    from portal.services import create_token
    from models.db import Session
    from tests.faults.conftest import portal_app

    server = limited["server"]

    def one_round(address: str) -> None:
        with portal_app(limited["url"]):
            token = create_token(email="ops@faults.test", name=f"quota {address}")  # a fresh quota each round
            Session.commit()
        headers = {"Authorization": f"Bearer {token}"}
        answers = _at_once([lambda: Browser(server.port, source=address).request(
            "GET", "/api/v1/kb/search?q=report", headers=headers) for _ in range(35)])
        assert sorted(answer.status for answer in answers) == [200] * API_PER_TOKEN + [429] * (35 - API_PER_TOKEN)
        assert all("retry-after" in answer.headers for answer in answers if answer.status == 429)

    _through_both_workers(server, "GET /api/v1/kb/search", "127.0.3", 35, one_round)
    print(f"\nRedis-shared API limit, gunicorn -w 2: calls by worker {_by_worker(server, 'GET /api/v1/kb/search')}")


def _by_worker(server, prefix: str) -> dict:
    """{(worker number, client address): {status: count}} of the requests starting with prefix."""
    counts: dict = {}
    pids = sorted({pid for pid, _, _, _ in server.access_lines()})
    for pid, address, status, line in server.access_lines():
        if line.startswith(prefix):
            bucket = counts.setdefault(f"worker {pids.index(pid) + 1} from {address}", {})
            bucket[status] = bucket.get(status, 0) + 1
    return counts
