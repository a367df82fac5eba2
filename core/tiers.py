"""Account tiers derived from ARR: top, leveraged and scalable."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core.settings import get_setting
from models.accounts import Account
from models.db import Session

TIERS = ("top", "leveraged", "scalable")


def assign_tiers(arr_by_account: dict[int, Decimal], top_share: float = 0.4, scalable_share: float = 0.2) -> dict[int, str]:
    """Tier of each account.

    Top: the smallest set of largest accounts that holds at least `top_share` of ARR.
    Scalable: the smallest accounts that together hold at most the last `scalable_share`.
    Leveraged: the rest. Ties in ARR are broken by account id so the result is stable.
    """
    total = sum(arr_by_account.values(), Decimal(0))
    tiers = {account_id: "leveraged" for account_id in arr_by_account}
    if total <= 0:
        return tiers
    descending = sorted(arr_by_account.items(), key=lambda item: (-item[1], item[0]))
    running = Decimal(0)
    top: set[int] = set()
    for account_id, arr in descending:
        if running >= total * Decimal(str(top_share)):
            break
        top.add(account_id)
        running += arr
    running = Decimal(0)
    for account_id, arr in reversed(descending):
        if account_id in top or running + arr > total * Decimal(str(scalable_share)):
            break
        tiers[account_id] = "scalable"
        running += arr
    for account_id in top:
        tiers[account_id] = "top"
    return tiers


def tier_by_account() -> dict[int, str]:
    """Tier of every active account, with the thresholds from the settings."""
    rows = Session.execute(select(Account.id, Account.arr).where(Account.status == "active")).all()
    return assign_tiers(
        {row.id: Decimal(row.arr) for row in rows},
        float(get_setting("tiers.top_share")),
        float(get_setting("tiers.scalable_share")),
    )
