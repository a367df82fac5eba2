"""The Segment-compatible source: event-name mappings, group memberships, parked messages, the debugger log."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, utcnow

LOG_OUTCOMES = ("stored", "duplicate", "parked", "placed", "updated", "skipped")


class SegmentMapping(Base):
    """An admin's choice: a Segment track event name counts as this feature (shared, per vendor)."""

    __tablename__ = "segment_source_mapping"

    event_name: Mapped[str] = mapped_column(String(200), primary_key=True)  # the track call's event, as sent
    feature: Mapped[str] = mapped_column(String(200))  # feature key it is stored as (usually a key feature)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation


class SegmentGroup(Base):
    """A Segment user's `group` call: this user belongs to this account, as of the call's timestamp."""

    __tablename__ = "segment_source_group"
    __table_args__ = (Index("ix_segment_source_group_user_key", "user_key"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)  # the group
    user_key: Mapped[str] = mapped_column(String(200), primary_key=True)  # Segment userId (else anonymousId)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # latest group call's corrected timestamp


class SegmentParked(Base):
    """A message whose user has no account yet; placed when that user's `group` call arrives (shared inbox)."""

    __tablename__ = "segment_source_parked"
    __table_args__ = (Index("ix_segment_source_parked_user_key", "user_key"),)

    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)  # Segment messageId (idempotency key)
    user_key: Mapped[str] = mapped_column(String(200))  # Segment userId (else anonymousId)
    payload_json: Mapped[str] = mapped_column(Text)  # the message with its corrected timestamp, as JSON
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when it arrived


class SegmentLog(Base):
    """One line of the live debugger: a recent message and what became of it (only the last 100 are kept)."""

    __tablename__ = "segment_source_log"
    __table_args__ = (
        CheckConstraint("outcome IN ('stored', 'duplicate', 'parked', 'placed', 'updated', 'skipped')",
                        name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # database key (newest is highest)
    message_id: Mapped[str] = mapped_column(String(200))  # Segment messageId
    call: Mapped[str] = mapped_column(String(20))  # track, identify, group, page, screen, alias
    event: Mapped[str] = mapped_column(String(200), default="")  # track event or page name
    user_key: Mapped[str] = mapped_column(String(200), default="")  # userId, else anonymousId
    account_external_id: Mapped[Optional[str]] = mapped_column(String(100))  # account it was placed in
    outcome: Mapped[str] = mapped_column(String(20))  # stored, duplicate, parked, placed, updated, skipped
    mapped_as: Mapped[str] = mapped_column(String(300), default="")  # e.g. "feature_used: export_pdf"
    reason: Mapped[str] = mapped_column(Text, default="")  # a sentence: why it waits or was skipped
    ts: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # corrected event time
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when it arrived
