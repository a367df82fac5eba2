"""The forecast in use: refitted by each health recompute on the vendor's own history, stored with its backtest
and every active account's risk and factors; pages and the API read the stored answer."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from sqlalchemy import delete, select

from analytics.forecast.backtest import rolling_backtest
from analytics.forecast.history import latest_health_day, load_histories
from analytics.forecast.model import fit, origin_days, predict, tables_by_day
from models.db import Session
from models.revenue import ForecastModel
from core.settings import get_setting

HISTORY_DAYS = 730  # the fit reads two years of history
DEFAULT_MIN_CHURNS = 20  # setting forecast.min_churns: churns needed for the regression


@dataclass
class Forecast:
    """The stored forecast: which model, as of which day, the backtest, and per-account risks."""

    as_of: Optional[date]
    kind: str
    description: str
    reason: str
    backtest: dict = field(default_factory=dict)
    risks: dict[int, dict] = field(default_factory=dict)  # account id -> {"risk", "factors"}

    def risk(self, account_id: int) -> Optional[float]:
        """The account's probability of churning within 90 days, if forecast."""
        entry = self.risks.get(account_id)
        return entry["risk"] if entry else None


def min_churns() -> int:
    """Churns the history must hold before the regression is used (a setting)."""
    return int(get_setting("forecast.min_churns", DEFAULT_MIN_CHURNS))


def compute_forecast(as_of: date, required_churns: int) -> tuple[str, dict, dict, dict]:
    """(kind, model or reason, backtest, risks) from the history up to `as_of`; nothing is written."""
    histories = load_histories(as_of, since=as_of - timedelta(days=HISTORY_DAYS))
    # The first 8 weeks of stored history lack the usage trend (it compares 4 weeks with the 4 before): left out.
    first = min((h.health_days[0] for h in histories if h.health_days), default=as_of) + timedelta(days=56)
    tables = tables_by_day(histories, origin_days(first, as_of))
    model, reason = fit(histories, tables, as_of, required_churns)
    if model is None:
        return "none", {"reason": reason}, {}, {}
    backtest = rolling_backtest(histories, tables, as_of, required_churns)
    today = tables.get(as_of, {})
    ids = list(today)
    risks = {}
    for account_id, probability in zip(ids, predict(model, [today[a] for a in ids])):
        risks[str(account_id)] = {"risk": round(float(probability), 4), "factors": model.factors(today[account_id])}
    return model.kind, {**model.as_json(), "description": model.describe()}, backtest, risks


def refit(as_of: Optional[date] = None) -> ForecastModel:
    """Fit the forecast on the history up to the latest stored health day and store it (flushes)."""
    day = as_of or latest_health_day()
    if day is None:
        row = ForecastModel(as_of=date.today(), kind="none",
                            model_json=json.dumps({"reason": "No health history is stored yet."}))
    else:
        kind, model, backtest, risks = compute_forecast(day, min_churns())
        row = ForecastModel(as_of=day, kind=kind, model_json=json.dumps(model), backtest_json=json.dumps(backtest),
                            risks_json=json.dumps(risks))
    Session.add(row)
    Session.flush()
    Session.execute(delete(ForecastModel).where(ForecastModel.id < row.id))  # only the newest fit is used
    return row


_cache: dict[int, Forecast] = {}
_cache_lock = threading.Lock()


def current_forecast() -> Forecast:
    """The newest stored forecast (parsed once per process per fit)."""
    newest = Session.execute(select(ForecastModel.id, ForecastModel.fitted_at)
                             .order_by(ForecastModel.id.desc()).limit(1)).first()
    if newest is None:
        return Forecast(None, "none", "", "The forecast has not been fitted yet: each health recompute fits it.")
    # The database, the row and its fitting time name a fit; a row id alone repeats across databases.
    key = (str(Session.get_bind().url), newest.id, newest.fitted_at)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    row = Session.get(ForecastModel, newest.id)
    model = json.loads(row.model_json)
    forecast = Forecast(row.as_of, row.kind, model.get("description", ""), model.get("reason", ""),
                        json.loads(row.backtest_json or "{}"),
                        {int(k): v for k, v in json.loads(row.risks_json or "{}").items()})
    with _cache_lock:
        _cache.clear()
        _cache[key] = forecast
    return forecast
