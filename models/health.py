"""Health history, early warnings, and review share links with their visits."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, account_foreign_key, account_key, utcnow

BANDS = ("red", "yellow", "green")
WARNING_KINDS = ("usage_drop", "low_utilisation", "detractor", "no_login", "band_drop", "maturity_drop")


class HealthScore(Base):
    """An account's health score on one UTC day, with the components that make it up."""

    __tablename__ = "health_score"
    __table_args__ = (
        account_key(),
        UniqueConstraint("account_id", "as_of"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        CheckConstraint("band IN ('red', 'yellow', 'green')", name="band_known"),
        Index("ix_health_score_as_of", "as_of"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # whose score
    as_of: Mapped[date] = mapped_column(Date)  # UTC day the score describes
    score: Mapped[float] = mapped_column(Float)  # 0..100, the sum of the components' contributions
    band: Mapped[str] = mapped_column(String(10))  # red, yellow or green
    components_json: Mapped[str] = mapped_column(Text, default="[]")  # [{name, weight, score, contribution, explanation}]
    arr: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))  # the account's ARR that day (for NRR)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when it was computed


class HealthWarning(Base):
    """An early warning for the CSM, raised once per episode of its condition."""

    __tablename__ = "health_warning"
    __table_args__ = (
        account_key(),
        UniqueConstraint("account_id", "kind", "episode_key"),
        CheckConstraint(
            "kind IN ('usage_drop', 'low_utilisation', 'detractor', 'no_login', 'band_drop', 'maturity_drop')",
            name="kind_known",
        ),
        Index("ix_health_warning_account_kind", "account_id", "kind"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # account it is about
    kind: Mapped[str] = mapped_column(String(30))  # which condition triggered it
    episode_key: Mapped[str] = mapped_column(String(100))  # identifies the episode so it is raised once
    figures_json: Mapped[str] = mapped_column(Text, default="{}")  # the figures that triggered it
    message: Mapped[str] = mapped_column(Text, default="")  # one sentence for the CSM
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when it was raised
    as_of: Mapped[date] = mapped_column(Date)  # UTC day of the figures
    cleared_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # condition stopped holding (episode over)
    acknowledged_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # a CSM saw it
    acknowledged_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who acknowledged
    resolved_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # a CSM dealt with it
    resolved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who resolved
    mailed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # when the mail to the CSM was queued


class ShareLink(Base):
    """A read-only review link for one account and period; only the token's hash is stored."""

    __tablename__ = "share_link"
    __table_args__ = (
        account_key(),
        # Unique per account, as Citus requires. Lookups by token alone stay valid (a query over every
        # shard) and a 256-bit random token does not collide in practice; token_hash first serves them.
        UniqueConstraint("token_hash", "account_id"),
        CheckConstraint("period_start <= period_end", name="period_ordered"),
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
        Index("ix_share_link_account_created", "account_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    token_hash: Mapped[str] = mapped_column(String(64))  # hex SHA-256 of the link token
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # account shown
    period_start: Mapped[date] = mapped_column(Date)  # first day of the reviewed period
    period_end: Mapped[date] = mapped_column(Date)  # last day of the reviewed period
    note: Mapped[str] = mapped_column(Text, default="")  # the CSM's note shown on the review
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who created it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # no longer valid after this
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # set when revoked
    snapshot_json: Mapped[str] = mapped_column(Text, default="{}")  # figures frozen at creation


class ShareVisit(Base):
    """One visit of a share link."""

    __tablename__ = "share_visit"
    __table_args__ = (
        account_key(),
        account_foreign_key("share_visit", "link_id", "share_link", ondelete="CASCADE"),
        Index("ix_share_visit_link_ts", "link_id", "ts"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    link_id: Mapped[int] = mapped_column()  # link visited (with account_id, a key of share_link)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # account shown
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when
    ip_hash: Mapped[str] = mapped_column(String(64), default="")  # keyed hash of the visitor's address
    user_agent: Mapped[str] = mapped_column(String(300), default="")  # the browser's user agent, truncated
