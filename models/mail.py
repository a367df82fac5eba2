"""The mail outbox: every message is stored here first and delivered later by `mail flush`."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, utcnow

MAIL_STATUSES = ("queued", "sent", "failed")


class OutboxMessage(Base):
    """One e-mail to deliver: queued in the transaction that caused it, sent at most once."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        Index("ix_outbox_message_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    message_id: Mapped[str] = mapped_column(String(255), unique=True)  # RFC 5322 Message-ID, fixed at queueing
    to_address: Mapped[str] = mapped_column(String(254))  # recipient e-mail
    subject: Mapped[str] = mapped_column(String(300))  # subject line
    body_text: Mapped[str] = mapped_column(Text)  # plain-text part
    body_html: Mapped[str] = mapped_column(Text)  # HTML part (rendered with autoescape)
    headers_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")  # extra headers as a JSON object (List-Unsubscribe, Reply-To, ...)
    kind: Mapped[str] = mapped_column(String(50), default="", index=True)  # what caused it, e.g. nps_invitation
    account_id: Mapped[Optional[int]] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)  # account it concerns
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued, sent, or failed (gave up)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # delivery attempts so far
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # not tried before this
    last_error: Mapped[str] = mapped_column(Text, default="")  # error of the last failed attempt
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when queued
    sent_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # when the server accepted it


class OutboxAttempt(Base):
    """One delivery attempt of an outbox message and its outcome."""

    __tablename__ = "outbox_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)  # which message
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when tried
    ok: Mapped[bool] = mapped_column(default=False)  # accepted by the mail server
    error: Mapped[str] = mapped_column(Text, default="")  # the server's or the network's error
