"""The webhooks outbox: emit() writes one message per subscribed endpoint in the caller's transaction.

Nothing is sent here: `webhooks flush` and the job queue deliver (core.webhooks.delivery). A message
rolled back with its cause never existed, and a committed one is delivered at least once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.webhooks.endpoints import subscribed
from core.webhooks.signing import new_webhook_id
from models.accounts import Account
from models.db import Session, utcnow
from models.webhooks import WEBHOOK_EVENT_TYPES, WebhookEndpoint, WebhookMessage

QUEUED_FLAG = "portal.webhooks_queued"  # session.info: this transaction queued webhook messages


@dataclass(frozen=True)
class Event:
    """Something that happened to an account that the vendor's other tools may want to hear about."""

    type: str
    account_id: int
    account_external_id: str
    data: dict
    at: datetime | None = None


def body_of(event: Event, at: datetime) -> str:
    """The JSON body: {"type", "timestamp", "data"} with data.account the account's external id."""
    data = {"account": event.account_external_id, **event.data}
    return json.dumps({"type": event.type, "timestamp": at.isoformat().replace("+00:00", "Z"), "data": data},
                      separators=(",", ":"), default=str)


def listening(event_type: str) -> bool:
    """Does any enabled endpoint hear about this type? (Lets a caller skip preparing events nobody wants.)"""
    endpoints = Session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.is_enabled.is_(True))).all()
    return any(subscribed(endpoint, event_type) for endpoint in endpoints)


def emit_all(events: list[Event]) -> int:
    """Queue each event for every enabled endpoint that chose its type (flushes); how many messages were queued."""
    if not events:
        return 0
    unknown = {event.type for event in events} - set(WEBHOOK_EVENT_TYPES)
    if unknown:
        raise ValueError(f"Unknown webhook event type(s): {', '.join(sorted(unknown))}.")
    endpoints = Session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.is_enabled.is_(True))).all()
    if not endpoints:
        return 0
    now = utcnow()
    rows = []
    for event in events:
        body = body_of(event, event.at or now)
        for endpoint in endpoints:
            if subscribed(endpoint, event.type):
                rows.append({"account_id": event.account_id, "webhook_id": new_webhook_id(),
                             "endpoint_id": endpoint.id, "event_type": event.type, "body": body,
                             "status": "queued", "attempts": 0, "next_attempt_at": now, "last_error": "",
                             "created_at": now})
    if rows:
        Session.execute(WebhookMessage.__table__.insert(), rows)
        Session.info[QUEUED_FLAG] = True
    return len(rows)


def emit(event_type: str, account_id: int, account_external_id: str, **data) -> int:
    """Queue one event (see emit_all)."""
    return emit_all([Event(event_type, account_id, account_external_id, data)])


def send_again(message: WebhookMessage, now: datetime | None = None) -> None:
    """Queue a message for delivery at the next flush, with its webhook-id and body unchanged."""
    message.status = "queued"
    message.next_attempt_at = now or utcnow()
    Session.info[QUEUED_FLAG] = True
    Session.flush()


def recent_messages(limit: int = 100) -> list[tuple[WebhookMessage, str, str]]:
    """The newest messages of every endpoint with their account's external id and endpoint URL (the delivery log)."""
    rows = Session.execute(
        select(WebhookMessage, Account.external_id, WebhookEndpoint.url)
        .join(Account, Account.id == WebhookMessage.account_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookMessage.endpoint_id)
        .order_by(WebhookMessage.created_at.desc()).limit(limit))
    return [tuple(row) for row in rows]


def message_by_id(webhook_id: str) -> WebhookMessage | None:
    """The message with this webhook-id, if any."""
    return Session.scalar(select(WebhookMessage).where(WebhookMessage.webhook_id == webhook_id))
