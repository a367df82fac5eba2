"""Fitting the churn forecast on a history as of a day, and applying it: pure (plain histories in, numbers out).

With at least `min_churns` churns in the labelled history: a regularised logistic regression (scikit-learn,
L2, standardised indicators), calibrated by Platt scaling on out-of-fold predictions. With fewer: the
band × trend Markov chain. With too little for that: no model, and the reason.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits

from analytics.forecast import markov
from analytics.forecast.features import FEATURES, HORIZON_DAYS, AccountHistory, factor_sentence, features_table

ORIGIN_STEP_DAYS = 30  # training samples: each account's indicators every 30 days
MIN_MOVES = 30  # the Markov chain needs at least this many monthly moves, and one churn
REGULARISATION_C = 0.3  # inverse L2 strength on standardised indicators


@dataclass
class Samples:
    """Indicators, outcomes and where they come from."""

    rows: list[dict[str, float]] = field(default_factory=list)
    outcomes: list[bool] = field(default_factory=list)
    origins: list[date] = field(default_factory=list)
    accounts: list[int] = field(default_factory=list)

    def matrix(self) -> np.ndarray:
        """The indicators as an array, columns in FEATURES order."""
        return np.array([[row[name] for name in FEATURES] for row in self.rows], dtype=float).reshape(-1, len(FEATURES))


def origin_days(first: date, last: date, step: int = ORIGIN_STEP_DAYS) -> list[date]:
    """Days `step` apart ending on `last`, not before `first` (oldest first)."""
    days, day = [], last
    while day >= first:
        days.append(day)
        day -= timedelta(days=step)
    return days[::-1]


def tables_by_day(histories: list[AccountHistory], days: list[date]) -> dict[date, dict[int, dict[str, float]]]:
    """Each day's features table."""
    return {day: features_table(histories, day) for day in days}


def labelled_samples(histories: list[AccountHistory], tables: dict[date, dict[int, dict]], as_of: date) -> Samples:
    """Samples whose 90-day outcome is known on `as_of` (origin + 90 days on or before it)."""
    by_id = {h.account_id: h for h in histories}
    samples = Samples()
    for day, table in sorted(tables.items()):
        if day + timedelta(days=HORIZON_DAYS) > as_of:
            continue
        for account_id, row in table.items():
            samples.rows.append(row)
            samples.outcomes.append(by_id[account_id].churns_within(day))
            samples.origins.append(day)
            samples.accounts.append(account_id)
    return samples


@dataclass
class LogisticForecast:
    """Standardised logistic regression with a Platt calibration of its logit."""

    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    platt_a: float
    platt_b: float
    churns: int  # positive samples (account-months followed by a churn within 90 days)
    samples: int
    kind: str = "logistic"

    def logit(self, rows: np.ndarray) -> np.ndarray:
        """The uncalibrated log-odds."""
        z = (rows - np.array(self.mean)) / np.array(self.scale)
        return z @ np.array(self.coef) + self.intercept

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of churn within 90 days."""
        return 1 / (1 + np.exp(-(self.platt_a * self.logit(rows) + self.platt_b)))

    def factors(self, row: dict[str, float], limit: int = 4) -> list[dict]:
        """The indicators that move this account's risk most, each with a sentence."""
        pushes = []
        for i, name in enumerate(FEATURES):
            push = self.platt_a * self.coef[i] * (row[name] - self.mean[i]) / self.scale[i]
            if abs(push) >= 0.05:
                pushes.append((abs(push), name, push > 0))
        pushes.sort(reverse=True)
        return [{"name": name, "effect": "raises" if raises else "lowers",
                 "explanation": factor_sentence(name, row[name], raises)} for _, name, raises in pushes[:limit]]

    def describe(self) -> str:
        """Which model spoke, in a sentence."""
        return (f"A regularised logistic regression on {len(FEATURES)} leading indicators, calibrated, fitted on "
                f"{self.samples} account-months, {self.churns} of them followed by a churn within 90 days.")

    def as_json(self) -> dict:
        """Plain JSON to store."""
        return {key: getattr(self, key) for key in ("mean", "scale", "coef", "intercept", "platt_a", "platt_b",
                                                    "churns", "samples")}


