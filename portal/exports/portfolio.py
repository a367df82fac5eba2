"""The portfolio's account rows for a user, read as the portfolio page reads them."""
from __future__ import annotations

from analytics.forecast.service import current_forecast
from analytics.portfolio import AccountRow, account_rows, nps_by_account, sort_rows
from models.accounts import Account, User
from models.db import Session, utcnow
from portal.access import visible_accounts


def portfolio_rows(user: User, csm_id: int | None = None) -> tuple[list[AccountRow], list[int]]:
    """(active accounts' rows, lowest health first; ids of every account in view) for this user, narrowed to one CSM."""
    today = utcnow().date()
    query = visible_accounts(user).order_by(Account.name)
    if csm_id:
        query = query.where(Account.csm_id == csm_id)
    accounts = list(Session.scalars(query))
    ids = [a.id for a in accounts]
    risk = {account_id: entry["risk"] for account_id, entry in current_forecast().risks.items()}
    active = [a for a in accounts if a.status == "active"]
    rows = account_rows(active, today, risk, nps_by_account(today, ids))
    return sort_rows(rows, "health", False), ids
