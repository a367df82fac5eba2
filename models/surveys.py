"""NPS answers (the survey campaigns and invitations live here too)."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, account_foreign_key, account_key, utcnow


class SurveyResponse(Base):
    """One NPS answer: a score 0..10 and a comment, from the portal or imported through the API."""

    __tablename__ = "survey_response"
    __table_args__ = (
        account_key(),
        UniqueConstraint("account_id", "client_id"),
        CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
        Index("ix_survey_response_account_ts", "account_id", "ts"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # whose answer
    client_id: Mapped[str] = mapped_column(String(200))  # idempotency key: API id, or "inv:<invitation id>"
    respondent: Mapped[str] = mapped_column(String(254))  # e-mail or the vendor's id for the person
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # portal user, if any
    score: Mapped[int] = mapped_column(Integer)  # 0..10
    comment: Mapped[str] = mapped_column(Text, default="")  # free text, shown escaped
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when answered (UTC)


class SurveyCampaign(Base):
    """An NPS campaign: who is asked (audience), what, and when (now, or every N days)."""

    __tablename__ = "survey_campaign"
    __table_args__ = (
        CheckConstraint("audience IN ('all', 'tier', 'accounts')", name="audience_known"),
        CheckConstraint("audience <> 'tier' OR tier IN ('top', 'leveraged', 'scalable')", name="tier_for_tier_audience"),
        CheckConstraint("every_days IS NULL OR every_days BETWEEN 1 AND 3650", name="every_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    name: Mapped[str] = mapped_column(String(200))  # label for staff
    question: Mapped[str] = mapped_column(Text)  # the 0..10 question shown to people
    audience: Mapped[str] = mapped_column(String(20), default="all")  # all accounts, a tier, or chosen accounts
    tier: Mapped[Optional[str]] = mapped_column(String(20))  # top, leveraged or scalable, for audience 'tier'
    every_days: Mapped[Optional[int]] = mapped_column(Integer)  # recurring every N days; NULL: once
    next_run_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # due from then; NULL: done
    last_run_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # when invitations were last queued
    is_default: Mapped[bool] = mapped_column(default=False)  # the built-in campaign used when none is defined
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # admin or CSM
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation


class SurveyCampaignAccount(Base):
    """An account chosen for a campaign whose audience is 'accounts'."""

    __tablename__ = "survey_campaign_account"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaign.id", ondelete="CASCADE"), primary_key=True)  # campaign
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True, index=True)  # chosen account


class SurveyInvitation(Base):
    """One person asked once: a one-time link (only its hash is stored), a reminder, the answer."""

    __tablename__ = "survey_invitation"
    __table_args__ = (
        account_key(),
        # Unique per account, as Citus requires. Lookups by token alone stay valid (a query over every
        # shard) and a 256-bit random token does not collide in practice; token_hash first serves them.
        UniqueConstraint("token_hash", "account_id"),
        account_foreign_key("survey_invitation", "response_id", "survey_response"),
        Index("ix_survey_invitation_user_sent", "user_id", "sent_at"),
        Index("ix_survey_invitation_account_sent", "account_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaign.id", ondelete="CASCADE"), index=True)  # which campaign
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # the person's account
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))  # the person asked
    email: Mapped[str] = mapped_column(String(254))  # address the invitation went to
    token_salt: Mapped[str] = mapped_column(String(32))  # random salt; the token is HMAC(SECRET_KEY, salt)
    token_hash: Mapped[str] = mapped_column(String(64))  # hex SHA-256 of the link token
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when queued
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # the link stops working then
    reminded_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # the one reminder, if sent
    answered_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # when answered
    response_id: Mapped[Optional[int]] = mapped_column()  # the answer (NO ACTION: responses go only with their account)


class SurveyOptOut(Base):
    """A person who unsubscribed from survey e-mails."""

    __tablename__ = "survey_opt_out"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)  # who
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when


class ContactRequest(Base):
    """A request for a customer's time (survey, assessment, playbook mail), counted by the fatigue cap."""

    __tablename__ = "contact_request"
    __table_args__ = (account_key(), Index("ix_contact_request_account_ts", "account_id", "ts"),)

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # account contacted
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # person contacted
    kind: Mapped[str] = mapped_column(String(50))  # e.g. nps_invitation, assessment_request, playbook
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when


class DetractorFollowup(Base):
    """Closing the loop on a detractor's answer: the CSM's note, and an optional reply to the respondent."""

    __tablename__ = "detractor_followup"
    __table_args__ = (
        account_key(),
        UniqueConstraint("response_id", "account_id"),
        account_foreign_key("detractor_followup", "response_id", "survey_response", ondelete="CASCADE"),
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        CheckConstraint("status <> 'closed' OR closed_at IS NOT NULL", name="closed_has_time"),
        Index("ix_detractor_followup_account_status", "account_id", "status"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # whose answer
    response_id: Mapped[int] = mapped_column()  # the answer (one follow-up per answer)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open or closed
    note: Mapped[str] = mapped_column(Text, default="")  # what the CSM did (internal)
    reply: Mapped[str] = mapped_column(Text, default="")  # "you said, we did" reply shown to the respondent
    reply_published_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # when the reply became visible
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when raised
    closed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # when closed
    closed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who closed it
