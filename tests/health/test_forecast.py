"""The churn forecast: Markov estimation, three-step probabilities, and a backtest against 'stays in its band'."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from analytics.forecast import BANDS, Chain, backtest, brier, estimate, monthly_sequences

TRUE_CHAIN = {
    "green": {"green": 0.85, "yellow": 0.12, "red": 0.03},
    "yellow": {"green": 0.25, "yellow": 0.50, "red": 0.25},
    "red": {"green": 0.05, "yellow": 0.35, "red": 0.60},
}


def walk(rng: random.Random, start: str, months: int) -> list[str]:
    bands = [start]
    for _ in range(months - 1):
        r, acc = rng.random(), 0.0
        for band in BANDS:
            acc += TRUE_CHAIN[bands[-1]][band]
            if r < acc:
                bands.append(band)
                break
        else:
            bands.append(BANDS[-1])
    return bands


def test_monthly_sequences_take_the_latest_row_of_each_30_days():
    """Weekly rows over 90 days give three monthly bands, oldest first."""
    latest = date(2026, 6, 30)
    rows = [(1, latest - timedelta(days=7 * k), "green" if k < 5 else "red") for k in range(13)]
    assert monthly_sequences(rows, latest) == {1: ["red", "red", "green"]}


def test_three_step_probability_by_hand():
    """From yellow, P(red in 3 months) is the (yellow, red) entry of the matrix cubed."""
    chain = Chain(TRUE_CHAIN, 100, {})
    m = TRUE_CHAIN
    two = {a: {b: sum(m[a][k] * m[k][b] for k in BANDS) for b in BANDS} for a in BANDS}
    three = sum(two["yellow"][k] * m[k]["red"] for k in BANDS)
    assert chain.probability("yellow") == pytest.approx(three)


def test_estimate_counts_transitions_and_skips_gaps():
    """Gaps in a sequence are not transitions; the count is reported."""
    chain = estimate({1: ["green", "yellow", None, "red", "red"], 2: ["green", "green"]})
    assert chain.transitions == 3
    assert chain.matrix["green"] == {"green": 0.5, "yellow": 0.5, "red": 0.0}
    assert chain.matrix["red"]["red"] == 1.0


def test_backtest_forecast_beats_staying_in_band():
    """On generated history, the Markov forecast's Brier score for 'red in 90 days' beats 'stays in its band'."""
    rng = random.Random(11)
    histories = {a: walk(rng, rng.choice(BANDS), 18) for a in range(300)}
    train = {a: seq[:12] for a, seq in histories.items()}
    chain = estimate(train)
    predictions, naive, outcomes = [], [], []
    for seq in histories.values():
        for start in range(12, 15):
            now, later = seq[start], seq[start + 3]
            predictions.append(chain.probability(now))
            naive.append(1.0 if now == "red" else 0.0)
            outcomes.append(later == "red")
    assert chain.transitions == 300 * 11
    assert brier(predictions, outcomes) < brier(naive, outcomes)


def test_backtest_function_reports_both_brier_scores():
    """backtest() fits on the first months and scores later forecasts; the Markov one wins on generated history."""
    rng = random.Random(5)
    histories = {a: walk(rng, rng.choice(BANDS), 15) for a in range(200)}
    result = backtest(histories, 10)
    assert result["forecasts"] == 200 * 3 and result["transitions"] == 200 * 9
    assert result["brier_markov"] < result["brier_naive"]
    assert brier([0.0, 1.0], [False, True]) == 0.0


def test_the_cached_forecast_changes_once_a_recompute_writes_new_history(app, create_account):
    """red_risk is kept between pages, but new history rows (a recompute) give a new forecast at once."""
    from datetime import date, timedelta

    from analytics.forecast import red_risk
    from models.db import Session
    from models.health import HealthScore

    today = date(2026, 6, 30)
    account = create_account(external_id="RISKY")
    for month in range(6):
        day = today - timedelta(days=30 * (6 - month))
        Session.add(HealthScore(account_id=account.id, as_of=day, score=80.0, band="green"))
    Session.commit()
    _, before = red_risk(today)
    assert before == {account.id: 0.0}  # green month after green month: nothing ever turned red
    for month in range(6):
        day = today - timedelta(days=30 * (5 - month))
        Session.add(HealthScore(account_id=account.id, as_of=day + timedelta(days=1), score=20.0,
                                band="red" if month % 2 else "green"))
    Session.commit()
    _, after = red_risk(today)
    assert after.get(account.id, 0.0) > 0.0
