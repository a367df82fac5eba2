"""The CSM portfolio's figures: vendor metrics (pure maths) and the queries that feed them."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

from sqlalchemy import select

from analytics.forecast.service import current_forecast
from analytics.health import history
from analytics.health.history import score_on
from analytics.health.scoring import rescore
from core.tiers import tier_by_account
from models.accounts import Account, User
from models.db import Session, utcnow
from models.health import HealthWarning

DEFAULT_GROSS_MARGIN = 0.8


@dataclass
class AccountRow:
    """One account as the portfolio shows it."""

    account: Account
    csm_name: str
    score: Optional[float]
    band: Optional[str]
    score_90d_ago: Optional[float]
    tier: Optional[str]
    churn_risk_90d: Optional[float]  # probability of churning within 90 days, when forecast
    nps: Optional[float]
    open_warnings: int = 0


@dataclass
class VendorMetrics:
    """MRR, ARR, logo churn, NRR, NPS, LTV with what they are computed from."""

    arr: float
    mrr: float
    active_accounts: int
    churned_12m: int
    accounts_12m_ago: int
    monthly_logo_churn: Optional[float]  # fraction per month
    nrr: Optional[float]  # fraction
    nps: Optional[float]
    nps_responses: int
    gross_margin: float
    arpa_monthly: Optional[float]
    ltv: Optional[float]


def monthly_logo_churn(churned_12m: int, accounts_12m_ago: int) -> Optional[float]:
    """Average monthly logo churn over 12 months: churned ÷ accounts at the start ÷ 12."""
    if accounts_12m_ago <= 0:
        return None
    return churned_12m / accounts_12m_ago / 12


def ltv(arpa_monthly: Optional[float], gross_margin: float, churn_monthly: Optional[float]) -> Optional[float]:
    """(average monthly revenue per account × gross margin) ÷ monthly churn; None when churn is 0 or unknown."""
    if arpa_monthly is None or not churn_monthly:
        return None
    return arpa_monthly * gross_margin / churn_monthly


def vendor_metrics(accounts: list[Account], today: date, gross_margin: float = DEFAULT_GROSS_MARGIN,
                   nps: dict[int, tuple[float, int]] | None = None) -> VendorMetrics:
    """The vendor metrics over these accounts (active and churned); `nps` as nps_by_account() gives it, if known."""
    year_ago = today - timedelta(days=365)
    active = [a for a in accounts if a.status == "active"]
    arr = float(sum((Decimal(a.arr) for a in active), Decimal(0)))
    at_start = [a for a in accounts if a.customer_since <= year_ago and (a.status == "active" or (a.churned_on and a.churned_on > year_ago))]
    churned = [a for a in at_start if a.status == "churned" and a.churned_on and a.churned_on <= today]
    churn = monthly_logo_churn(len(churned), len(at_start))
    # NRR: today's ARR of the accounts that were customers a year ago (churned count 0) over their ARR then.
    ids = [a.id for a in at_start]
    then = {a: float(row.arr) for a, row in score_on(ids, year_ago, summary=True).items() if row.as_of > year_ago - timedelta(days=31)} if ids else {}
    by_id = {a.id: a for a in at_start}
    base = sum(then.values())
    now = sum(float(by_id[a].arr) if by_id[a].status == "active" else 0.0 for a in then)
    nrr = now / base if base > 0 else None
    nps_rows = nps if nps is not None else nps_by_account(today, [a.id for a in accounts])
    responses = sum(n for _, n in nps_rows.values())
    nps = sum(score * n for score, n in nps_rows.values()) / responses if responses else None
    arpa = arr / 12 / len(active) if active else None
    return VendorMetrics(arr, arr / 12, len(active), len(churned), len(at_start), churn, nrr, nps, responses,
                         gross_margin, arpa, ltv(arpa, gross_margin, churn))


def nps_by_account(today: date, account_ids: list[int]) -> dict[int, tuple[float, int]]:
    """{account: (NPS over the last 365 days, answers counted)} of these accounts."""
    return history.nps_by_account(today, account_ids) if account_ids else {}


def account_rows(accounts: list[Account], today: date, risk: dict[int, float] | None = None,
                 nps: dict[int, tuple[float, int]] | None = None) -> list[AccountRow]:
    """Every account with its latest health, the score 90 days ago, tier, risk, NPS and open warnings.

    `risk` is the stored forecast's per-account churn probabilities and `nps` nps_by_account(today, ...) when the
    caller has them already.
    """
    ids = [a.id for a in accounts]
    if not ids:
        return []
    now = score_on(ids, today, summary=True)
    before = score_on(ids, today - timedelta(days=90), summary=True)
    tiers = tier_by_account()
    if risk is None:
        risk = {a: entry["risk"] for a, entry in current_forecast().risks.items()}
    if nps is None:
        nps = nps_by_account(today, ids)
    csm_names = dict(Session.execute(select(User.id, User.name).where(User.role.in_(("csm", "admin")))).all())
    open_counts: dict[int, int] = {}
    for account_id in Session.scalars(select(HealthWarning.account_id).where(
            HealthWarning.account_id.in_(ids), HealthWarning.resolved_at.is_(None))):
        open_counts[account_id] = open_counts.get(account_id, 0) + 1
    rows = []
    for a in accounts:
        current = now.get(a.id)
        rows.append(AccountRow(
            account=a, csm_name=csm_names.get(a.csm_id, "—") if a.csm_id else "—",
            score=current.score if current else None, band=current.band if current else None,
            score_90d_ago=before[a.id].score if a.id in before else None,
            tier=tiers.get(a.id), churn_risk_90d=risk.get(a.id), nps=nps[a.id][0] if a.id in nps else None,
            open_warnings=open_counts.get(a.id, 0),
        ))
    return rows


SORT_KEYS = {
    "name": lambda r: r.account.name.lower(),
    "health": lambda r: (r.score is None, r.score or 0),
    "arr": lambda r: float(r.account.arr),
    "renewal": lambda r: (r.account.renewal_date is None, r.account.renewal_date or date.max),
    "risk": lambda r: (r.churn_risk_90d is None, r.churn_risk_90d or 0),
    "tier": lambda r: ("top", "leveraged", "scalable").index(r.tier) if r.tier else 3,
}


def sort_rows(rows: list[AccountRow], key: str, descending: bool) -> list[AccountRow]:
    """Rows sorted by one of SORT_KEYS (name when unknown)."""
    return sorted(rows, key=SORT_KEYS.get(key, SORT_KEYS["name"]), reverse=descending)


def histogram(scores: list[float], width: int = 10) -> list[int]:
    """Counts of scores in bins [0,10), [10,20) … [90,100]."""
    bins = [0] * (100 // width)
    for s in scores:
        bins[min(len(bins) - 1, int(s // width))] += 1
    return bins


def band_changes(weights: dict, bands: dict) -> dict:
    """How many accounts' latest score would change band with these weights and thresholds."""

    ids = list(Session.scalars(select(Account.id).where(Account.status == "active")))
    latest = score_on(ids, utcnow().date()) if ids else {}
    changed, moves = 0, {}
    for row in latest.values():
        new = rescore(json.loads(row.components_json), weights, bands)
        if new.band != row.band:
            changed += 1
            moves[f"{row.band} → {new.band}"] = moves.get(f"{row.band} → {new.band}", 0) + 1
    return {"changed": changed, "scored": len(latest), "moves": moves}


