"""Demo revenue: ARR histories with expansions and contractions, the warnings that came before each churn, and
the first fit of the churn forecast, so retention, NRR and the forecast show real, varied figures."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import insert

from analytics.forecast.service import refit
from analytics.health.recompute import gather, health_bands, health_weights
from analytics.health.scoring import score_account
from analytics.health.warnings import STATE_KINDS, _detractors, _previous_bands, find_conditions
from models.db import Session, utcnow
from models.health import HealthWarning
from models.revenue import ArrChange

WARNING_DAYS_BEFORE_CHURN = (42, 28, 14)  # the recomputes whose warnings the churned accounts' CSMs received


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(6, 0), tzinfo=timezone.utc)


def _round_thousands(value: Decimal) -> Decimal:
    return Decimal(int(value / 1000) * 1000)


def arr_rows(ctx) -> list[dict]:
    """Each account's ARR history: healthy ones sometimes expanded, recovering ones sometimes contracted."""
    rng, now, rows = ctx.rng, utcnow(), []
    for account in ctx.accounts:
        story = ctx.stories[account.id]
        start, arr = account.customer_since, Decimal(account.arr)
        last = account.churned_on - timedelta(days=1) if account.churned_on else ctx.today
        span = (last - max(start, ctx.start)).days
        change = None
        if span > 60 and story == "healthy" and rng.random() < 0.45:
            change = (_round_thousands(arr * Decimal(rng.uniform(0.6, 0.85))), arr)  # expansion to today's ARR
        elif span > 60 and story in ("recovering", "declining") and rng.random() < 0.5:
            change = (_round_thousands(arr * Decimal(rng.uniform(1.15, 1.5))), arr)  # contraction to today's ARR
        if change is None:
            rows.append({"account_id": account.id, "effective_on": start, "arr": arr, "recorded_at": now})
            continue
        effective = max(start, ctx.start) + timedelta(days=rng.randint(30, span - 15))
        rows.append({"account_id": account.id, "effective_on": start, "arr": change[0], "recorded_at": now})
        rows.append({"account_id": account.id, "effective_on": effective, "arr": change[1], "recorded_at": now})
    return rows


def warnings_before_churn(ctx) -> list[dict]:
    """The warnings the health recomputes raised in the weeks before each churn (mailed then, closed at churn)."""
    weights, bands = health_weights(), health_bands()
    rows, seen = [], set()
    for account_id, churned_on in ctx.churn_on.items():
        for days_before in WARNING_DAYS_BEFORE_CHURN:
            day = churned_on - timedelta(days=days_before)
            facts = gather(day, [account_id])
            if not facts:
                continue
            results = {a: score_account(f.inputs, weights, bands) for a, f in facts.items()}
            detractors = [d for d in _detractors(day) if d[1] == account_id]
            for finding in find_conditions(day, facts, results, _previous_bands(day, [account_id]), detractors):
                if finding.kind in STATE_KINDS and (account_id, finding.kind) in {s[:2] for s in seen}:
                    continue  # one episode of a state until the churn
                key = f"since:{day.isoformat()}" if finding.kind in STATE_KINDS else finding.event_key
                if (account_id, finding.kind, key) in seen:
                    continue
                seen.add((account_id, finding.kind, key))
                rows.append({"account_id": account_id, "kind": finding.kind, "episode_key": key,
                             "figures_json": json.dumps(finding.figures), "message": finding.message,
                             "raised_at": _midnight(day), "as_of": day, "mailed_at": _midnight(day),
                             "resolved_at": _midnight(churned_on)})
    return rows


def seed_revenue(ctx) -> None:
    """ARR histories, the warnings before each churn, then the forecast fitted on the demo's history."""
    Session.execute(insert(ArrChange), arr_rows(ctx))
    warnings = warnings_before_churn(ctx)
    if warnings:
        Session.execute(insert(HealthWarning), warnings)
    Session.flush()
    refit(ctx.today)
