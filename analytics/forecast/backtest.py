"""Rolling-origin backtest: at each past origin, fit on what was known then, forecast, and score 90 days later.

Baselines: the base rate (the churn share observed before the origin, for everyone) and persistence (each
band's churn share in the last quarter whose outcome was known, carried forward). Skill = 1 − Brier ÷ the
baseline's Brier (above 0: better than the baseline). Calibration: the forecasts in ten equal groups by
predicted risk, mean predicted against observed; ECE = the groups' gaps weighted by their size.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sklearn.metrics import roc_auc_score

from analytics.forecast.features import HORIZON_DAYS, AccountHistory
from analytics.forecast.model import brier, fit, labelled_samples, predict

MIN_TRAINING_DAYS = 120  # the first origin: this long after the history starts


def _band(row: dict[str, float]) -> str:
    return "red" if row["band_red"] else "yellow" if row["band_yellow"] else "green"


def persistence_rates(histories: list[AccountHistory], tables: dict[date, dict[int, dict]], origin: date,
                      fallback: float) -> dict[str, float]:
    """Each band's churn share among the accounts of the latest origin whose 90 days had passed by `origin`."""
    known = [day for day in tables if day + timedelta(days=HORIZON_DAYS) <= origin]
    if not known:
        return {}
    day = max(known)
    by_id = {h.account_id: h for h in histories}
    counts: dict[str, list[int]] = {}
    for account_id, row in tables[day].items():
        tally = counts.setdefault(_band(row), [0, 0])
        tally[0] += by_id[account_id].churns_within(day)
        tally[1] += 1
    return {band: churned / n if n else fallback for band, (churned, n) in counts.items()}


def calibration_deciles(predictions: np.ndarray, outcomes: np.ndarray, groups: int = 10) -> list[dict]:
    """Ten equal-count groups by predicted risk: size, mean predicted, observed share."""
    order = np.argsort(predictions, kind="stable")
    rows = []
    for part in np.array_split(order, groups):
        if len(part):
            rows.append({"n": int(len(part)), "predicted": float(predictions[part].mean()),
                         "observed": float(outcomes[part].mean())})
    return rows


def expected_calibration_error(deciles: list[dict]) -> float:
    """Σ group share × |mean predicted − observed|."""
    total = sum(d["n"] for d in deciles)
    return float(sum(d["n"] / total * abs(d["predicted"] - d["observed"]) for d in deciles)) if total else float("nan")


def skill(model_brier: float, reference_brier: float) -> float | None:
    """1 − Brier ÷ the reference's Brier; None when the reference is perfect."""
    return 1 - model_brier / reference_brier if reference_brier > 0 else None


def rolling_backtest(histories: list[AccountHistory], tables: dict[date, dict[int, dict]], as_of: date,
                     min_churns: int) -> dict:
    """Forecasts from every origin whose outcome is known on `as_of`, scored against both baselines."""
    days = sorted(tables)
    if not days:
        return {"forecasts": 0}
    first = days[0] + timedelta(days=MIN_TRAINING_DAYS)
    predicted, base, persistent, outcomes, kinds = [], [], [], [], {}
    by_id = {h.account_id: h for h in histories}
    for origin in days:
        if origin < first or origin + timedelta(days=HORIZON_DAYS) > as_of or not tables[origin]:
            continue
        model, _reason = fit(histories, tables, origin, min_churns)
        if model is None:
            continue
        training = labelled_samples(histories, {d: t for d, t in tables.items() if d <= origin}, origin)
        base_rate = float(np.mean(training.outcomes)) if training.outcomes else 0.0
        rates = persistence_rates(histories, tables, origin, base_rate)
        rows = list(tables[origin].items())
        predicted.extend(predict(model, [row for _, row in rows]).tolist())
        base.extend([base_rate] * len(rows))
        persistent.extend(rates.get(_band(row), base_rate) for _, row in rows)
        outcomes.extend(by_id[account_id].churns_within(origin) for account_id, _ in rows)
        kinds[model.kind] = kinds.get(model.kind, 0) + len(rows)
    if not outcomes:
        return {"forecasts": 0}
    p, o = np.array(predicted), np.array(outcomes, dtype=float)
    deciles = calibration_deciles(p, o)
    result = {
        "forecasts": len(o), "churned": int(o.sum()), "models": kinds,
        "brier": brier(p, o), "brier_base_rate": brier(base, o), "brier_persistence": brier(persistent, o),
        "auc": float(roc_auc_score(o, p)) if 0 < o.sum() < len(o) else None,
        "deciles": deciles, "ece": expected_calibration_error(deciles),
    }
    result["skill_vs_base_rate"] = skill(result["brier"], result["brier_base_rate"])
    result["skill_vs_persistence"] = skill(result["brier"], result["brier_persistence"])
    return result
