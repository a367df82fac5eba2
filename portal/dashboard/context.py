"""The value dashboard's figures and charts, shared by the account page and the review share link.

dashboard_context(account, period) gives everything the body template shows;
chart_payload(account, name, period) gives a chart's JSON, cached by account,
chart, period and the account's last data change, so a warm chart costs a lookup.
"""
from __future__ import annotations

import json
from datetime import date, timedelta

from analytics import charts, datasets
from analytics.lru import LruCache
from models.accounts import Account
from models.db import utcnow
from portal.charts import figure_json
from core.period import Period
from portal.dashboard.cards.deck import cards_for

CHART_NAMES = ("active_users", "activity", "feature_adoption")
HEADLINE_WINDOW_DAYS = 28
PRESETS = (30, 90, 365)
_cache = LruCache(512)


def default_period(days: int = 30, today: date | None = None) -> Period:
    """The last `days` UTC days, today included."""
    end = today or utcnow().date()
    return Period(end - timedelta(days=days - 1), end)


def period_label(period: Period) -> str:
    """'1 Jan 2026 – 30 Jan 2026 (30 days)'."""
    fmt = "%-d %b %Y"
    return f"{period.start.strftime(fmt)} – {period.end.strftime(fmt)} ({period.days} days)"


def _change(now: float, before: float, unit: str, points: bool = False) -> dict:
    """How a figure moved against the window before, as text and a direction."""
    delta = now - before
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    if points:
        text = f"{delta:+.0f} percentage points"
    elif before:
        share = delta / before
        text = f"{delta:+,} {unit} ({share:+.1%})" if delta and abs(share) < 0.01 else f"{delta:+,} {unit} ({share:+.0%})"
    else:
        text = f"{delta:+,} {unit}"
    return {"delta": delta, "direction": direction, "text": text}


def headline_cards(account: Account, end: date) -> list[dict]:
    """Active users against seats, seat utilisation, logins and reports run: last 28 days vs the 28 before."""
    figures = datasets.headline_figures(account.id, end, HEADLINE_WINDOW_DAYS)
    active_now, active_before = figures["active_users"]
    seats = account.seats or 0
    utilisation_now = round(100 * active_now / seats) if seats else None
    utilisation_before = round(100 * active_before / seats) if seats else None
    cards = [
        {"key": "active_users", "label": "Active users", "value": active_now, "display": f"{active_now:,}",
         "unit": "people", "detail": f"of {seats:,} licensed seats, last {HEADLINE_WINDOW_DAYS} days",
         "change": _change(active_now, active_before, "people")},
        {"key": "seat_utilisation", "label": "Seat utilisation", "value": utilisation_now,
         "display": "–" if utilisation_now is None else f"{utilisation_now}%", "unit": "%",
         "detail": f"active users ÷ licensed seats, last {HEADLINE_WINDOW_DAYS} days",
         "change": (_change(utilisation_now, utilisation_before, "points", points=True)
                    if utilisation_now is not None else {"delta": 0, "direction": "flat", "text": "no seats licensed"})},
    ]
    for key, label, unit in (("logins", "Logins", "logins"), ("reports_run", "Reports run", "reports")):
        now, before = figures[key]
        cards.append({"key": key, "label": label, "value": now, "display": f"{now:,}", "unit": unit,
                      "detail": f"{unit}, last {HEADLINE_WINDOW_DAYS} days", "change": _change(now, before, unit)})
    window_start, window_end = figures["current"]
    for card in cards:
        card["window"] = (window_start, window_end)
    return cards


def _cached(key: tuple, build):
    """The value cached under key, else build() stored under it."""
    return _cache.get_or_build(key, build)


def _usage_figures(account: Account, period: Period) -> dict:
    """Headline cards and key-feature adoption for the period (plain data, cacheable)."""
    active_in_period = datasets.active_users_between(account.id, period.start, period.end)
    adoption = datasets.key_feature_adoption(account.id, period.start, period.end)
    for row in adoption:
        row["share"] = (row["users"] / active_in_period) if active_in_period else 0.0
    return {
        "headline": headline_cards(account, period.end),
        "active_users_in_period": active_in_period,
        "adoption": adoption,
        "adopted_count": sum(1 for row in adoption if row["users"]),
    }


def _key(account: Account, what: str, period: Period, with_features: bool) -> tuple:
    """Cache key: what changes the figures (the account's data, seats, the period, the key features)."""
    key = (account.id, what, period.start, period.end, account.data_changed_at, account.seats)
    return key + datasets.key_features_signature() if with_features else key


def dashboard_context(account: Account, period: Period, include_staff_only: bool = False) -> dict:
    """Everything the dashboard body shows for this account and period (charts come by URL)."""
    figures = _cached(_key(account, "figures", period, True), lambda: _usage_figures(account, period))
    return {
        "account": account,
        "period": period,
        "period_label": period_label(period),
        "headline_window_days": HEADLINE_WINDOW_DAYS,
        **figures,
        "cards": cards_for(account, period, include_staff_only=include_staff_only),
        "chart_names": CHART_NAMES,
    }


def _empty(message: str) -> str:
    return json.dumps({"empty": True, "message": message})


def _build(account: Account, name: str, period: Period) -> str:
    """Build and serialise one chart (the costly step)."""
    label = period_label(period)
    if name == "feature_adoption":
        adoption = datasets.key_feature_adoption(account.id, period.start, period.end)
        if not adoption:
            return _empty("No key features are defined yet; an admin marks them under Key features.")
        active = datasets.active_users_between(account.id, period.start, period.end)
        if not active:
            return _empty(f"No one used the product in {label}, so no key feature was adopted yet.")
        return figure_json(charts.feature_adoption_figure(adoption, active, label))
    days = datasets.usage_days(account.id, period.start, period.end)
    if not any(day["events"] for day in days):
        return _empty(f"No usage recorded in {label}. Pick a longer period, or check that events are being sent.")
    if name == "active_users":
        weeks = datasets.weekly_active_users(account.id, period.start, period.end)
        return figure_json(charts.active_users_figure(days, weeks, account.seats, label))
    return figure_json(charts.activity_figure(days, label))


def chart_payload(account: Account, chart_name: str, period: Period, cache=None) -> str:
    """The chart's JSON (or its empty state), cached until the account's data or the period changes.

    `cache(key, build)` is where it is kept: this process's LRU by default; the web tier passes one that
    also shares charts between workers.
    """
    if chart_name not in CHART_NAMES:
        raise KeyError(chart_name)
    key = ("dashboard",) + _key(account, chart_name, period, chart_name == "feature_adoption")
    return (cache or _cached)(key, lambda: _build(account, chart_name, period))


def clear_chart_cache() -> None:
    """Forget every cached chart and figure (benchmarks measure cold times with it)."""
    _cache.clear()
