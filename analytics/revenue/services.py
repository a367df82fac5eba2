"""Writes of the ARR history: a change of ARR from a day on, and a churn. Validate, flush, never commit."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from core.validation import ServiceError, parse_amount, parse_date
from models.accounts import Account
from models.db import Session, utcnow
from models.revenue import ArrChange


def _account(external_id: str) -> Account:
    account = Session.scalar(select(Account).where(Account.external_id == (external_id or "").strip()))
    if account is None:
        raise ServiceError(f"No account has the external id {external_id!r}.", "external_id")
    return account


def _required_date(value: str | date | None, what: str, field: str) -> date:
    day = parse_date(value, what, field)
    if day is None:
        raise ServiceError(f"{what} is required, written YYYY-MM-DD.", field)
    return day


def _sync_current_arr(account: Account) -> None:
    """The account's ARR column: the change in force today (the earliest one when all lie ahead)."""
    today = utcnow().date()
    changes = Session.execute(select(ArrChange.effective_on, ArrChange.arr).where(
        ArrChange.account_id == account.id).order_by(ArrChange.effective_on)).all()
    in_force = [arr for effective_on, arr in changes if effective_on <= today]
    if changes:
        account.arr = in_force[-1] if in_force else changes[0].arr
    account.data_changed_at = utcnow()




def record_arr_change(external_id: str, arr: str | Decimal, effective: str | date | None) -> ArrChange:
    """Record the account's ARR from a day on; a second change on the same day replaces the first."""
    account = _account(external_id)
    amount = parse_amount(arr, "The ARR", "arr")
    day = _required_date(effective, "The effective date", "effective")
    if day < account.customer_since:
        raise ServiceError(f"The effective date {day.isoformat()} is before the account became a customer "
                           f"on {account.customer_since.isoformat()}.", "effective")
    if account.status == "churned" and account.churned_on is not None and day >= account.churned_on:
        raise ServiceError(f"The account churned on {account.churned_on.isoformat()}; an ARR change must take "
                           "effect before that day.", "effective")
    change = Session.get(ArrChange, (account.id, day))
    if change is None:
        change = ArrChange(account_id=account.id, effective_on=day, arr=amount)
        Session.add(change)
    else:
        change.arr, change.recorded_at = amount, utcnow()
    Session.flush()
    _sync_current_arr(account)
    Session.flush()
    return change


def record_churn(external_id: str, day: str | date | None) -> Account:
    """The account churned that day: its ARR is 0 from then on and its status churned."""
    account = _account(external_id)
    churn_day = _required_date(day, "The churn date", "date")
    if churn_day < account.customer_since:
        raise ServiceError(f"The churn date {churn_day.isoformat()} is before the account became a customer "
                           f"on {account.customer_since.isoformat()}.", "date")
    if account.status == "churned":
        raise ServiceError(f"The account already churned on {account.churned_on.isoformat()}.", "date")
    later = Session.scalar(select(ArrChange.effective_on).where(
        ArrChange.account_id == account.id, ArrChange.effective_on >= churn_day).order_by(ArrChange.effective_on))
    if later is not None and later > account.customer_since:
        raise ServiceError(f"The account has an ARR change effective on {later.isoformat()}, on or after "
                           f"{churn_day.isoformat()}; a churn must come after its last ARR change.", "date")
    account.status, account.churned_on = "churned", churn_day
    account.data_changed_at = utcnow()
    Session.flush()
    return account
