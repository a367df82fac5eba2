"""Two-factor sign-in: a person's TOTP secret and their single-use recovery codes.

Both hang off the user table only (shared tables referencing each other), never off account data.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, utcnow


class TwoFactor(Base):
    """A user's confirmed TOTP enrolment; no row means two-factor sign-in is off for them."""

    __tablename__ = "user_two_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)  # whose
    secret: Mapped[str] = mapped_column(String(64))  # base32 TOTP secret (RFC 6238, 30-second steps, 6 digits)
    last_step: Mapped[int] = mapped_column(Integer, default=0)  # last accepted time step; a code is never taken twice
    enabled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when enrolment was confirmed


class RecoveryCode(Base):
    """One single-use recovery code; only its SHA-256 is stored."""

    __tablename__ = "user_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)  # whose
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the normalised code
    used_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # set when used; then it is spent
