"""Without REDIS_URL, or with Redis down, requests work as before and the cron lines do the work."""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from models.db import Session
from models.mail import OutboxMessage
from tests.jobs.conftest import run_cli
from tests.mail.smtp import free_port

CLOSED_PORT_URL = f"redis://127.0.0.1:{free_port()}/11"


@pytest.fixture
def app_config(app_config, request):
    """The default test config, plus what a test passes with indirect parametrisation."""
    return {**app_config, **getattr(request, "param", {})}


def _usage_and_reset_mail(client, api, world) -> tuple:
    """Post a batch of events and ask for a reset mail; the two requests that would queue jobs."""
    ts = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat()
    events = api(world["admin"]).post("/api/v1/events", json={"events": [
        {"id": "e-1", "account": "ALPHA", "user": "u-1", "type": "login", "ts": ts}]})
    reset = client.post("/forgot-password", data={"email": world["customer_a"].email})
    return events, reset


def _queued_mail(app) -> list[str]:
    with app.app_context():
        addresses = Session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.status == "queued")).all()
        Session.remove()
    return addresses


@pytest.mark.parametrize("app_config", [{"REDIS_URL": None}], indirect=True)
def test_without_redis_url_nothing_is_queued_and_requests_work(app, client, api, world, redis_db):
    """No REDIS_URL: events are stored, the reset mail waits in the outbox for `mail flush`, Redis stays untouched."""
    events, reset = _usage_and_reset_mail(client, api, world)
    assert events.get_json() == {"accepted": 1, "duplicates": 0}
    assert reset.status_code == 302
    assert _queued_mail(app) == [world["customer_a"].email]
    assert redis_db.keys("*") == []
    with app.app_context():
        from portal.jobs import enqueue

        assert enqueue("health.recompute") is False


@pytest.mark.parametrize("app_config", [{"REDIS_URL": CLOSED_PORT_URL}], indirect=True)
def test_redis_down_does_not_break_the_request(app, client, api, world, caplog):
    """Redis unreachable: both requests still succeed quickly, the mail is kept, and the failure is logged."""
    caplog.set_level(logging.WARNING)
    started = time.monotonic()
    events, reset = _usage_and_reset_mail(client, api, world)
    assert time.monotonic() - started < 10
    assert events.get_json() == {"accepted": 1, "duplicates": 0}
    assert reset.status_code == 302
    assert _queued_mail(app) == [world["customer_a"].email]
    logged = [record.getMessage() for record in caplog.records]
    assert any("Could not queue the health.recompute job" in line for line in logged), logged
    assert any("Could not queue the mail.flush job" in line for line in logged), logged


def test_worker_without_redis_url_exits_1_with_one_line(tmp_path):
    """`flask --app wsgi worker` without REDIS_URL says what to set, on one line, and exits 1."""
    result = run_cli("worker", "--burst", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}"})
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("Error: REDIS_URL is not set;")


@pytest.mark.parametrize("app_config", [{"REDIS_URL": "redis://127.0.0.1:notaport/11"}], indirect=True)
def test_a_redis_url_that_cannot_be_read_does_not_break_the_request(app, client, api, world, caplog):
    """A mistyped REDIS_URL is logged like Redis being down; the request succeeds and the mail waits for cron."""
    caplog.set_level(logging.WARNING)
    events, reset = _usage_and_reset_mail(client, api, world)
    assert events.get_json() == {"accepted": 1, "duplicates": 0} and reset.status_code == 302
    assert _queued_mail(app) == [world["customer_a"].email]
    assert any("Could not queue the mail.flush job" in r.getMessage() for r in caplog.records)
