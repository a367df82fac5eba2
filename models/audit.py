"""The audit log: who did what, to which account, from where, when. Append-only.

The log is the vendor's record, not an account's data: an entry outlives the account and the
people it names (no foreign keys; the actor's e-mail and the account's external id are copied in),
and staff-wide acts (a sign-in, a settings change) belong to no account. So it is one
non-distributed table, with account_id nullable, and never part of an account's co-located set.
The database refuses UPDATE and DELETE on it (a trigger on this table only, on both backends).
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DDL, DateTime, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, utcnow


class AuditEntry(Base):
    """One audited act."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_account_at", "account_id", "at"),
        Index("ix_audit_entry_actor_at", "actor_id", "at"),
        Index("ix_audit_entry_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # database key, in order of writing
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when the act happened (UTC)
    action: Mapped[str] = mapped_column(String(60))  # dotted name, e.g. signin.success, token.revoked
    actor_id: Mapped[Optional[int]] = mapped_column(Integer)  # user id of who acted; NULL: anonymous or the CLI
    actor_email: Mapped[str] = mapped_column(String(254), default="")  # who acted, as they were known then
    account_id: Mapped[Optional[int]] = mapped_column(Integer)  # account the act concerns; NULL: staff-wide
    account_external_id: Mapped[str] = mapped_column(String(100), default="")  # that account's key then
    target: Mapped[str] = mapped_column(String(300), default="")  # what was acted on, e.g. "user pat@acme.example"
    detail: Mapped[str] = mapped_column(Text, default="")  # one sentence with the particulars
    address: Mapped[str] = mapped_column(String(64), default="")  # client IP address; empty from the CLI
    user_agent: Mapped[str] = mapped_column(String(300), default="")  # client's User-Agent; "command line" from the CLI


APPEND_ONLY_MESSAGE = "audit entries are append-only"
SQLITE_GUARD_DDL = tuple(
    f"CREATE TRIGGER IF NOT EXISTS audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
)
POSTGRES_GUARD_DDL = (
    "CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()",
)
for _statement in SQLITE_GUARD_DDL:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_GUARD_DDL:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
