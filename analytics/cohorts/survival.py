"""Logo retention as a Kaplan–Meier curve with its 95% confidence band, overall and per tier (lifelines).

Each account contributes its days as a customer: up to its churn day (an event) or up to today (censored:
still a customer, so not counted as churned). The band is lifelines' default, the exponential Greenwood
interval. The maths takes plain rows; survival_data() reads them with SQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from lifelines import KaplanMeierFitter
from sqlalchemy import select

from core.tiers import TIERS, assign_tiers
from models.accounts import Account
from models.db import Session


@dataclass(frozen=True)
class Lifetime:
    """One account's time as a customer."""

    account_id: int
    start: date
    churned_on: Optional[date]
    tier: Optional[str] = None

    def duration(self, today: date) -> tuple[int, bool]:
        """(days observed, churned): to the churn day, or to today when still a customer."""
        churned = self.churned_on is not None and self.churned_on <= today
        end = self.churned_on if churned else today
        return max(0, (end - self.start).days), churned


@dataclass
class Curve:
    """A Kaplan–Meier curve: days since the start, retained share and its 95% band, and what it rests on."""

    days: list[float]
    retained: list[float]
    lower: list[float]
    upper: list[float]
    accounts: int
    churned: int

    def at(self, day: float) -> float:
        """The retained share after `day` days (the step in force then)."""
        value = 1.0
        for d, r in zip(self.days, self.retained):
            if d > day:
                break
            value = r
        return value


def kaplan_meier(lifetimes: list[Lifetime], today: date) -> Optional[Curve]:
    """The curve of these accounts (None when there are none)."""
    observed = [lt.duration(today) for lt in lifetimes if lt.start <= today]
    if not observed:
        return None
    fitter = KaplanMeierFitter().fit([d for d, _ in observed], [churned for _, churned in observed])
    band = fitter.confidence_interval_survival_function_
    return Curve(days=[float(d) for d in fitter.survival_function_.index],
                 retained=[float(v) for v in fitter.survival_function_.iloc[:, 0]],
                 lower=[float(v) for v in band.iloc[:, 0]], upper=[float(v) for v in band.iloc[:, 1]],
                 accounts=len(observed), churned=sum(1 for _, churned in observed if churned))


def curves(lifetimes: list[Lifetime], today: date) -> dict[str, Curve]:
    """'all' and one curve per tier that has accounts."""
    found = {"all": kaplan_meier(lifetimes, today)}
    for tier in TIERS:
        found[tier] = kaplan_meier([lt for lt in lifetimes if lt.tier == tier], today)
    return {name: curve for name, curve in found.items() if curve is not None}


def survival_data(scope=None, csm_id: int | None = None, top_share: float = 0.4, scalable_share: float = 0.2) -> list[Lifetime]:
    """The lifetimes of the accounts in scope, each with its tier by ARR among all accounts."""
    tiers = assign_tiers({r.id: Decimal(r.arr) for r in Session.execute(select(Account.id, Account.arr))},
                         top_share, scalable_share)
    query = select(Account.id, Account.customer_since, Account.churned_on, Account.status)
    if scope is not None:
        query = query.where(scope)
    if csm_id is not None:
        query = query.where(Account.csm_id == csm_id)
    return [Lifetime(r.id, r.customer_since, r.churned_on if r.status == "churned" else None, tiers.get(r.id))
            for r in Session.execute(query)]
