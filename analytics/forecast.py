"""Churn-risk forecast: a Markov chain of monthly band transitions, estimated from all accounts' history."""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from models.db import Session
from models.health import HealthScore

BANDS = ("red", "yellow", "green")
STEP_DAYS = 30  # one "month"
HORIZON_STEPS = 3  # 90 days


@dataclass
class Chain:
    """Transition probabilities between bands over one month, and how many transitions they rest on."""

    matrix: dict[str, dict[str, float]]
    transitions: int
    counts: dict[str, dict[str, int]]

    def probability(self, start: str, target: str = "red", steps: int = HORIZON_STEPS) -> float:
        """P(band after `steps` months = target | band now = start)."""
        dist = {b: 1.0 if b == start else 0.0 for b in BANDS}
        for _ in range(steps):
            dist = {b: sum(dist[a] * self.matrix[a][b] for a in BANDS) for b in BANDS}
        return dist[target]


def monthly_sequences(rows, latest: date | None = None) -> dict[int, list[str]]:
    """Per account, its band at 30-day steps back from the latest day (oldest first), from (account, as_of, band) rows."""
    rows = list(rows)
    if not rows:
        return {}
    latest = latest or max(r[1] for r in rows)
    by_step: dict[int, dict[int, tuple[date, str]]] = defaultdict(dict)
    for account_id, as_of, band in rows:
        # Step k holds days (latest - 30(k+1), latest - 30k]; the latest day of each step stands for it.
        step = (latest - as_of).days // STEP_DAYS
        held = by_step[account_id].get(step)
        if held is None or as_of > held[0]:
            by_step[account_id][step] = (as_of, band)
    sequences = {}
    for account_id, steps in by_step.items():
        ordered = []
        for step in range(max(steps), -1, -1):
            # A gap in the history breaks the chain: only consecutive months are transitions.
            ordered.append(steps[step][1] if step in steps else None)
        sequences[account_id] = ordered
    return sequences


def estimate(sequences: dict[int, list[str]]) -> Chain:
    """Count consecutive-month transitions; rows with no data stay in their band."""
    counts = {a: {b: 0 for b in BANDS} for a in BANDS}
    total = 0
    for seq in sequences.values():
        for before, after in zip(seq, seq[1:]):
            if before is not None and after is not None:
                counts[before][after] += 1
                total += 1
    matrix = {}
    for a in BANDS:
        n = sum(counts[a].values())
        matrix[a] = {b: (counts[a][b] / n if n else (1.0 if a == b else 0.0)) for b in BANDS}
    return Chain(matrix, total, counts)


def brier(predictions: list[float], outcomes: list[bool]) -> float:
    """Mean squared error of probabilities against what happened."""
    return sum((p - (1.0 if o else 0.0)) ** 2 for p, o in zip(predictions, outcomes)) / max(1, len(outcomes))


def chain_from_history(today: date, days: int = 730) -> tuple[Chain, dict[int, str]]:
    """The chain estimated from every account's stored history, and each account's latest band."""
    rows = Session.execute(
        select(HealthScore.account_id, HealthScore.as_of, HealthScore.band).where(
            HealthScore.as_of > today - timedelta(days=days), HealthScore.as_of <= today)
    ).all()
    sequences = monthly_sequences([tuple(r) for r in rows], latest=max((r[1] for r in rows), default=today))
    latest = {account_id: seq[-1] for account_id, seq in sequences.items() if seq and seq[-1] is not None}
    return estimate(sequences), latest


# The forecast reads two years of every account's history; it only changes when a recompute writes new rows
# (new ids), so the last answer is kept per process under (today, the newest history row's id and time).
_last_risk: dict[tuple, tuple[Chain, dict[int, float]]] = {}
_last_risk_lock = threading.Lock()


def history_version() -> tuple | None:
    """The newest health history row's id and time: it changes whenever a recompute writes the history."""
    newest = Session.execute(select(HealthScore.id, HealthScore.computed_at)
                             .order_by(HealthScore.id.desc()).limit(1)).first()
    return tuple(newest) if newest else None


def red_risk(today: date) -> tuple[Chain, dict[int, float]]:
    """Each account's probability of being red in 90 days, from its latest band."""
    key = (today, history_version())
    with _last_risk_lock:
        if key in _last_risk:
            return _last_risk[key]
    result = _red_risk(today)
    with _last_risk_lock:
        _last_risk.clear()
        _last_risk[key] = result
    return result


def _red_risk(today: date) -> tuple[Chain, dict[int, float]]:
    chain, latest = chain_from_history(today)
    if chain.transitions == 0:
        return chain, {}  # no month-to-month history yet: no forecast rather than "stays as it is"
    return chain, {account_id: chain.probability(band) for account_id, band in latest.items()}


def backtest(sequences: dict[int, list[str]], train_steps: int) -> dict:
    """Fit on the first train_steps months, then score 'red in 3 months' forecasts from each later month.

    Returns the Brier scores of the Markov forecast and of the naive 'stays in its band' forecast.
    """
    chain = estimate({a: seq[:train_steps] for a, seq in sequences.items()})
    predictions, naive, outcomes = [], [], []
    for seq in sequences.values():
        for start in range(train_steps - 1, len(seq) - HORIZON_STEPS):
            now, later = seq[start], seq[start + HORIZON_STEPS]
            if now is None or later is None:
                continue
            predictions.append(chain.probability(now))
            naive.append(1.0 if now == "red" else 0.0)
            outcomes.append(later == "red")
    return {"forecasts": len(outcomes), "transitions": chain.transitions,
            "brier_markov": brier(predictions, outcomes), "brier_naive": brier(naive, outcomes)}
