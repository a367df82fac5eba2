"""Recompute every account's health with a few set-based queries, then one bulk write of history."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Optional

from sqlalchemy import case, delete, func, insert, or_, select, text, true

from analytics.health.history import latest_score, midnight, nps_by_account, score_on
from analytics.health.onboarding import onboarding_on
from analytics.health.scoring import (
    DEFAULT_BANDS,
    DEFAULT_WEIGHTS,
    AccountInputs,
    Component,
    HealthResult,
    score_account,
)
from analytics.health.warnings import raise_warnings
from analytics.plan.queries import progress_by_account
from core.settings import get_setting
from core.webhooks.outbox import Event, emit_all, listening
from models.accounts import Account
from models.db import Session, is_postgres, utcnow
from models.health import HealthScore
from models.usage import EngagementEvent, KeyFeature, UsageAccountDay, UsageUserDay, UsageUserFeatureDay
from surveys.maturity.queries import latest_levels


@dataclass
class AccountFacts:
    """What recompute and the warnings know about one account on one day."""

    account_id: int
    csm_id: Optional[int]
    arr: Decimal
    customer_since: date
    inputs: AccountInputs
    last_login_day: Optional[date] = None
    maturity_previous: Optional[int] = None


def health_weights() -> dict:
    """The component weights from the settings (defaults when unset)."""
    return {**DEFAULT_WEIGHTS, **(get_setting("health.weights", DEFAULT_WEIGHTS) or {})}


def health_bands() -> dict:
    """The band thresholds from the settings (defaults when unset)."""
    return {**DEFAULT_BANDS, **(get_setting("health.bands", DEFAULT_BANDS) or {})}


def gather(as_of: date, account_ids: Optional[list[int]] = None, *,
           engagement_until: Optional[datetime] = None) -> dict[int, AccountFacts]:
    """Figures for every active account on as_of (or only these), from a handful of aggregate queries.

    Portal engagement counts up to the end of as_of, or only before engagement_until when given.
    """

    def only(column):
        return column.in_(account_ids) if account_ids is not None else true()

    recent_start = as_of - timedelta(days=27)
    prev_start = as_of - timedelta(days=55)
    facts: dict[int, AccountFacts] = {}
    for row in Session.execute(
        select(Account.id, Account.csm_id, Account.arr, Account.seats, Account.customer_since).where(
            or_(Account.status == "active", Account.churned_on > as_of), Account.customer_since <= as_of,
            only(Account.id))
    ):
        facts[row.id] = AccountFacts(row.id, row.csm_id, Decimal(row.arr), row.customer_since, AccountInputs(seats=row.seats, as_of=as_of))

    # One pass over the 56 days of the trend windows; the last login and whether there was usage before the
    # last 28 days come from it too, except for the accounts whose answer lies before the windows: only those
    # read older days. Reading a year of days for every account cost more than the rest of this pass.
    in_recent = UsageAccountDay.day >= recent_start
    for row in Session.execute(
        select(
            UsageAccountDay.account_id,
            func.sum(case((in_recent, UsageAccountDay.active_users), else_=0)).label("recent"),
            func.sum(case((in_recent, 0), else_=UsageAccountDay.active_users)).label("previous"),
            func.max(case((UsageAccountDay.logins > 0, UsageAccountDay.day))).label("last_login"),
            func.min(UsageAccountDay.day).label("first_day"),
        )
        .where(UsageAccountDay.day >= prev_start, UsageAccountDay.day <= as_of, only(UsageAccountDay.account_id))
        .group_by(UsageAccountDay.account_id)
    ):
        f = facts.get(row.account_id)
        if f is not None:
            f.inputs.user_days_28d = int(row.recent or 0)
            f.inputs.user_days_prev_28d = int(row.previous or 0)
            f.last_login_day = row.last_login
            f.inputs.has_usage_before = row.first_day < recent_start
    earlier = [account_id for account_id, f in facts.items() if f.last_login_day is None or not f.inputs.has_usage_before]
    for start in range(0, len(earlier), 5000):
        for row in Session.execute(
            select(UsageAccountDay.account_id,
                   func.max(case((UsageAccountDay.logins > 0, UsageAccountDay.day))).label("last_login"))
            .where(UsageAccountDay.day < prev_start, UsageAccountDay.account_id.in_(earlier[start:start + 5000]))
            .group_by(UsageAccountDay.account_id)
        ):
            f = facts[row.account_id]
            f.inputs.has_usage_before = True  # a row before prev_start is usage before the last 28 days
            f.last_login_day = f.last_login_day or row.last_login

    # Distinct counts as a grouped subquery (a hash aggregate), not count(DISTINCT) (a sort per group).
    user_pairs = (
        select(UsageUserDay.account_id, UsageUserDay.user_id)
        .where(UsageUserDay.day >= recent_start, UsageUserDay.day <= as_of, only(UsageUserDay.account_id))
        .group_by(UsageUserDay.account_id, UsageUserDay.user_id)
        .subquery()
    )
    for account_id, users in Session.execute(
        select(user_pairs.c.account_id, func.count()).group_by(user_pairs.c.account_id)
    ):
        if account_id in facts:
            facts[account_id].inputs.users_28d = int(users)

    key_feature_names = list(Session.scalars(select(KeyFeature.feature)))
    key_features = len(key_feature_names)
    feature_users: dict[int, list[int]] = {}  # account -> distinct users of each key feature it used
    if key_features:
        triples = (
            select(UsageUserFeatureDay.account_id, UsageUserFeatureDay.feature, UsageUserFeatureDay.user_id)
            .where(UsageUserFeatureDay.day >= recent_start, UsageUserFeatureDay.day <= as_of,
                   UsageUserFeatureDay.feature.in_(key_feature_names), only(UsageUserFeatureDay.account_id))
            .group_by(UsageUserFeatureDay.account_id, UsageUserFeatureDay.feature, UsageUserFeatureDay.user_id)
            .subquery()
        )
        for account_id, users in Session.execute(
            select(triples.c.account_id, func.count()).group_by(triples.c.account_id, triples.c.feature)
        ):
            feature_users.setdefault(account_id, []).append(int(users))

    nps = nps_by_account(as_of, account_ids)

    since_90 = midnight(as_of - timedelta(days=89))
    engagement = {
        row.account_id: int(row.recent or 0)
        for row in Session.execute(
            select(
                EngagementEvent.account_id,
                func.sum(case((EngagementEvent.ts >= since_90, 1), else_=0)).label("recent"),
            )
            .where(EngagementEvent.ts < (engagement_until or midnight(as_of + timedelta(days=1))),
                   only(EngagementEvent.account_id))
            .group_by(EngagementEvent.account_id)
        )
    }

    plan = progress_by_account(as_of)
    levels = latest_levels()

    for account_id, f in facts.items():
        f.inputs.key_features = key_features
        users_by_feature = feature_users.get(account_id, [])
        f.inputs.key_features_used_28d = len(users_by_feature)
        if key_features and f.inputs.users_28d:
            f.inputs.key_feature_share = sum(min(1.0, n / f.inputs.users_28d) for n in users_by_feature) / key_features
        if account_id in nps:
            f.inputs.nps, f.inputs.nps_responses = nps[account_id]
        f.inputs.engagement_90d = engagement.get(account_id)
        if plan.get(account_id) is not None:
            f.inputs.plan_progress = float(plan[account_id])
        if levels.get(account_id):
            f.inputs.maturity_level, f.maturity_previous = levels[account_id]
    return facts


def compute_all(as_of: date) -> tuple[dict[int, AccountFacts], dict[int, HealthResult]]:
    """Facts and scores of every active account (nothing is written)."""
    facts = gather(as_of)
    weights, bands = health_weights(), health_bands()
    return facts, {account_id: score_account(f.inputs, weights, bands) for account_id, f in facts.items()}


def store(as_of: date, facts: dict[int, AccountFacts], results: dict[int, HealthResult]) -> int:
    """Replace the history rows of as_of with these results in one bulk insert."""
    Session.execute(delete(HealthScore).where(HealthScore.as_of == as_of))
    now = utcnow()
    columns = ("account_id", "as_of", "score", "band", "components_json", "arr", "computed_at")
    rows = [(account_id, as_of, r.score, r.band, json.dumps(r.as_dicts()), facts[account_id].arr, now)
            for account_id, r in results.items()]
    if rows and is_postgres(Session):
        # COPY: a tenth of the time of the multi-row INSERTs for 10,000 rows of components.
        cursor = Session.connection().connection.driver_connection.cursor()
        with cursor.copy(f"COPY health_score ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.close()
    elif rows:
        # A Core insert batches many rows per statement (insertmanyvalues), far fewer round trips than executemany.
        Session.connection().execute(insert(HealthScore.__table__), [dict(zip(columns, row)) for row in rows])
    return len(rows)


RECOMPUTE_LOCK = 7_240_301  # PostgreSQL advisory lock key held by a health recompute until it commits


def recompute(as_of: Optional[date] = None, *, warnings: bool = True) -> dict:
    """Compute and store the health of every account scored on as_of (onboarding ones are not), then raise
    warnings (flushes; the caller commits)."""
    as_of = as_of or utcnow().date()
    if is_postgres(Session):
        # Two recomputes at once would both insert the day's rows and warnings: the second waits for the first
        # to commit, then replaces its rows and finds its warnings already raised.
        Session.execute(select(func.pg_advisory_xact_lock(RECOMPUTE_LOCK)))
        # The distinct-user counts hash a few hundred thousand groups: with the default 4 MB they spill to
        # disk; compiling these one-off queries (JIT) costs more than it saves. Both last until the commit.
        Session.execute(text("SET LOCAL work_mem = '64MB'"))
        Session.execute(text("SET LOCAL jit = off"))
    facts, results = compute_all(as_of)
    # An onboarding account has no band (not red): nothing is stored for it, so the history, the
    # distribution, the forecast and band changes start the day it is scored.
    onboarding = frozenset(onboarding_on(
        {account_id: f.customer_since for account_id, f in facts.items() if not f.inputs.has_usage_before}, as_of))
    scored = {account_id: result for account_id, result in results.items() if account_id not in onboarding}
    raised = []
    if warnings:
        raised = raise_warnings(as_of, facts, scored, onboarding)
    _emit_band_changes(as_of, scored)
    stored = store(as_of, facts, scored)
    Session.flush()
    return {"as_of": as_of, "accounts": stored, "warnings": len(raised)}


def _emit_band_changes(as_of: date, results: dict[int, HealthResult]) -> int:
    """Queue health.band_changed for accounts whose band differs from the one stored last (before storing)."""
    if not results or not listening("health.band_changed"):
        return 0
    prior = score_on(list(results), as_of, summary=True)
    changed = {account_id: (prior[account_id].band, result) for account_id, result in results.items()
               if account_id in prior and prior[account_id].band and result.band
               and prior[account_id].band != result.band}
    if not changed:
        return 0
    exts = dict(Session.execute(select(Account.id, Account.external_id).where(Account.id.in_(changed))).all())
    return emit_all([Event("health.band_changed", account_id, exts[account_id],
                           {"from": old, "to": result.band, "score": round(result.score, 1), "as_of": as_of.isoformat()})
                     for account_id, (old, result) in changed.items()])


def health_now(account: Account, as_of: Optional[date] = None) -> tuple[date, HealthResult]:
    """The latest stored score of an account, or one computed now (and not stored) when none is stored.

    Nothing is written: a page view must not commit. The score computed on demand leaves out the
    portal visits of the day itself, so every viewer that day (the customer, then their CSM) sees the
    same figure until the daily recompute stores one.
    """
    row = latest_score(account.id)
    if row is not None:
        components = json.loads(row.components_json)
        return row.as_of, HealthResult(row.score, row.band, [Component(**c) for c in components])
    as_of = as_of or utcnow().date()
    facts = gather(as_of, [account.id], engagement_until=midnight(as_of))
    if account.id not in facts:
        facts[account.id] = AccountFacts(account.id, account.csm_id, Decimal(account.arr), account.customer_since,
                                         AccountInputs(seats=account.seats, as_of=as_of))
    return as_of, score_account(facts[account.id].inputs, health_weights(), health_bands())
