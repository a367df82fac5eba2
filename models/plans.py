"""The success plan: per account, metrics with a baseline, a target and readings over time."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.accounts import User
from models.db import Base, account_foreign_key, account_key, utcnow

SOURCES = ("usage", "reported")
DIRECTIONS = ("higher", "lower")
USAGE_MEASURES = ("weekly_active_users", "reports_run_per_week", "logins_per_week", "seat_utilisation_pct")


class PlanMetric(Base):
    """One success-plan metric of an account: where it is now against where it should go."""

    __tablename__ = "plan_metric"
    __table_args__ = (
        account_key(),
        CheckConstraint("source IN ('usage', 'reported')", name="source_known"),
        CheckConstraint(
            "(source = 'usage' AND usage_measure IN "
            "('weekly_active_users', 'reports_run_per_week', 'logins_per_week', 'seat_utilisation_pct')) "
            "OR (source = 'reported' AND usage_measure IS NULL)",
            name="measure_matches_source",
        ),
        CheckConstraint("direction IN ('higher', 'lower')", name="direction_known"),
        CheckConstraint("target_value <> baseline_value", name="target_differs_from_baseline"),
        CheckConstraint(
            "(direction = 'higher' AND target_value > baseline_value) "
            "OR (direction = 'lower' AND target_value < baseline_value)",
            name="target_in_direction",
        ),
        CheckConstraint("target_date > baseline_date", name="target_after_baseline"),
        Index("ix_plan_metric_account_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # whose plan
    name: Mapped[str] = mapped_column(String(200))  # what is measured, in the customer's words
    unit: Mapped[str] = mapped_column(String(40), default="")  # unit shown after every value (users, %, days)
    source: Mapped[str] = mapped_column(String(20))  # usage (read from rollups) or reported (entered)
    usage_measure: Mapped[Optional[str]] = mapped_column(String(40))  # rollup measure for usage metrics
    direction: Mapped[str] = mapped_column(String(10), default="higher")  # higher or lower is better
    baseline_value: Mapped[float] = mapped_column(Float)  # value on the baseline date (day one)
    baseline_date: Mapped[date] = mapped_column(Date)  # day one of the metric (UTC)
    target_value: Mapped[float] = mapped_column(Float)  # value to reach
    target_date: Mapped[date] = mapped_column(Date)  # day to reach it by (UTC)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who added it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation

    created_by: Mapped[Optional[User]] = relationship(foreign_keys=[created_by_id])


class PlanReading(Base):
    """A value of a metric on a day: entered for reported metrics, stored weekly for usage metrics."""

    __tablename__ = "plan_reading"
    __table_args__ = (
        account_key(),
        UniqueConstraint("metric_id", "day", "account_id"),
        account_foreign_key("plan_reading", "metric_id", "plan_metric", ondelete="CASCADE"),
        Index("ix_plan_reading_account_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # whose plan (shard key)
    metric_id: Mapped[int] = mapped_column()  # which metric (with account_id, a key of plan_metric)
    day: Mapped[date] = mapped_column(Date)  # UTC day the value holds for
    value: Mapped[float] = mapped_column(Float)  # the metric's value that day
    entered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # NULL: measured
    note: Mapped[str] = mapped_column(Text, default="")  # context given with the value, shown escaped
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation

    entered_by: Mapped[Optional[User]] = relationship(foreign_keys=[entered_by_id])


class PlanComment(Base):
    """A comment on a metric by a customer or a CSM."""

    __tablename__ = "plan_comment"
    __table_args__ = (
        account_key(),
        account_foreign_key("plan_comment", "metric_id", "plan_metric", ondelete="CASCADE"),
        Index("ix_plan_comment_metric_id", "metric_id"),
        Index("ix_plan_comment_account_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # whose plan (shard key)
    metric_id: Mapped[int] = mapped_column()  # which metric (with account_id, a key of plan_metric)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who wrote it
    body: Mapped[str] = mapped_column(Text)  # the comment, shown escaped
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when written

    author: Mapped[Optional[User]] = relationship(foreign_keys=[author_id])
