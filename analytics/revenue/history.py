"""SQL reads of the ARR history: plain RevenueAccount rows for the revenue maths."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from analytics.revenue.metrics import RevenueAccount
from models.accounts import Account
from models.db import Session
from models.revenue import ArrChange


def revenue_accounts(scope=None) -> list[RevenueAccount]:
    """Every account in scope (a condition on Account) with its ARR changes, in two queries.

    An account without a recorded change reads its current ARR from its customer-since day, as the
    migration backfilled it.
    """
    query = select(Account.id, Account.customer_since, Account.churned_on, Account.status, Account.arr)
    if scope is not None:
        query = query.where(scope)
    rows = Session.execute(query).all()
    changes: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    change_query = select(ArrChange.account_id, ArrChange.effective_on, ArrChange.arr).order_by(
        ArrChange.account_id, ArrChange.effective_on)
    if scope is not None:
        change_query = change_query.join(Account, Account.id == ArrChange.account_id).where(scope)
    for account_id, effective_on, arr in Session.execute(change_query):
        changes[account_id].append((effective_on, Decimal(arr)))
    return [RevenueAccount(r.id, r.customer_since, r.churned_on if r.status == "churned" else None,
                           tuple(changes.get(r.id) or [(r.customer_since, Decimal(r.arr))])) for r in rows]


def arr_history(account_id: int) -> list[ArrChange]:
    """One account's recorded ARR changes, newest first."""
    return list(Session.scalars(select(ArrChange).where(ArrChange.account_id == account_id)
                                .order_by(ArrChange.effective_on.desc())))
