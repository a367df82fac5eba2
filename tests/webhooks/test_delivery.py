"""Signed webhooks: written with their cause, delivered and verified with `standardwebhooks`, retried, disabled."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.webhooks.endpoints import add_endpoint
from core.webhooks.outbox import emit
from models.db import Session, utcnow
from models.mail import OutboxMessage
from models.webhooks import WebhookEndpoint, WebhookMessage
from portal.webhooks.services import flush


def _register(app, receiver, events=None) -> int:
    with app.app_context():
        endpoint = add_endpoint(receiver.url, events, app.config["PORTAL_BASE_URL"])
        Session.commit()
        receiver.secret = endpoint.secret
        return endpoint.id


def _flush(app, now=None):
    with app.app_context():
        report = flush(now=now)
        Session.commit()
        return report


def _answer(api, world, n: int, score: int):
    body = {"responses": [{"id": f"r{n}", "account": "ALPHA", "respondent": f"p{n}@alpha.test", "score": score,
                           "comment": "Too slow" if score < 7 else "", "ts": "2026-03-10T12:00:00+00:00"}]}
    response = api(world["admin"]).post("/api/v1/survey-responses", json=body)
    assert response.status_code == 200, response.get_json()


def test_api_answers_raise_signed_events_that_verify(app, world, api, receiver):
    """A promoter gives nps.response; a detractor gives nps.response and nps.detractor; all verify."""
    _register(app, receiver)
    _answer(api, world, 1, 10)
    _answer(api, world, 2, 3)
    report = _flush(app)
    assert (report.delivered, report.failed, report.remaining) == (3, 0, 0)
    assert receiver.unverified == []
    assert sorted(receiver.types()) == ["nps.detractor", "nps.response", "nps.response"]
    detractor = next(m["body"] for m in receiver.verified if m["body"]["type"] == "nps.detractor")
    assert set(detractor) == {"type", "timestamp", "data"}
    assert detractor["data"]["account"] == "ALPHA"
    assert (detractor["data"]["score"], detractor["data"]["respondent"]) == (3, "p2@alpha.test")
    assert _flush(app).delivered == 0  # delivered once, not again


def test_endpoint_hears_only_the_types_it_chose(app, world, api, receiver):
    _register(app, receiver, "nps.detractor")
    _answer(api, world, 1, 10)
    _answer(api, world, 2, 0)
    _flush(app)
    assert receiver.types() == ["nps.detractor"]


def test_a_failed_delivery_is_retried_within_a_minute_with_the_same_webhook_id(app, world, receiver):
    _register(app, receiver)
    receiver.answers = [500]
    with app.app_context():
        emit("share.viewed", world["account_a"].id, "ALPHA", link_id=1)
        Session.commit()
    first = _flush(app)
    assert (first.delivered, first.failed) == (0, 1)
    with app.app_context():
        message = Session.scalar(select(WebhookMessage))
        assert message.status == "queued" and message.last_status_code == 500
        assert message.next_attempt_at.replace(tzinfo=None) <= (utcnow() + timedelta(minutes=1)).replace(tzinfo=None)
        Session.rollback()
    assert _flush(app).delivered == 0  # not before its back-off
    second = _flush(app, now=utcnow() + timedelta(seconds=61))
    assert second.delivered == 1
    assert len(receiver.verified) == 2
    assert receiver.verified[0]["id"] == receiver.verified[1]["id"]


def test_a_hanging_endpoint_costs_one_short_timeout_per_flush(app, world, receiver):
    _register(app, receiver)
    receiver.hang_seconds = 30
    with app.app_context():
        for n in range(3):
            emit("share.viewed", world["account_a"].id, "ALPHA", link_id=n)
        Session.commit()
    started = time.monotonic()
    report = _flush(app)
    elapsed = time.monotonic() - started
    assert (report.delivered, report.failed, report.remaining) == (0, 1, 3)
    assert elapsed < 8


def test_a_day_of_failures_disables_the_endpoint_and_warns_admins(app, world, receiver):
    endpoint_id = _register(app, receiver)
    receiver.answers = [503] * 10
    with app.app_context():
        emit("warning.raised", world["account_a"].id, "ALPHA", kind="no_login")
        Session.commit()
    _flush(app)
    assert _flush(app, now=utcnow() + timedelta(hours=12)).disabled == 0
    report = _flush(app, now=utcnow() + timedelta(hours=25))
    assert report.disabled == 1
    with app.app_context():
        endpoint = Session.get(WebhookEndpoint, endpoint_id)
        assert not endpoint.is_enabled and "a day of failed deliveries" in endpoint.disabled_reason
        warned = Session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "webhook_disabled")).all()
        assert warned == [world["admin"].email]
        assert Session.scalar(select(WebhookMessage.status)) == "failed"
        Session.rollback()
    emitted_after = receiver.verified[:]
    with app.app_context():
        emit("warning.raised", world["account_a"].id, "ALPHA", kind="no_login")  # a disabled endpoint gets nothing new
        Session.commit()
        assert Session.scalar(select(func.count()).select_from(WebhookMessage)) == 1
        Session.rollback()
    assert receiver.verified == emitted_after


def test_a_message_rolled_back_with_its_cause_is_never_sent(app, world, receiver):
    _register(app, receiver)
    with app.app_context():
        emit("share.viewed", world["account_a"].id, "ALPHA", link_id=1)
        Session.rollback()
        assert Session.scalar(select(func.count()).select_from(WebhookMessage)) == 0
        Session.rollback()
    assert _flush(app).delivered == 0
