"""With REDIS_URL set, committed mail queues one flush job and the worker delivers it to a real SMTP server."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from models.db import Session
from models.mail import OutboxMessage
from portal.jobs import enqueue
from tests.jobs.conftest import REDIS_URL
from tests.mail.smtp import smtp_config, smtp_server  # noqa: F401  (fixture)


@pytest.fixture
def app_config(app_config, redis_db, smtp_server):  # noqa: F811
    """Jobs on Redis db 11; mail to the loopback SMTP server."""
    return {**smtp_config(app_config, smtp_server), "REDIS_URL": REDIS_URL}


def _delivered(server, count: int, deadline_seconds: float = 10.0) -> list:
    """The messages the SMTP server holds once it has at least `count` (or the deadline passed)."""
    deadline = time.monotonic() + deadline_seconds
    while len(server.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return list(server.messages)


def test_mail_queued_by_requests_arrives_once_after_the_worker_runs(app, client, world, queue, run_worker,
                                                                    work_in_process, smtp_server):  # noqa: F811
    """Two reset requests queue one flush; the worker delivers each mail once, and running again sends nothing."""
    for user in (world["customer_a"], world["csm_a"]):
        assert client.post("/forgot-password", data={"email": user.email}).status_code == 302
    assert [job.func_name for job in queue.jobs] == ["portal.jobs.flush_mail_job"]
    assert smtp_server.messages == []  # the request itself sends nothing

    run_worker(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server.port), MAIL_DEFAULT_SENDER="portal@portal.test")
    received = _delivered(smtp_server, 2)
    assert sorted(message["To"] for message in received) == sorted([world["customer_a"].email, world["csm_a"].email])
    assert all("Set a new password" in message["Subject"] for message in received)

    # A second flush (a job queued again, or the cron line) finds nothing left to send.
    with app.app_context():
        assert enqueue("mail.flush") is True
        assert Session.scalars(select(OutboxMessage.status)).all() == ["sent", "sent"]
        Session.remove()
    work_in_process()
    assert queue.count == 0
    assert len(_delivered(smtp_server, 3, deadline_seconds=1.0)) == 2


def test_a_request_that_queues_no_mail_queues_no_flush(client, world, queue):
    """A reset request for an unknown address stores no mail, so no flush is queued."""
    assert client.post("/forgot-password", data={"email": "nobody@example.test"}).status_code == 302
    assert queue.count == 0


def test_survey_send_job_delivers_the_invitations(app, world, queue, work_in_process, smtp_server):  # noqa: F811
    """The surveys.send job does what `surveys send` does: every customer of every active account is invited."""
    with app.app_context():
        assert enqueue("surveys.send") is True
        assert enqueue("surveys.send") is False  # one already waits
        assert enqueue("surveys.send", account="ALPHA") is True  # other arguments, another job
    assert queue.count == 2
    work_in_process()
    received = _delivered(smtp_server, 2)
    assert sorted(message["To"] for message in received) == sorted(
        [world["customer_a"].email, world["customer_b"].email])
    assert queue.count == 0


def test_a_new_campaign_is_sent_by_the_worker_without_waiting_for_cron(app, client, world, queue, work_in_process,
                                                                      smtp_server):  # noqa: F811
    """Saving a campaign queues the surveys.send job; the worker then mails its audience."""
    from tests.conftest import sign_in

    sign_in(client, world["csm_a"])
    saved = client.post("/surveys/campaigns", data={"name": "Alpha pulse", "audience": "accounts",
                                                    "accounts": [str(world["account_a"].id)]}, follow_redirects=True)
    assert "its invitations are being sent now" in saved.get_data(as_text=True)
    assert [job.func_name for job in queue.jobs] == ["portal.jobs.send_surveys_job"]
    work_in_process()
    assert [message["To"] for message in _delivered(smtp_server, 1)] == [world["customer_a"].email]
