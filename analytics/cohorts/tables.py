"""Cohorts: accounts grouped by the month (or quarter) they became customers, followed by age.

Age m of an account is the m-th calendar month since the month of its customer_since date
(age 0 is that month). At age m an account is retained when it had not churned by the end
of that month. Logo retention of a cohort at age m = retained accounts / accounts of the
cohort old enough to have an age m; revenue retention = the ARR those accounts had at the end of
month m (0 once churned; from the ARR history, so expansions and contractions count at the age they happened)
over the ARR the same accounts started with. Median health
and active-user share by age are medians over accounts of the monthly mean health score and
of distinct active users in the month per licensed seat.

The maths (cohort_table, by_age) is pure; cohort_data() reads the plain rows with SQL.
"""
from __future__ import annotations

from bisect import bisect_right
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from statistics import median
from typing import Optional

from sqlalchemy import distinct, func, select

from core.settings import get_setting
from core.tiers import assign_tiers
from models.accounts import Account
from models.db import Session, is_postgres, utcnow
from models.health import HealthScore
from models.revenue import ArrChange
from models.usage import UsageUserDay


@dataclass(frozen=True)
class CohortAccount:
    """What the cohort maths needs of an account."""

    account_id: int
    start: date  # customer_since
    arr: float  # ARR it started with
    churned_on: Optional[date] = None
    changes: tuple[tuple[date, float], ...] = ()  # ARR history (effective day, ARR), oldest first; empty: `arr` throughout

    def arr_on(self, day: date) -> float:
        """Its ARR on a day by the history (the starting ARR when none is recorded)."""
        position = bisect_right([effective for effective, _ in self.changes], day)
        return self.changes[position - 1][1] if position else self.arr


@dataclass
class CohortRow:
    """One cohort: its size and, by age in months, logo and revenue retention (None: not old enough)."""

    key: str
    size: int
    arr: float
    logo: list[Optional[float]] = field(default_factory=list)
    revenue: list[Optional[float]] = field(default_factory=list)


def month_index(day: date) -> int:
    """Months since year 0: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def month_key(index: int) -> str:
    """'YYYY-MM' of a month index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def cohort_key(day: date, by: str = "month") -> str:
    """'2026-03' for a month cohort, '2026-Q1' for a quarter cohort."""
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return month_key(month_index(day))


def _retained(account: CohortAccount, age: int) -> bool:
    return account.churned_on is None or month_index(account.churned_on) > month_index(account.start) + age


def _arr_at_age(account: CohortAccount, age: int, today: date) -> float:
    """ARR at the end of month `age` (or today, in the current month); 0 once churned."""
    if not _retained(account, age):
        return 0.0
    index = month_index(account.start) + age
    year, month = index // 12, index % 12 + 1
    return account.arr_on(min(today, date(year, month, monthrange(year, month)[1])))


def cohort_table(accounts: list[CohortAccount], today: date, by: str = "month") -> list[CohortRow]:
    """Logo and revenue retention of every cohort by age in months, oldest cohort first."""
    groups: dict[str, list[CohortAccount]] = {}
    for account in accounts:
        if account.start <= today:
            groups.setdefault(cohort_key(account.start, by), []).append(account)
    rows = []
    now = month_index(today)
    for key in sorted(groups):
        members = groups[key]
        oldest = max(now - month_index(a.start) for a in members)
        row = CohortRow(key=key, size=len(members), arr=sum(a.arr for a in members))
        for age in range(oldest + 1):
            eligible = [a for a in members if month_index(a.start) + age <= now]
            kept = [a for a in eligible if _retained(a, age)]
            eligible_arr = sum(a.arr for a in eligible)
            row.logo.append(len(kept) / len(eligible) if eligible else None)
            row.revenue.append(sum(_arr_at_age(a, age, today) for a in eligible) / eligible_arr if eligible_arr else None)
        rows.append(row)
    return rows


def by_age(values: dict[tuple[int, int], float], starts: dict[int, date]) -> list[tuple[int, float, int]]:
    """(age, median over accounts, accounts counted) from {(account id, month index): value}."""
    ages: dict[int, list[float]] = {}
    for (account_id, month), value in values.items():
        start = starts.get(account_id)
        if start is None or month < month_index(start):
            continue
        ages.setdefault(month - month_index(start), []).append(value)
    return [(age, float(median(ages[age])), len(ages[age])) for age in sorted(ages)]


def _month_of(column):
    """SQL: the 'YYYY-MM' of a date column, on either database."""
    if is_postgres(Session):
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _index_of(key: str) -> int:
    year, month = key.split("-")
    return int(year) * 12 + int(month) - 1


@dataclass
class CohortData:
    """Everything the cohort page draws."""

    table: list[CohortRow]
    health_by_age: list[tuple[int, float, int]]
    active_share_by_age: list[tuple[int, float, int]]
    accounts: int


def cohort_data(scope=None, tier: str | None = None, csm_id: int | None = None, today: date | None = None,
                by: str = "month") -> CohortData:
    """Cohort figures for the accounts in scope (a condition on Account), optionally one tier and one CSM."""
    today = today or utcnow().date()
    query = select(Account.id, Account.customer_since, Account.arr, Account.churned_on, Account.status,
                   Account.seats, Account.csm_id)
    if scope is not None:
        query = query.where(scope)
    if csm_id is not None:
        query = query.where(Account.csm_id == csm_id)
    rows = Session.execute(query).all()
    if tier:
        # churned accounts keep the tier their ARR gives them among all accounts
        tiers = assign_tiers({r.id: Decimal(r.arr) for r in Session.execute(select(Account.id, Account.arr))},
                             float(get_setting("tiers.top_share")), float(get_setting("tiers.scalable_share")))
        rows = [r for r in rows if tiers.get(r.id) == tier]
    changes: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for account_id, effective_on, arr in Session.execute(
            select(ArrChange.account_id, ArrChange.effective_on, ArrChange.arr)
            .where(ArrChange.account_id.in_([r.id for r in rows])).order_by(ArrChange.effective_on)):
        changes[account_id].append((effective_on, float(arr)))
    accounts = [CohortAccount(r.id, r.customer_since, changes[r.id][0][1] if changes.get(r.id) else float(r.arr),
                              r.churned_on if r.status == "churned" else None, tuple(changes.get(r.id, ())))
                for r in rows]
    starts = {a.account_id: a.start for a in accounts}
    seats = {r.id: r.seats for r in rows}
    ids = sorted(starts)
    health: dict[tuple[int, int], float] = {}
    active: dict[tuple[int, int], float] = {}
    if ids:
        month = _month_of(HealthScore.as_of)
        for account_id, key, mean in Session.execute(
                select(HealthScore.account_id, month, func.avg(HealthScore.score))
                .where(HealthScore.account_id.in_(ids), HealthScore.as_of <= today)
                .group_by(HealthScore.account_id, month)):
            health[(account_id, _index_of(key))] = float(mean)
        month = _month_of(UsageUserDay.day)
        for account_id, key, users in Session.execute(
                select(UsageUserDay.account_id, month, func.count(distinct(UsageUserDay.user_id)))
                .where(UsageUserDay.account_id.in_(ids), UsageUserDay.day <= today)
                .group_by(UsageUserDay.account_id, month)):
            if seats.get(account_id):
                active[(account_id, _index_of(key))] = users / seats[account_id]
    return CohortData(table=cohort_table(accounts, today, by), health_by_age=by_age(health, starts),
                      active_share_by_age=by_age(active, starts), accounts=len(accounts))
