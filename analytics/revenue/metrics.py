"""Revenue metrics by the contract's rule: pure maths over plain account histories (no database, no Flask).

An account's ARR on a day is its last recorded ARR effective on or before that day, and 0 from its churn day
on. An account is active on a day when its customer-since date is on or before it and it has not churned on
or before it. Over [start, end] the accounts active on `start` are the base: a base account that churned on or
before `end` adds its ARR on `start` to churned ARR; otherwise the difference of its ARR on `end` and on
`start` is expansion (positive) or contraction (negative, counted as a positive amount). New ARR is the ARR
on `end` of accounts whose customer-since date is after `start` and on or before `end`.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional

ZERO = Decimal("0")


@dataclass(frozen=True)
class RevenueAccount:
    """What the revenue maths needs of an account: its start, churn day and ARR changes (oldest first)."""

    account_id: int
    customer_since: date
    churned_on: Optional[date] = None
    changes: tuple[tuple[date, Decimal], ...] = field(default_factory=tuple)  # (effective day, ARR)

    def active_on(self, day: date) -> bool:
        """A customer on that day: started on or before it and not churned on or before it."""
        return self.customer_since <= day and (self.churned_on is None or self.churned_on > day)

    def arr_on(self, day: date) -> Decimal:
        """The last ARR effective on or before the day; 0 before the first change and from the churn day on."""
        if self.churned_on is not None and day >= self.churned_on:
            return ZERO
        position = bisect_right([effective for effective, _ in self.changes], day)
        return self.changes[position - 1][1] if position else ZERO


@dataclass
class RevenueMetrics:
    """The figures of GET /api/v1/metrics/revenue for one period."""

    start: date
    end: date
    arr_start: Decimal
    arr_end: Decimal
    new_arr: Decimal
    expansion_arr: Decimal
    contraction_arr: Decimal
    churned_arr: Decimal
    accounts_start: int
    accounts_churned: int
    nrr: Optional[float]
    grr: Optional[float]
    logo_churn: Optional[float]

    def as_json(self) -> dict:
        """The contract's JSON answer: amounts as numbers, fractions or null."""
        return {
            "arr_start": float(self.arr_start), "arr_end": float(self.arr_end), "new_arr": float(self.new_arr),
            "expansion_arr": float(self.expansion_arr), "contraction_arr": float(self.contraction_arr),
            "churned_arr": float(self.churned_arr), "nrr": self.nrr, "grr": self.grr,
            "accounts_start": self.accounts_start, "accounts_churned": self.accounts_churned,
            "logo_churn": self.logo_churn,
        }


def revenue_metrics(accounts: list[RevenueAccount], start: date, end: date) -> RevenueMetrics:
    """New, expansion, contraction and churned ARR, NRR, GRR and logo churn over [start, end]."""
    arr_start = sum((a.arr_on(start) for a in accounts if a.active_on(start)), ZERO)
    arr_end = sum((a.arr_on(end) for a in accounts if a.active_on(end)), ZERO)
    base = [a for a in accounts if a.active_on(start)]
    expansion = contraction = churned = ZERO
    accounts_churned = 0
    for account in base:
        if account.churned_on is not None and account.churned_on <= end:
            churned += account.arr_on(start)
            accounts_churned += 1
            continue
        change = account.arr_on(end) - account.arr_on(start)
        if change > 0:
            expansion += change
        else:
            contraction -= change
    new = sum((a.arr_on(end) for a in accounts if start < a.customer_since <= end), ZERO)
    nrr = float((arr_start + expansion - contraction - churned) / arr_start) if arr_start else None
    grr = float((arr_start - contraction - churned) / arr_start) if arr_start else None
    logo_churn = accounts_churned / len(base) if base else None
    return RevenueMetrics(start, end, arr_start, arr_end, new, expansion, contraction, churned, len(base),
                          accounts_churned, nrr, grr, logo_churn)


FORMULAS = {
    "arr": "The sum of the ARR on the last day of the period of the accounts active that day.",
    "mrr": "ARR ÷ 12.",
    "new_arr": "The ARR on the last day of accounts that became customers after the first day of the period.",
    "expansion_arr": "For accounts active on the first day that did not churn: the rises of ARR between the "
                     "first and the last day, added up.",
    "contraction_arr": "For accounts active on the first day that did not churn: the falls of ARR between the "
                       "first and the last day, added up.",
    "churned_arr": "The ARR on the first day of the accounts active then that churned by the last day.",
    "nrr": "(ARR at the start + expansion − contraction − churned ARR) ÷ ARR at the start.",
    "grr": "(ARR at the start − contraction − churned ARR) ÷ ARR at the start.",
    "logo_churn": "Accounts active on the first day that churned by the last day ÷ accounts active on the first day.",
}