def fit_logistic(samples: Samples) -> LogisticForecast:
    """Fit the regression, then Platt-scale its out-of-fold logits (the calibration)."""
    x, y = samples.matrix(), np.array(samples.outcomes, dtype=int)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    regression = LogisticRegression(C=REGULARISATION_C, max_iter=1000)
    folds = StratifiedKFold(n_splits=min(5, int(y.sum())), shuffle=True, random_state=0)
    # Small fits: one BLAS thread each is several times faster than threads fighting over shared cores.
    with threadpool_limits(limits=1):
        out_of_fold = cross_val_predict(regression, z, y, cv=folds, method="decision_function")
        platt = LogisticRegression(C=1e4, max_iter=1000).fit(out_of_fold.reshape(-1, 1), y)
        regression.fit(z, y)
    return LogisticForecast(mean.tolist(), scale.tolist(), regression.coef_[0].tolist(),
                            float(regression.intercept_[0]), float(platt.coef_[0][0]), float(platt.intercept_[0]),
                            int(y.sum()), len(y))


@dataclass
class MarkovForecast:
    """The band × trend chain as a forecast."""

    chain: markov.Chain
    kind: str = "markov"

    def predict(self, rows: list[dict[str, float]]) -> np.ndarray:
        """P(churn within 90 days) from each row's state."""
        return np.array([self.chain.probability(markov.state_of(row)) for row in rows])

    def factors(self, row: dict[str, float], limit: int = 4) -> list[dict]:
        """The state's band and trend, each with a sentence."""
        band, trend = markov.state_of(row).split()
        change = row["score_change_30d"]
        return [
            {"name": "band", "effect": "lowers" if band == "green" else "raises",
             "explanation": f"Being in the {band} band {'lowers' if band == 'green' else 'raises'} the risk."},
            {"name": "score_change_30d", "effect": "raises" if trend == "falling" else "lowers",
             "explanation": factor_sentence("score_change_30d", change, trend == "falling")},
        ][:limit]

    def describe(self) -> str:
        """Which model spoke, in a sentence."""
        return (f"A Markov chain of monthly moves between band × trend states, estimated from "
                f"{self.chain.transitions} moves holding {self.chain.churns} churns (too few churns for the "
                "regression).")

    def as_json(self) -> dict:
        """Plain JSON to store."""
        return self.chain.as_json()


def markov_moves(histories: list[AccountHistory], tables: dict[date, dict[int, dict]], as_of: date):
    """The monthly state moves known on `as_of`."""
    states = {day: {a: markov.state_of(row) for a, row in table.items()} for day, table in tables.items()}
    return markov.monthly_moves(states, {h.account_id: h.churned_on for h in histories}, as_of)


def fit(histories: list[AccountHistory], tables: dict[date, dict[int, dict]], as_of: date,
        min_churns: int) -> tuple[Optional[object], str]:
    """The model to use on `as_of` from the tables of days up to it, or (None, the reason)."""
    tables = {day: table for day, table in tables.items() if day <= as_of}
    samples = labelled_samples(histories, tables, as_of)
    # Churns are accounts, not samples: one churn is seen from up to three origins within its 90 days.
    churns = len({a for a, churned in zip(samples.accounts, samples.outcomes) if churned})
    if churns >= min_churns and len(samples.outcomes) - sum(samples.outcomes) >= 5:
        return fit_logistic(samples), ""
    moves = markov_moves(histories, tables, as_of)
    chain = markov.estimate(moves)
    if chain.transitions >= MIN_MOVES and chain.churns >= 1:
        return MarkovForecast(chain), ""
    if not tables or chain.transitions < MIN_MOVES:
        return None, ("The history is too short to learn from: the forecast needs at least "
                      f"{MIN_MOVES} monthly moves of health, and has {chain.transitions}.")
    return None, "No account has churned in the stored history yet, so there is nothing to learn churn from."


def predict(model, rows: list[dict[str, float]]) -> np.ndarray:
    """Probabilities from either model."""
    if not rows:
        return np.array([])
    if isinstance(model, LogisticForecast):
        return model.predict(np.array([[row[name] for name in FEATURES] for row in rows], dtype=float))
    return model.predict(rows)


def model_from_json(kind: str, data: dict):
    """A stored model."""
    if kind == "logistic":
        return LogisticForecast(**data)
    if kind == "markov":
        return MarkovForecast(markov.Chain.from_json(data))
    return None


def brier(predictions, outcomes) -> float:
    """Mean squared error of probabilities against what happened."""
    p = np.asarray(predictions, dtype=float)
    o = np.asarray(outcomes, dtype=float)
    return float(np.mean((p - o) ** 2)) if len(o) else math.nan
