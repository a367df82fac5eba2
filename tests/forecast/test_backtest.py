"""The forecast learns hidden churn rules: rolling-origin backtest on a generated history, and the maths by hand."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from analytics.forecast.backtest import calibration_deciles, expected_calibration_error, rolling_backtest, skill
from analytics.forecast.model import fit, origin_days, tables_by_day
from analytics.forecast.synthetic import generate

END = date(2026, 6, 30)


@pytest.fixture(scope="module")
def backtest():
    histories = generate(accounts=400, days=730, seed=5, end=END)
    tables = tables_by_day(histories, origin_days(END - timedelta(days=729 - 56), END))
    return rolling_backtest(histories, tables, END, min_churns=20)


def test_regression_beats_both_baselines_and_is_calibrated(backtest):
    assert backtest["models"].get("logistic", 0) > backtest["forecasts"] / 2
    assert backtest["skill_vs_base_rate"] > 0 and backtest["skill_vs_persistence"] > 0
    assert backtest["auc"] > 0.7
    assert backtest["ece"] < 0.05
    assert len(backtest["deciles"]) == 10 and sum(d["n"] for d in backtest["deciles"]) == backtest["forecasts"]


def test_too_little_history_gives_no_model_and_says_why():
    histories = generate(accounts=3, days=60, seed=1, end=END)
    tables = tables_by_day(histories, origin_days(END - timedelta(days=59), END))
    model, reason = fit(histories, tables, END, min_churns=20)
    assert model is None and "too short to learn from" in reason


def test_without_churns_there_is_nothing_to_learn():
    histories = generate(accounts=60, days=300, seed=2, end=END)
    for h in histories:
        h.churned_on = None
    tables = tables_by_day(histories, origin_days(END - timedelta(days=299), END))
    model, reason = fit(histories, tables, END, min_churns=20)
    assert model is None and reason.startswith("No account has churned")


def test_calibration_deciles_and_error_by_hand():
    predictions = np.array([0.1] * 5 + [0.5] * 5)
    outcomes = np.array([0, 0, 0, 0, 1, 1, 1, 0, 0, 0], dtype=float)
    deciles = calibration_deciles(predictions, outcomes, groups=2)
    assert deciles == [{"n": 5, "predicted": pytest.approx(0.1), "observed": 0.2},
                       {"n": 5, "predicted": pytest.approx(0.5), "observed": 0.4}]
    assert expected_calibration_error(deciles) == pytest.approx(0.5 * 0.1 + 0.5 * 0.1)
    assert skill(0.08, 0.1) == pytest.approx(0.2) and skill(0.1, 0.0) is None
