"""Reading the audit log: filters, scoped to what the reader may see, and CSV rows."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from sqlalchemy import Select, func, select

from models.accounts import Account, User
from models.audit import AuditEntry

CSV_COLUMNS = ("at", "action", "actor", "account", "target", "detail", "address", "user_agent")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; empty fields filter nothing."""

    actor: str = ""
    action: str = ""
    account: str = ""
    start: Optional[date] = None
    end: Optional[date] = None


def scoped(reader: User, wanted: AuditFilter) -> Select:
    """select(AuditEntry) with the filters, limited to what this reader may see, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if reader.role != "admin":
        # A CSM sees the entries of the accounts assigned to them, and nothing staff-wide.
        query = query.where(AuditEntry.account_id.in_(select(Account.id).where(Account.csm_id == reader.id)))
    if wanted.actor:
        query = query.where(func.lower(AuditEntry.actor_email).contains(wanted.actor.lower(), autoescape=True))
    if wanted.action:
        query = query.where(AuditEntry.action == wanted.action)
    if wanted.account:
        query = query.where(func.lower(AuditEntry.account_external_id) == wanted.account.lower())
    if wanted.start:
        query = query.where(AuditEntry.at >= datetime.combine(wanted.start, time(), tzinfo=timezone.utc))
    if wanted.end:
        query = query.where(AuditEntry.at < datetime.combine(wanted.end + timedelta(days=1), time(), tzinfo=timezone.utc))
    return query


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def to_csv(entries) -> str:
    """The entries as CSV text, one row each, formula-like cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=timezone.utc)
        writer.writerow([at.astimezone(timezone.utc).isoformat(timespec="seconds")] + [neutralise(value) for value in (
            entry.action, entry.actor_email, entry.account_external_id, entry.target, entry.detail, entry.address,
            entry.user_agent)])
    return out.getvalue()
