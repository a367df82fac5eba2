"""NPS answers (the survey campaigns and invitations live here too)."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, utcnow


class SurveyResponse(Base):
    """One NPS answer: a score 0..10 and a comment, from the portal or imported through the API."""

    __tablename__ = "survey_response"
    __table_args__ = (
        UniqueConstraint("account_id", "client_id"),
        CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
        Index("ix_survey_response_account_ts", "account_id", "ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # whose answer
    client_id: Mapped[str] = mapped_column(String(200))  # idempotency key: API id, or "inv:<invitation id>"
    respondent: Mapped[str] = mapped_column(String(254))  # e-mail or the vendor's id for the person
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # portal user, if any
    score: Mapped[int] = mapped_column(Integer)  # 0..10
    comment: Mapped[str] = mapped_column(Text, default="")  # free text, shown escaped
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when answered (UTC)
