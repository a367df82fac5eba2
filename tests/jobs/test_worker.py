"""With REDIS_URL set, event batches queue one health recompute and `flask --app wsgi worker --burst` runs it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from models.db import Session
from models.health import HealthScore
from portal.jobs import PENDING_PREFIX
from tests.health.helpers import add_usage
from tests.jobs.conftest import REDIS_URL

BATCHES = 100


@pytest.fixture
def app_config(app_config, redis_db):
    """The app queues its jobs on Redis db 11."""
    return {**app_config, "REDIS_URL": REDIS_URL}


def _event(n: int, account: str = "ALPHA") -> dict:
    ts = datetime.now(timezone.utc) - timedelta(minutes=5)
    return {"id": f"burst-{n}", "account": account, "user": f"person-{n % 7}", "type": "feature_used",
            "feature": "reports", "ts": ts.isoformat()}


def test_burst_of_event_batches_queues_one_recompute_that_the_worker_stores(app, world, api, queue, redis_db,
                                                                             run_worker):
    """A hundred batches queue one recompute; the worker then stores today's health of the account (which has
    used the product for a month, so it is past onboarding and scored)."""
    with app.app_context():
        add_usage(world["account_a"], [world["customer_a"]], [datetime.now(timezone.utc).date() - timedelta(days=30)])
    admin = api(world["admin"])
    for n in range(BATCHES):
        response = admin.post("/api/v1/events", json={"events": [_event(n)]})
        assert response.get_json() == {"accepted": 1, "duplicates": 0}
    assert [job.func_name for job in queue.jobs] == ["portal.jobs.recompute_health_job"]
    # A batch of duplicates changes nothing, so it queues nothing either.
    assert admin.post("/api/v1/events", json={"events": [_event(0)]}).get_json()["accepted"] == 0

    run_worker()

    with app.app_context():
        stored = Session.scalars(select(HealthScore).where(HealthScore.account_id == world["account_a"].id)).all()
        Session.remove()
    assert [row.as_of for row in stored] == [datetime.now(timezone.utc).date()]
    assert 0 <= stored[0].score <= 100
    assert queue.count == 0 and not redis_db.keys(f"{PENDING_PREFIX}*")
    # That recompute has run, so new usage queues the next one.
    assert admin.post("/api/v1/events", json={"events": [_event(BATCHES)]}).status_code == 200
    assert queue.count == 1


def test_events_import_queues_a_recompute(app, world, queue, tmp_path):
    """A CSV import with new events queues a recompute, like the API does."""
    path = tmp_path / "usage.csv"
    event = _event(1)
    path.write_text("id,account,user,type,feature,ts\n"
                    f"{event['id']},ALPHA,{event['user']},feature_used,reports,{event['ts']}\n")
    result = app.test_cli_runner().invoke(args=["events", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert [job.func_name for job in queue.jobs] == ["portal.jobs.recompute_health_job"]
