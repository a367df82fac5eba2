"""With REDIS_URL set, a committed webhook message queues one `webhooks.flush` job that delivers it, signed."""
from __future__ import annotations

import pytest

from core.webhooks.endpoints import add_endpoint
from models.db import Session
from tests.jobs.conftest import REDIS_URL
from tests.webhooks.conftest import receiver  # noqa: F401 - fixture


@pytest.fixture
def app_config(app_config, redis_db):
    """Jobs on Redis db 11."""
    return {**app_config, "REDIS_URL": REDIS_URL}


def test_an_api_answer_queues_one_flush_job_that_delivers_it(app, client, world, api, queue,
                                                             work_in_process, receiver):  # noqa: F811
    with app.app_context():
        receiver.secret = add_endpoint(receiver.url, None, app.config["PORTAL_BASE_URL"]).secret
        Session.commit()
    body = {"responses": [{"id": f"r{n}", "account": "ALPHA", "respondent": f"p{n}@alpha.test", "score": 9,
                           "ts": "2026-03-10T12:00:00+00:00"} for n in range(2)]}
    for _ in range(2):  # the second batch is all duplicates: no new message, no second job
        assert api(world["admin"]).post("/api/v1/survey-responses", json=body).status_code == 200
    assert [job.func_name for job in queue.jobs] == ["portal.jobs.flush_webhooks_job"]
    assert receiver.verified == []  # the request itself sends nothing
    work_in_process()
    assert receiver.types() == ["nps.response", "nps.response"] and receiver.unverified == []
