"""With REDIS_URL set, requests queue jobs and `flask --app wsgi worker --burst` runs them."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from models.db import Session
from models.health import HealthScore
from models.mail import OutboxMessage
from portal.jobs import PENDING_PREFIX
from tests.jobs.conftest import REDIS_URL
from tests.mail.smtp import smtp_server  # noqa: F401  (fixture)

BATCHES = 100


@pytest.fixture
def app_config(app_config, redis_db):
    """The app queues its jobs on Redis db 11."""
    return {**app_config, "REDIS_URL": REDIS_URL}


def _event(n: int, account: str = "ALPHA") -> dict:
    ts = datetime.now(timezone.utc) - timedelta(minutes=5)
    return {"id": f"burst-{n}", "account": account, "user": f"person-{n % 7}", "type": "feature_used",
            "feature": "reports", "ts": ts.isoformat()}


def _delivered(server, count: int, deadline_seconds: float = 10.0) -> list:
    """The messages the SMTP server holds once it has at least `count` (or the deadline passed)."""
    deadline = time.monotonic() + deadline_seconds
    while len(server.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return list(server.messages)


def _mail_env(server) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(server.port), "MAIL_DEFAULT_SENDER": "portal@portal.test"}


def test_burst_of_event_batches_queues_one_recompute_that_the_worker_stores(app, world, api, queue, redis_db,
                                                                             run_worker):
    """A hundred batches queue one recompute; the worker then stores today's health of the account."""
    admin = api(world["admin"])
    for n in range(BATCHES):
        response = admin.post("/api/v1/events", json={"events": [_event(n)]})
        assert response.get_json() == {"accepted": 1, "duplicates": 0}
    assert queue.count == 1
    assert [job.func_name for job in queue.jobs] == ["portal.jobs.recompute_health_job"]
    # A batch of duplicates only changes nothing, so it queues nothing either.
    assert admin.post("/api/v1/events", json={"events": [_event(0)]}).get_json()["accepted"] == 0

    run_worker()

    with app.app_context():
        stored = Session.scalars(select(HealthScore).where(HealthScore.account_id == world["account_a"].id)).all()
        Session.remove()
    assert [row.as_of for row in stored] == [datetime.now(timezone.utc).date()]
    assert 0 <= stored[0].score <= 100
    assert queue.count == 0 and not redis_db.keys(f"{PENDING_PREFIX}*")
    # The recompute has started and finished, so new usage queues the next one.
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


def test_mail_queued_by_requests_arrives_once_after_the_worker_runs(app, client, world, queue, run_worker,
                                                                    smtp_server):  # noqa: F811
    """Two reset requests queue one flush; the worker delivers each mail once, and running again sends nothing."""
    for user in (world["customer_a"], world["csm_a"]):
        assert client.post("/forgot-password", data={"email": user.email}).status_code == 302
    assert [job.func_name for job in queue.jobs] == ["portal.jobs.flush_mail_job"]
    assert smtp_server.messages == []  # the request itself sends nothing

    run_worker(**_mail_env(smtp_server))
    received = _delivered(smtp_server, 2)
    assert sorted(message["To"] for message in received) == sorted([world["customer_a"].email, world["csm_a"].email])
    assert all("Set a new password" in message["Subject"] for message in received)

    # A second flush (a cron line, or a job queued again) finds nothing left to send.
    with app.app_context():
        from portal.jobs import enqueue

        assert enqueue("mail.flush") is True
        statuses = Session.scalars(select(OutboxMessage.status)).all()
        Session.remove()
    assert statuses == ["sent", "sent"]
    run_worker(**_mail_env(smtp_server))
    assert len(_delivered(smtp_server, 3, deadline_seconds=1.0)) == 2


def test_a_request_that_queues_no_mail_queues_no_flush(client, world, queue):
    """A reset request for an unknown address stores no mail, so no flush is queued."""
    assert client.post("/forgot-password", data={"email": "nobody@example.test"}).status_code == 302
    assert queue.count == 0


def test_survey_send_job_delivers_the_invitations(app, world, queue, run_worker, smtp_server):  # noqa: F811
    """The surveys.send job does what `surveys send` does: every customer is invited, by mail."""
    with app.app_context():
        from portal.jobs import enqueue

        assert enqueue("surveys.send") is True
        assert enqueue("surveys.send") is False  # one already waits
        assert enqueue("surveys.send", account="ALPHA") is True  # another job: other arguments
    run_worker(**_mail_env(smtp_server))
    received = _delivered(smtp_server, 2)
    assert sorted(message["To"] for message in received) == sorted(
        [world["customer_a"].email, world["customer_b"].email])
