"""Raw usage events and the rollups every dashboard and the health score read."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, account_key, utcnow

EVENT_TYPES = ("login", "page_view", "feature_used", "report_run")


class UsageEvent(Base):
    """One raw event posted by the vendor's application.

    On PostgreSQL the table is partitioned by month of `ts` (partitions are made as events arrive,
    dropped whole by `events prune`); a client id is unique per account through usage_event_key,
    which holds no timestamp, so a resend with another `ts` is still the same event.
    """

    __tablename__ = "usage_event"
    __table_args__ = (
        CheckConstraint("type IN ('login', 'page_view', 'feature_used', 'report_run')", name="type_known"),
        CheckConstraint("type <> 'feature_used' OR feature IS NOT NULL", name="feature_for_feature_used"),
        {"postgresql_partition_by": "RANGE (ts)"},
    )

    # No foreign keys (migration 0011 dropped them): ingestion, the only writer, resolves the account and
    # creates the users in the same transaction, and the two checks per row cost a third of a batch.
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # whose event (account.id)
    client_id: Mapped[str] = mapped_column(String(200), primary_key=True)  # the vendor's event id, unique per account
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)  # when it happened (UTC); partition key
    user_id: Mapped[int] = mapped_column(Integer)  # who did it (user.id)
    type: Mapped[str] = mapped_column(String(20))  # login, page_view, feature_used, report_run
    feature: Mapped[Optional[str]] = mapped_column(String(200))  # feature key for feature_used
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when we stored it


class UsageEventKey(Base):
    """Every client id ever stored for an account: what makes a resent event a duplicate.

    Kept when raw events are pruned, so an event that is sent again after its month was dropped is
    still recognised (and one dated before the pruned horizon is refused outright).
    """

    __tablename__ = "usage_event_key"

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # whose event (account.id)
    # Byte order on PostgreSQL (migration 0023): every new event is checked against this index, and a
    # locale-aware comparison of ids, which only need equality, made that check cost 15% more.
    client_id: Mapped[str] = mapped_column(String(200).with_variant(String(200, collation="C"), "postgresql"),
                                           primary_key=True)  # the vendor's event id


class UsageUserDay(Base):
    """Per account, user and UTC day: counts of that user's events (source of distinct-user figures)."""

    __tablename__ = "usage_user_day"
    __table_args__ = (Index("ix_usage_user_day_account_day", "account_id", "day"),)

    # No foreign keys (migration 0023): ingestion, the only writer, resolves the account and creates the users
    # in the same transaction, and checking both keys of every new row cost a sixth of a batch's statement.
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # whose usage (account.id)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # who (user.id)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # UTC calendar day
    events: Mapped[int] = mapped_column(Integer, default=0)  # events of every type
    logins: Mapped[int] = mapped_column(Integer, default=0)  # login events
    page_views: Mapped[int] = mapped_column(Integer, default=0)  # page_view events
    feature_events: Mapped[int] = mapped_column(Integer, default=0)  # feature_used events
    reports_run: Mapped[int] = mapped_column(Integer, default=0)  # report_run events


class UsageUserFeatureDay(Base):
    """Per account, user, feature and UTC day: feature_used events (source of distinct feature users)."""

    __tablename__ = "usage_user_feature_day"
    __table_args__ = (Index("ix_usage_user_feature_day_account_day", "account_id", "day"),)

    # No foreign keys (migration 0023): ingestion, the only writer, resolves the account and creates the users
    # in the same transaction, and checking both keys of every new row cost a sixth of a batch's statement.
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # whose usage (account.id)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # who (user.id)
    feature: Mapped[str] = mapped_column(String(200), primary_key=True)  # feature key
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # UTC calendar day
    events: Mapped[int] = mapped_column(Integer, default=0)  # feature_used events


# Days as bits: a span is 378 UTC days (54 Monday-to-Sunday weeks) counted from 0001-01-01, a Monday; word k
# of a span holds its days 63k..63k+62, bit i of a word the day 63k+i. 63 bits keep every word a positive BIGINT.
SPAN_DAYS, WORD_DAYS, SPAN_WORDS = 378, 63, 6
SPAN_EPOCH = date(1, 1, 1)  # a Monday


