"""Revenue history (every change of an account's ARR with its effective day) and the fitted churn forecast."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, utcnow


class ArrChange(Base):
    """An account's ARR from one day on, until its next change (or its churn day)."""

    __tablename__ = "arr_change"
    __table_args__ = (CheckConstraint("arr >= 0", name="arr_not_negative"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)  # whose ARR
    effective_on: Mapped[date] = mapped_column(Date, primary_key=True)  # first day the ARR holds
    arr: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # annual recurring revenue from that day on
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when it was recorded


class ForecastModel(Base):
    """A churn forecast fitted on the vendor's history by a health recompute, with its backtest (shared table)."""

    __tablename__ = "forecast_model"
    __table_args__ = (CheckConstraint("kind IN ('logistic', 'markov', 'none')", name="kind_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # database key; the newest row is the one in use
    as_of: Mapped[date] = mapped_column(Date)  # last day of history the fit read
    kind: Mapped[str] = mapped_column(String(20))  # logistic, markov, or none (too little history)
    model_json: Mapped[str] = mapped_column(Text, default="{}")  # the fitted parameters, or the reason for none
    backtest_json: Mapped[str] = mapped_column(Text, default="{}")  # rolling-origin backtest figures
    risks_json: Mapped[str] = mapped_column(Text, default="{}")  # {account id: {risk, factors}} on as_of
    fitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when it was fitted
