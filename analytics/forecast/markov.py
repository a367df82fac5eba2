"""The fallback forecast: a Markov chain of monthly moves between band × trend states, with churn absorbing.

"The future is independent of the past, given the present": so the present state carries the trend (the
health score falling, steady or rising over 30 days) beside the band. The chain is estimated from 30-day
steps of every account's history; P(churn within 90 days) is the chance of reaching `churned` in 3 steps.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

BANDS = ("red", "yellow", "green")
TRENDS = ("falling", "steady", "rising")
CHURNED = "churned"
STATES = tuple(f"{band} {trend}" for band in BANDS for trend in TRENDS) + (CHURNED,)
STEP_DAYS = 30  # one "month"
HORIZON_STEPS = 3  # 90 days
TREND_POINTS = 5.0  # a 30-day change of more than this many points is a trend
PRIOR_WEIGHT = 2.0  # pseudo-moves drawn from the pooled moves, so a rarely seen state borrows from the rest


def trend_of(change_30d: float) -> str:
    """falling, steady or rising from the 30-day change of the health score."""
    if change_30d < -TREND_POINTS:
        return "falling"
    if change_30d > TREND_POINTS:
        return "rising"
    return "steady"


def state_of(features: dict[str, float]) -> str:
    """The band × trend state of an account's indicators."""
    band = "red" if features["band_red"] else "yellow" if features["band_yellow"] else "green"
    return f"{band} {trend_of(features['score_change_30d'])}"


@dataclass
class Chain:
    """Monthly transition probabilities between states, and the moves they rest on."""

    matrix: dict[str, dict[str, float]]
    transitions: int
    churns: int

    def probability(self, start: str, steps: int = HORIZON_STEPS) -> float:
        """P(churned within `steps` months | state now = start)."""
        dist = {s: 1.0 if s == start else 0.0 for s in STATES}
        for _ in range(steps):
            dist = {b: sum(dist[a] * self.matrix[a][b] for a in STATES) for b in STATES}
        return dist[CHURNED]

    def as_json(self) -> dict:
        """Plain JSON to store."""
        return {"matrix": self.matrix, "transitions": self.transitions, "churns": self.churns}

    @classmethod
    def from_json(cls, data: dict) -> "Chain":
        """The chain stored by as_json."""
        return cls(data["matrix"], data["transitions"], data["churns"])


def estimate(moves: list[tuple[str, str]]) -> Chain:
    """Count (state, state a month later) moves; churned is absorbing; each row is smoothed toward the pooled moves."""
    live = STATES[:-1]
    counts = {a: {b: 0.0 for b in STATES} for a in live}
    for before, after in moves:
        counts[before][after] += 1
    pooled = {b: sum(counts[a][b] for a in live) for b in STATES}
    total = sum(pooled.values())
    matrix = {}
    for a in live:
        prior = {b: (pooled[b] / total if total else (1.0 if a == b else 0.0)) for b in STATES}
        n = sum(counts[a].values())
        matrix[a] = {b: (counts[a][b] + PRIOR_WEIGHT * prior[b]) / (n + PRIOR_WEIGHT) for b in STATES}
    matrix[CHURNED] = {b: 1.0 if b == CHURNED else 0.0 for b in STATES}
    churns = sum(1 for _, after in moves if after == CHURNED)
    return Chain(matrix, len(moves), churns)


def monthly_moves(states_by_day: dict[date, dict[int, str]], churned_on: dict[int, date | None],
                  last_day: date) -> list[tuple[str, str]]:
    """Moves from each account's state on a day to its state 30 days later (or churned in between).

    `states_by_day` holds the states on days 30 days apart; a move whose second day lies after `last_day` is
    not known yet and is left out, as is an account with no state 30 days later (a gap is not a move).
    """
    moves = []
    for day, states in states_by_day.items():
        later_day = day + timedelta(days=STEP_DAYS)
        if later_day > last_day:
            continue
        later = states_by_day.get(later_day, {})
        for account_id, state in states.items():
            churn = churned_on.get(account_id)
            if churn is not None and day < churn <= later_day:
                moves.append((state, CHURNED))
            elif account_id in later:
                moves.append((state, later[account_id]))
    return moves
