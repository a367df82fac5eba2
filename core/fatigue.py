"""The account-wide contact fatigue cap, shared by surveys, assessments and playbooks.

Every request for a customer's time is one row in contact_request. Other features
record theirs with record_contact(account_id, user_id, kind) in the same transaction
as the mail they queue, and ask contact_budget_left(account_id) before they do; the cap
is the setting contact.fatigue_cap per contact.fatigue_window_days days.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.settings import get_setting
from models.db import Session, utcnow
from models.surveys import ContactRequest


def _window_start(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=int(get_setting("contact.fatigue_window_days")))


def record_contact(account_id: int, user_id: int | None, kind: str, ts: datetime | None = None) -> None:
    """Count one request for a customer's time against the account's cap (adds; the caller commits)."""
    Session.add(ContactRequest(account_id=account_id, user_id=user_id, kind=kind[:50], ts=ts or utcnow()))


def contacts_in_window(account_ids: list[int] | None = None, now: datetime | None = None) -> dict[int, int]:
    """Requests per account within the fatigue window."""
    query = (select(ContactRequest.account_id, func.count())
             .where(ContactRequest.ts >= _window_start(now)).group_by(ContactRequest.account_id))
    if account_ids is not None:
        query = query.where(ContactRequest.account_id.in_(account_ids))
    return {account_id: count for account_id, count in Session.execute(query).all()}


def contact_budget_left(account_id: int, now: datetime | None = None) -> int:
    """How many more requests this account may receive in the current window (never negative)."""
    Session.flush()
    used = contacts_in_window([account_id], now).get(account_id, 0)
    return max(0, int(get_setting("contact.fatigue_cap")) - used)


def budgets_left(account_ids: list[int], now: datetime | None = None) -> dict[int, int]:
    """contact_budget_left for many accounts in one query."""
    cap = int(get_setting("contact.fatigue_cap"))
    used = contacts_in_window(account_ids, now)
    return {account_id: max(0, cap - used.get(account_id, 0)) for account_id in account_ids}
