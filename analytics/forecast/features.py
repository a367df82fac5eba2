"""Leading indicators of churn as of a day, from plain account histories: pure, and blind to anything later.

Every figure for day D reads only rows dated on or before D (health scores, active users, detractor answers,
warnings raised, ARR changes), so a forecast made "as of D" in a backtest sees what a CSM saw that day.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Optional

from core.tiers import assign_tiers

HORIZON_DAYS = 90  # the forecast: churn within 90 days
STALE_DAYS = 14  # a health score older than this on day D does not describe D

FEATURES = (
    "score", "band_red", "band_yellow", "score_change_30d", "score_change_90d", "active_user_trend",
    "seat_utilisation", "key_feature_adoption", "sentiment", "detractors_90d", "open_warnings",
    "days_to_renewal", "tier_top", "tier_scalable",
)


@dataclass
class AccountHistory:
    """What the forecast knows of one account, every list sorted by day (oldest first)."""

    account_id: int
    customer_since: date
    churned_on: Optional[date]
    renewal_date: Optional[date]
    seats: int
    arr_changes: list[tuple[date, Decimal]] = field(default_factory=list)  # (effective day, ARR)
    health_days: list[date] = field(default_factory=list)
    health: list[tuple[float, str, Optional[float], Optional[float]]] = field(default_factory=list)  # score, band, adoption, sentiment
    usage_days: list[date] = field(default_factory=list)  # days with active users
    usage_totals: list[float] = field(default_factory=list)  # running total of active users up to each usage day
    detractor_days: list[date] = field(default_factory=list)  # days of answers 0..6
    warnings: list[tuple[date, Optional[date]]] = field(default_factory=list)  # (raised on, over on) by raised day

    def set_usage(self, days: list[tuple[date, float]]) -> None:
        """Daily active users as (day, users) pairs, stored as running totals for window sums."""
        days = sorted(days)
        self.usage_days = [d for d, _ in days]
        self.usage_totals = list(accumulate(u for _, u in days))

    def active_on(self, day: date) -> bool:
        """A customer on that day (started, not churned on or before it)."""
        return self.customer_since <= day and (self.churned_on is None or self.churned_on > day)

    def churns_within(self, day: date, days: int = HORIZON_DAYS) -> bool:
        """Churned in (day, day + days]."""
        return self.churned_on is not None and day < self.churned_on <= day + timedelta(days=days)

    def arr_on(self, day: date) -> Decimal:
        """Last ARR effective on or before the day."""
        position = bisect_right([d for d, _ in self.arr_changes], day)
        return self.arr_changes[position - 1][1] if position else Decimal(0)

    def health_at(self, day: date) -> Optional[tuple[date, tuple]]:
        """The latest health row on or before the day, with its day."""
        position = bisect_right(self.health_days, day)
        return (self.health_days[position - 1], self.health[position - 1]) if position else None

    def user_days(self, first: date, last: date) -> float:
        """Active users summed over the days first..last."""
        def total_to(day: date) -> float:
            position = bisect_right(self.usage_days, day)
            return self.usage_totals[position - 1] if position else 0.0
        return total_to(last) - total_to(first - timedelta(days=1))


def _days_to_renewal(renewal: Optional[date], day: date) -> float:
    """Days from `day` to the next anniversary of the renewal date (contracts renew yearly), 0..365."""
    if renewal is None:
        return 182.0
    return float((renewal - day).days % 365)


def features_on(history: AccountHistory, day: date, tier: Optional[str]) -> Optional[dict[str, float]]:
    """The indicators of one account on `day`, or None when it was not a customer or had no recent score."""
    if not history.active_on(day):
        return None
    now = history.health_at(day)
    if now is None or (day - now[0]).days > STALE_DAYS:
        return None
    score, band, adoption, sentiment = now[1]
    before_30 = history.health_at(day - timedelta(days=30))
    before_90 = history.health_at(day - timedelta(days=90))
    recent = history.user_days(day - timedelta(days=27), day)
    previous = history.user_days(day - timedelta(days=55), day - timedelta(days=28))
    trend = max(-1.0, min(2.0, recent / previous - 1.0)) if previous > 0 else 0.0
    utilisation = min(1.5, recent / 28 / history.seats) if history.seats else 0.0
    detractors = (bisect_right(history.detractor_days, day)
                  - bisect_right(history.detractor_days, day - timedelta(days=HORIZON_DAYS)))
    open_warnings = sum(1 for raised, over in history.warnings if raised <= day and (over is None or over > day))
    return {
        "score": score,
        "band_red": 1.0 if band == "red" else 0.0,
        "band_yellow": 1.0 if band == "yellow" else 0.0,
        "score_change_30d": score - before_30[1][0] if before_30 else 0.0,
        "score_change_90d": score - before_90[1][0] if before_90 else 0.0,
        "active_user_trend": trend,
        "seat_utilisation": utilisation,
        "key_feature_adoption": adoption / 100 if adoption is not None else 0.5,
        "sentiment": sentiment / 100 if sentiment is not None else 0.5,
        "detractors_90d": float(min(detractors, 5)),
        "open_warnings": float(min(open_warnings, 5)),
        "days_to_renewal": _days_to_renewal(history.renewal_date, day),
        "tier_top": 1.0 if tier == "top" else 0.0,
        "tier_scalable": 1.0 if tier == "scalable" else 0.0,
    }


def features_table(histories: list[AccountHistory], day: date) -> dict[int, dict[str, float]]:
    """Every account's indicators on `day` (tiers from the ARR of the accounts active that day)."""
    active = [h for h in histories if h.active_on(day)]
    tiers = assign_tiers({h.account_id: h.arr_on(day) for h in active})
    table = {}
    for history in active:
        row = features_on(history, day, tiers.get(history.account_id))
        if row is not None:
            table[history.account_id] = row
    return table


def _percent(value: float) -> str:
    return f"{value * 100:+.0f}%".replace("-", "−")


def _points(value: float) -> str:
    return f"{value:+.1f} points".replace("-", "−")


SENTENCES = {
    "score": lambda v: f"A health score of {v:.0f} points",
    "band_red": lambda v: "Being in the red band" if v else "Not being in the red band",
    "band_yellow": lambda v: "Being in the yellow band" if v else "Not being in the yellow band",
    "score_change_30d": lambda v: f"A health change of {_points(v)} in 30 days",
    "score_change_90d": lambda v: f"A health change of {_points(v)} in 90 days",
    "active_user_trend": lambda v: f"Active users {_percent(v)} in 4 weeks against the 4 before",
    "seat_utilisation": lambda v: f"{v * 100:.0f}% of seats used on an average day",
    "key_feature_adoption": lambda v: f"Key-feature adoption of {v * 100:.0f} points",
    "sentiment": lambda v: f"Sentiment (NPS) of {v * 100:.0f} points",
    "detractors_90d": lambda v: f"{v:.0f} detractor answer{'s' if v != 1 else ''} in 90 days",
    "open_warnings": lambda v: f"{v:.0f} open warning{'s' if v != 1 else ''}",
    "days_to_renewal": lambda v: f"Renewal in {v:.0f} days",
    "tier_top": lambda v: "Being in the top tier" if v else "Not being in the top tier",
    "tier_scalable": lambda v: "Being in the scalable tier" if v else "Not being in the scalable tier",
}


def factor_sentence(name: str, value: float, raises: bool) -> str:
    """'Active users −35% in 4 weeks against the 4 before raises the risk.'"""
    return f"{SENTENCES[name](value)} {'raises' if raises else 'lowers'} the risk."
