"""With REDIS_URL, a chart one worker built is served to the others from Redis; without Redis, each builds its own."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from tests.conftest import redis_or_skip

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_db():
    """Redis db 13, emptied around the test; skipped without Redis, failed under CI=true."""
    connection = redis_or_skip(REDIS_URL)
    yield connection
    connection.flushdb()


@pytest.fixture
def two_workers(app_config, database_url):
    """Two apps on the same database, as two gunicorn workers are: make(**config) -> a signed-in client factory."""
    from models.db import dispose_engine
    from portal import create_app

    made = []

    def make(**config):
        application = create_app({"DATABASE_URL": database_url, **app_config, **config})
        made.append(application)
        return application

    yield make
    for application in made:
        dispose_engine(application.extensions["db_engine"])


def _usage(api) -> None:
    today = date.today()
    events = [{"id": f"shared-{n}", "account": "ALPHA", "user": f"person-{n % 3}@alpha.test", "type": "login",
               "ts": datetime.combine(today - timedelta(days=1 + n % 10), time(9), tzinfo=timezone.utc).isoformat()}
              for n in range(30)]
    assert api.post("/api/v1/events", json={"events": events}).status_code == 200


def _count_builds(monkeypatch) -> list:
    from analytics.usage import charts

    built = []
    original = charts.activity_columns
    monkeypatch.setattr(charts, "activity_columns", lambda *a, **k: built.append(1) or original(*a, **k))
    return built


def test_a_chart_built_by_one_worker_is_served_to_the_other_from_redis(two_workers, world, api, redis_db,
                                                                        monkeypatch):
    from tests.conftest import sign_in

    _usage(api(world["admin"]))
    built = _count_builds(monkeypatch)
    answers = []
    for _ in range(2):
        client = two_workers(REDIS_URL=REDIS_URL).test_client()
        sign_in(client, world["customer_a"])
        answers.append(client.get("/accounts/ALPHA/charts/activity.json").get_data(as_text=True))
    assert len(built) == 1  # the second worker took the first one's chart
    assert answers[0] == answers[1] and '"doc"' in answers[0]
    assert redis_db.keys("portal:chart:*")


def test_without_redis_or_with_redis_down_each_worker_builds_its_own(two_workers, world, api, monkeypatch):
    from tests.conftest import sign_in
    from tests.mail.smtp import free_port

    _usage(api(world["admin"]))
    built = _count_builds(monkeypatch)
    for config in ({}, {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/13"}):
        client = two_workers(**config).test_client()
        sign_in(client, world["customer_a"])
        assert client.get("/accounts/ALPHA/charts/activity.json").status_code == 200
    assert len(built) == 2
