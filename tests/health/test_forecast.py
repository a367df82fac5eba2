"""The fallback forecast: a Markov chain over band × trend with churn absorbing; three-step probabilities by hand;
estimation from monthly moves; a backtest against the base rate and persistence."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from analytics.forecast.markov import CHURNED, STATES, Chain, estimate, monthly_moves, state_of, trend_of
from analytics.forecast.model import brier

LIVE = STATES[:-1]


def chain_with(churn_by_state: dict[str, float]) -> Chain:
    """A chain where each live state churns with the given monthly probability and otherwise stays put."""
    matrix = {a: {b: 0.0 for b in STATES} for a in STATES}
    for a in LIVE:
        matrix[a][CHURNED] = churn_by_state.get(a, 0.0)
        matrix[a][a] = 1 - matrix[a][CHURNED]
    matrix[CHURNED][CHURNED] = 1.0
    return Chain(matrix, 100, 5)


def test_three_step_churn_probability_by_hand():
    """Staying put with monthly churn p, P(churn within 3 months) = 1 − (1 − p)³."""
    chain = chain_with({"red falling": 0.2})
    assert chain.probability("red falling") == pytest.approx(1 - 0.8 ** 3)
    assert chain.probability("green steady") == 0.0


def test_three_step_probability_through_another_state():
    """yellow falling → red falling next month for sure, then red falling churns at 0.5 a month: 1 − 0.5² over 3."""
    chain = chain_with({"red falling": 0.5})
    chain.matrix["yellow falling"] = {b: 1.0 if b == "red falling" else 0.0 for b in STATES}
    assert chain.probability("yellow falling") == pytest.approx(1 - 0.5 ** 2)


def test_state_carries_the_trend():
    assert (trend_of(-5.1), trend_of(-5.0), trend_of(5.0), trend_of(5.1)) == ("falling", "steady", "steady", "rising")
    assert state_of({"band_red": 1.0, "band_yellow": 0.0, "score_change_30d": -12.0}) == "red falling"
    assert state_of({"band_red": 0.0, "band_yellow": 0.0, "score_change_30d": 0.0}) == "green steady"


def test_moves_skip_gaps_and_unknown_futures_and_count_churns():
    """A state 30 days later is a move; churn in between is a move to churned; gaps and the future are not moves."""
    d0 = date(2026, 1, 1)
    d1, d2 = d0 + timedelta(days=30), d0 + timedelta(days=60)
    states = {d0: {1: "green steady", 2: "yellow falling", 3: "red steady"},
              d1: {1: "green rising", 3: "red steady"}, d2: {1: "green steady", 3: "red falling"}}
    moves = monthly_moves(states, {2: d0 + timedelta(days=10), 3: None}, last_day=d1)
    assert sorted(moves) == sorted([("green steady", "green rising"), ("yellow falling", CHURNED),
                                    ("red steady", "red steady")])


def test_estimate_is_absorbing_and_smoothed_toward_the_pooled_moves():
    chain = estimate([("red falling", CHURNED)] * 3 + [("green steady", "green steady")] * 7)
    assert chain.transitions == 10 and chain.churns == 3
    assert chain.matrix[CHURNED][CHURNED] == 1.0
    for state in LIVE:
        assert sum(chain.matrix[state].values()) == pytest.approx(1.0)
    # red falling: 3 churns of 3 moves plus 2 pseudo-moves at the pooled 30% churn
    assert chain.matrix["red falling"][CHURNED] == pytest.approx((3 + 2 * 0.3) / 5)
    assert chain.probability("red falling") > chain.probability("green steady")


def walk(rng: random.Random, true: Chain, start: str, months: int) -> list[str]:
    states = [start]
    for _ in range(months - 1):
        if states[-1] == CHURNED:
            break
        r, acc = rng.random(), 0.0
        for state in STATES:
            acc += true.matrix[states[-1]][state]
            if r < acc:
                states.append(state)
                break
        else:
            states.append(states[-1])
    return states


def test_estimated_chain_beats_the_base_rate_on_generated_history():
    """The chain learnt from 12 months forecasts churn within 3 months better (Brier) than the base rate."""
    rng = random.Random(11)
    churn = {"red falling": 0.15, "red steady": 0.08, "yellow falling": 0.05}
    true = chain_with({})
    for a in LIVE:  # stay with 0.6, else move to any live state; churn as the state says
        p = churn.get(a, 0.005)
        true.matrix[a] = {b: (1 - p) * (0.6 * (a == b) + 0.4 / len(LIVE)) for b in LIVE} | {CHURNED: p}
    walks = [walk(rng, true, rng.choice(LIVE), 18) for _ in range(400)]
    moves = [(w[i], w[i + 1]) for w in walks for i in range(min(len(w) - 1, 11))]
    chain = estimate(moves)
    predictions, outcomes = [], []
    for w in walks:
        for start in range(12, 15):
            if start < len(w) and w[start] != CHURNED:
                predictions.append(chain.probability(w[start]))
                outcomes.append(CHURNED in w[start + 1:start + 4])
    base_rate = sum(outcomes) / len(outcomes)
    assert brier(predictions, outcomes) < brier([base_rate] * len(outcomes), outcomes)