class UsageUserSpan(Base):
    """Per account, user and span of 378 UTC days: the days the user had any event, one bit a day.

    The distinct users of any period (and of each week in it) come from one row per person and span,
    instead of one per person and day.
    """

    __tablename__ = "usage_user_span"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)  # whose usage
    span: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # (day - 0001-01-01) // 378
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)  # who
    d0: Mapped[int] = mapped_column(BigInteger, default=0)  # days 0-62 of the span, one bit each
    d1: Mapped[int] = mapped_column(BigInteger, default=0)  # days 63-125
    d2: Mapped[int] = mapped_column(BigInteger, default=0)  # days 126-188
    d3: Mapped[int] = mapped_column(BigInteger, default=0)  # days 189-251
    d4: Mapped[int] = mapped_column(BigInteger, default=0)  # days 252-314
    d5: Mapped[int] = mapped_column(BigInteger, default=0)  # days 315-377


class UsageUserFeatureSpan(Base):
    """Per account, user, feature and span of 378 UTC days: the days the user used the feature, one bit a day."""

    __tablename__ = "usage_user_feature_span"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)  # whose usage
    span: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # (day - 0001-01-01) // 378
    feature: Mapped[str] = mapped_column(String(200), primary_key=True)  # feature key
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)  # who
    d0: Mapped[int] = mapped_column(BigInteger, default=0)  # days 0-62 of the span, one bit each
    d1: Mapped[int] = mapped_column(BigInteger, default=0)  # days 63-125
    d2: Mapped[int] = mapped_column(BigInteger, default=0)  # days 126-188
    d3: Mapped[int] = mapped_column(BigInteger, default=0)  # days 189-251
    d4: Mapped[int] = mapped_column(BigInteger, default=0)  # days 252-314
    d5: Mapped[int] = mapped_column(BigInteger, default=0)  # days 315-377


class UsageAccountDay(Base):
    """Per account and UTC day: active users, logins, events, reports run (what charts read)."""

    __tablename__ = "usage_account_day"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)  # whose usage
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # UTC calendar day
    active_users: Mapped[int] = mapped_column(Integer, default=0)  # distinct users with any event
    logins: Mapped[int] = mapped_column(Integer, default=0)  # login events
    events: Mapped[int] = mapped_column(Integer, default=0)  # events of every type
    reports_run: Mapped[int] = mapped_column(Integer, default=0)  # report_run events


class UsageAccountWeek(Base):
    """Per account and Monday-to-Sunday UTC week: distinct users with any event that week (the weekly chart)."""

    __tablename__ = "usage_account_week"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)  # whose usage
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)  # the week's Monday
    active_users: Mapped[int] = mapped_column(Integer, default=0)  # distinct users with any event that week


class UsageFeatureDay(Base):
    """Per account, UTC day and feature: distinct users and feature_used events."""

    __tablename__ = "usage_feature_day"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)  # whose usage
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # UTC calendar day
    feature: Mapped[str] = mapped_column(String(200), primary_key=True)  # feature key
    users: Mapped[int] = mapped_column(Integer, default=0)  # distinct users of the feature that day
    events: Mapped[int] = mapped_column(Integer, default=0)  # feature_used events


class KeyFeature(Base):
    """A feature the vendor marks as one that makes customers successful."""

    __tablename__ = "key_feature"
    __table_args__ = (CheckConstraint("maturity_level IS NULL OR maturity_level BETWEEN 1 AND 5", name="level_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    feature: Mapped[str] = mapped_column(String(200), unique=True)  # feature key as sent in events
    name: Mapped[str] = mapped_column(String(200))  # display name
    description: Mapped[str] = mapped_column(Text, default="")  # why it matters
    maturity_level: Mapped[Optional[int]] = mapped_column(Integer)  # maturity level it signals (1..5)
    article_slug: Mapped[Optional[str]] = mapped_column(String(200))  # knowledge article that helps adopt it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation


class EngagementEvent(Base):
    """A customer's engagement with the portal: visit, article view, vote, survey answer, assessment."""

    __tablename__ = "engagement_event"
    __table_args__ = (
        account_key(),
        Index("ix_engagement_event_account_ts", "account_id", "ts"),
        CheckConstraint(
            "kind IN ('portal_visit', 'article_view', 'article_vote', 'survey_answer', 'assessment')",
            name="kind_known",
        ),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # whose engagement
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who, when known
    kind: Mapped[str] = mapped_column(String(30))  # portal_visit, article_view, article_vote, survey_answer, assessment
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when
