"""Delivering queued webhook messages: signed POSTs with a short timeout, exponential back-off, a day's grace.

Each message is claimed in a short transaction that pushes its next attempt a lease ahead (so two
flushes never send it at once and no lock is held while the endpoint answers), then posted, then
its result recorded. Any answer but 2xx is a failure: the message is retried 1, 2, 4, ... minutes
later, with the same webhook-id and body. An endpoint that fails stops receiving for the rest of
the flush, so a hanging one costs one timeout per flush. An endpoint that has failed without a
single success for a day is disabled and `on_disabled(endpoint)` is called (the portal warns admins).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import urllib3
from sqlalchemy import func, select, update

from core.webhooks.signing import headers
from models.db import Session, is_postgres, utcnow
from models.webhooks import WebhookEndpoint, WebhookMessage

CONNECT_TIMEOUT_SECONDS = 3.0
TOTAL_TIMEOUT_SECONDS = 5.0  # a hanging endpoint costs at most this per flush
LEASE = timedelta(minutes=2)  # a claimed message is not claimed again before this (a crashed flush retries it)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=2)
GRACE = timedelta(days=1)  # failing this long without a success disables the endpoint
MAX_ANSWER_BYTES = 1024  # what is read of an endpoint's answer

_pool = urllib3.PoolManager(retries=False, maxsize=4)


@dataclass
class FlushReport:
    """What one flush did."""

    delivered: int = 0
    failed: int = 0
    disabled: int = 0  # endpoints disabled after a day of failures
    remaining: int = 0  # messages still queued (due now or later)

    def summary(self) -> str:
        """One line for people."""
        line = f"{self.delivered} delivered, {self.failed} failed, {self.remaining} still queued."
        if self.disabled:
            line += f" {self.disabled} endpoint(s) disabled after a day of failures."
        return line


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the n-th failed attempt: 1, 2, 4, ... minutes, at most 2 hours."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_RETRY)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def _claim(now: datetime, skip: set[int]) -> tuple[WebhookMessage, WebhookEndpoint] | None:
    """The next due message of an enabled endpoint, leased to this flush (committed)."""
    query = (select(WebhookMessage)
             .join(WebhookEndpoint, WebhookEndpoint.id == WebhookMessage.endpoint_id)
             .where(WebhookMessage.status == "queued", WebhookMessage.next_attempt_at <= now,
                    WebhookEndpoint.is_enabled.is_(True))
             .order_by(WebhookMessage.next_attempt_at, WebhookMessage.created_at).limit(1))
    if skip:
        query = query.where(WebhookMessage.endpoint_id.not_in(skip))
    if is_postgres(Session):
        query = query.with_for_update(of=WebhookMessage, skip_locked=True)
    message = Session.scalars(query).first()
    if message is None:
        Session.commit()
        return None
    message.next_attempt_at = now + LEASE
    endpoint = Session.get(WebhookEndpoint, message.endpoint_id)
    Session.commit()
    return message, endpoint


def post(url: str, secret: str, webhook_id: str, body: str) -> tuple[int | None, str]:
    """POST one signed message; (HTTP status or None, error sentence or "")."""
    try:
        response = _pool.request("POST", url, body=body.encode("utf-8"),
                                 headers=headers(secret, webhook_id, int(time.time()), body),
                                 timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT_SECONDS,
                                                         total=TOTAL_TIMEOUT_SECONDS),
                                 redirect=False, preload_content=False)
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
        return None, f"The endpoint could not be reached: {type(exc).__name__}: {str(exc)[:300]}"
    try:
        response.read(MAX_ANSWER_BYTES)
    except (urllib3.exceptions.HTTPError, OSError):
        pass  # the status is what counts
    finally:
        response.release_conn()
    if 200 <= response.status < 300:
        return response.status, ""
    return response.status, f"The endpoint answered {response.status}; only 2xx counts as delivered."


def _record(message: WebhookMessage, endpoint: WebhookEndpoint, status: int | None, error: str,
            now: datetime) -> bool:
    """Store one attempt's result (committed); True when the endpoint was disabled by it."""
    message.attempts += 1
    message.last_status_code = status
    message.last_error = error
    disabled = False
    if not error:
        message.status = "delivered"
        message.delivered_at = now
        endpoint.failing_since = None
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
        endpoint.failing_since = _aware(endpoint.failing_since) or now
        if now - endpoint.failing_since >= GRACE and endpoint.is_enabled:
            endpoint.is_enabled = False
            endpoint.disabled_reason = (f"Disabled on {now:%Y-%m-%d %H:%M} UTC after a day of failed deliveries; "
                                        f"the last: {error}")
            Session.execute(update(WebhookMessage).where(WebhookMessage.endpoint_id == endpoint.id,
                                                         WebhookMessage.status == "queued")
                            .values(status="failed"))
            disabled = True
    Session.commit()
    return disabled


def flush_webhooks(now: datetime | None = None, limit: int | None = None,
                   on_disabled: Callable[[WebhookEndpoint], None] | None = None) -> FlushReport:
    """Deliver every due message (at most limit); commits after each attempt."""
    now = now or utcnow()
    report = FlushReport()
    failed_endpoints: set[int] = set()
    while limit is None or report.delivered + report.failed < limit:
        claimed = _claim(now, failed_endpoints)
        if claimed is None:
            break
        message, endpoint = claimed
        status, error = post(endpoint.url, endpoint.secret, message.webhook_id, message.body)
        if error:
            report.failed += 1
            failed_endpoints.add(endpoint.id)
        else:
            report.delivered += 1
        if _record(message, endpoint, status, error, now):
            report.disabled += 1
            if on_disabled is not None:
                on_disabled(Session.get(WebhookEndpoint, endpoint.id))
                Session.commit()
    report.remaining = Session.scalar(select(func.count()).select_from(WebhookMessage)
                                      .where(WebhookMessage.status == "queued")) or 0
    Session.commit()
    return report
