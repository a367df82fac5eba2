"""Accounts (customer companies), users and API tokens."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db import Base, utcnow


class Role(str, enum.Enum):
    """What a user may do."""

    customer = "customer"
    csm = "csm"
    admin = "admin"


ROLES = tuple(r.value for r in Role)


class Account(Base):
    """A customer company of the vendor."""

    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint("arr >= 0", name="arr_not_negative"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
        CheckConstraint("status IN ('active', 'churned')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # database key, never shown to outsiders
    external_id: Mapped[str] = mapped_column(String(100), unique=True)  # the vendor's own key
    name: Mapped[str] = mapped_column(String(200))  # company name
    arr: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))  # annual recurring revenue
    seats: Mapped[int] = mapped_column(Integer, default=0)  # licensed seats
    renewal_date: Mapped[Optional[date]] = mapped_column(Date)  # next renewal
    customer_since: Mapped[date] = mapped_column(Date)  # first day as a customer; usage before is refused
    csm_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", use_alter=True), index=True)  # assigned CSM (NO ACTION: unassign before deleting the user)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active or churned
    churned_on: Mapped[Optional[date]] = mapped_column(Date)  # day the account churned, if it did
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation
    data_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # last change of its data (cache key)
    # last batch of events; one dated today only leaves data_changed_at (cache key of figures that show today)
    usage_today_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    csm: Mapped[Optional["User"]] = relationship(foreign_keys=[csm_id])


class User(Base):
    """A person who signs in: a customer user, a CSM or an admin."""

    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint("role IN ('customer', 'csm', 'admin')", name="role_known"),
        CheckConstraint("role <> 'customer' OR account_id IS NOT NULL", name="customer_has_account"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower-cased sign-in name
    name: Mapped[str] = mapped_column(String(200), default="")  # display name
    password_hash: Mapped[Optional[str]] = mapped_column(String(255))  # argon2id hash; NULL: cannot sign in
    role: Mapped[str] = mapped_column(String(20))  # customer, csm or admin
    account_id: Mapped[Optional[int]] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)  # customers only
    external_id: Mapped[Optional[str]] = mapped_column(String(200), index=True)  # the vendor's id for this person
    session_version: Mapped[int] = mapped_column(Integer, default=1)  # bumped to end every session
    is_active: Mapped[bool] = mapped_column(default=True)  # deactivated users cannot sign in
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation
    last_login_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # last sign-in

    account: Mapped[Optional[Account]] = relationship(foreign_keys=[account_id])

    # The interface Flask-Login expects, without importing Flask into the models.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Session id: user id and session version (bumping it ends every session), plus the sign-in time.

        The sign-in time travels into the remember-me cookie, so the server refuses that cookie once it is
        older than its lifetime even if a browser (or a thief) keeps it past its expiry.
        """
        signed_in_at = getattr(self, "signed_in_at", None)  # set on the object at sign-in only, never stored
        return f"{self.id}:{self.session_version}" + (f":{int(signed_in_at)}" if signed_in_at else "")


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)  # whose rights it carries
    name: Mapped[str] = mapped_column(String(100), default="")  # label to recognise it
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the token
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation
    last_used_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # last request made with it
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # set when revoked

    user: Mapped[User] = relationship()


class Setting(Base):
    """A setting admins may change (health weights, thresholds, throttle windows), as JSON text."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)  # dotted name, e.g. health.weights
    value_json: Mapped[str] = mapped_column(Text)  # JSON-encoded value
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)  # last change