# The portfolio's tails: who needs attention, who could be a reference, who renews soon.
AT_RISK_CHURN = 0.15  # a churn risk within 90 days at or above this puts an account in the at-risk tail
ADVOCATE_NPS = 50  # a green account whose NPS is unknown or at least this is an advocate
TAIL_LENGTH = 8
RENEWAL_WINDOW_DAYS = 90


def at_risk_tail(rows: list[AccountRow]) -> list[AccountRow]:
    """Red, at risk of churning within 90 days, or not green with an open warning; lowest scores first."""
    return sorted([r for r in rows if r.score is not None and (
        r.band == "red" or (r.churn_risk_90d or 0) >= AT_RISK_CHURN or (r.band != "green" and r.open_warnings))],
        key=lambda r: r.score)[:TAIL_LENGTH]


def advocate_tail(rows: list[AccountRow]) -> list[AccountRow]:
    """Green accounts whose people recommend the vendor (or have not said otherwise); best first."""
    return sorted([r for r in rows if r.score is not None and r.band == "green" and (r.nps is None or r.nps >= ADVOCATE_NPS)],
                  key=lambda r: (-(r.nps or 0), -r.score))[:TAIL_LENGTH]


def renewals_due(rows: list[AccountRow], today: date) -> list[AccountRow]:
    """Accounts that renew within the next 90 days, soonest first."""
    horizon = today + timedelta(days=RENEWAL_WINDOW_DAYS)
    return sorted([r for r in rows if r.account.renewal_date and today <= r.account.renewal_date <= horizon],
                  key=lambda r: r.account.renewal_date)
