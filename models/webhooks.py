"""Signed webhooks out: endpoints the vendor registers and the messages queued for them."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, utcnow

WEBHOOK_EVENT_TYPES = ("nps.response", "nps.detractor", "health.band_changed", "warning.raised",
                       "assessment.submitted", "share.viewed")
DELIVERY_STATUSES = ("queued", "delivered", "failed")


class WebhookEndpoint(Base):
    """A URL of the vendor's other tools that hears about chosen events (shared, per vendor)."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    url: Mapped[str] = mapped_column(String(2000))  # http(s) URL messages are POSTed to
    secret: Mapped[str] = mapped_column(String(100))  # whsec_<base64 key>; kept to sign, shown once
    event_types: Mapped[str] = mapped_column(Text, default="")  # comma-separated event types; empty: all
    is_enabled: Mapped[bool] = mapped_column(default=True)  # disabled endpoints get nothing new
    disabled_reason: Mapped[str] = mapped_column(Text, default="")  # why it was disabled, for admins
    failing_since: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # first failure of the current run
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation


class WebhookMessage(Base):
    """One event for one endpoint: written in the transaction that caused it, delivered at least once."""

    __tablename__ = "webhook_message"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'delivered', 'failed')", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_webhook_message_status_next", "status", "next_attempt_at"),
        Index("ix_webhook_message_endpoint_created", "endpoint_id", "created_at"),
        Index("ix_webhook_message_webhook_id", "webhook_id"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)  # account concerned
    webhook_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # msg_<random>: the webhook-id header, the same on every retry
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))  # where it goes
    event_type: Mapped[str] = mapped_column(String(50))  # one of WEBHOOK_EVENT_TYPES
    body: Mapped[str] = mapped_column(Text)  # the exact JSON body signed and sent
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued, delivered, failed (endpoint off)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # delivery attempts so far
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # not tried before this
    last_status_code: Mapped[Optional[int]] = mapped_column(Integer)  # HTTP status of the last attempt
    last_error: Mapped[str] = mapped_column(Text, default="")  # what went wrong last time
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when queued
    delivered_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # first 2xx answer
