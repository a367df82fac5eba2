"""The value dashboard's figures, shared by the account page and the review share link.

page_figures(account, period) gives every figure the body shows as plain, JSON-ready data (a review
link stores it as it is); dashboard_context() adds the cards; chart_payload(account, name, period)
gives a chart's JSON, cached by account, chart, period and what the chart drew.
"""
from __future__ import annotations

from datetime import date, timedelta

from analytics.usage import datasets
from analytics.health.onboarding import onboarding_state
from core.lru import LruCache
from analytics.plan.progress import format_value
from analytics.plan.queries import plan_views
from core.period import Period
from models.accounts import Account
from models.db import utcnow
from portal.dashboard import charts_build
from portal.dashboard.cards.deck import cards_for

CHART_NAMES = charts_build.CHART_NAMES
PRESETS = (30, 90, 365)
_cache = LruCache(512)


def default_period(days: int = 30, today: date | None = None) -> Period:
    """The last `days` complete UTC days: up to yesterday, because today is not over yet."""
    end = (today or utcnow().date()) - timedelta(days=1)
    return Period(end - timedelta(days=days - 1), end)


def period_label(period: Period) -> str:
    """'1 Jan 2026 – 30 Jan 2026 (30 days)'."""
    return period.label()


def _change(now: float | None, before: float | None, unit: str, points: bool = False) -> dict:
    """How a figure moved against the comparison period, as words and a direction."""
    if now is None or before is None:
        return {"delta": None, "direction": "flat", "text": "nothing to compare with"}
    delta = round(now - before, 1)
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    if points:
        text = f"{delta:+g} percentage points"
    elif before:
        share = delta / before
        text = f"{delta:+,g} {unit} ({share:+.1%})" if delta and abs(share) < 0.01 else f"{delta:+,g} {unit} ({share:+.0%})"
    else:
        text = f"{delta:+,g} {unit}"
    return {"delta": delta, "direction": direction, "text": text}


def _utilisation(active: int, seats: int) -> int | None:
    return round(100 * active / seats) if seats else None


def headline_cards(account: Account, now: dict, before: dict) -> list[dict]:
    """Active users, seat utilisation, logins and reports run: the period against its comparison period."""
    seats = account.seats or 0
    use_now, use_before = _utilisation(now["active_users"], seats), _utilisation(before["active_users"], seats)
    cards = [
        {"key": "active_users", "label": "Active users", "value": now["active_users"],
         "display": f"{now['active_users']:,}", "unit": "people",
         "detail": f"people who used the product, of {seats:,} licensed seats",
         "change": _change(now["active_users"], before["active_users"], "people")},
        {"key": "seat_utilisation", "label": "Seat utilisation", "value": use_now,
         "display": "–" if use_now is None else f"{use_now}%", "unit": "%",
         "detail": "active users as a share of licensed seats",
         "change": _change(use_now, use_before, "points", points=True) if use_now is not None
         else {"delta": None, "direction": "flat", "text": "no seats licensed"}},
    ]
    for key, label, unit in (("logins", "Logins", "logins"), ("reports_run", "Reports run", "reports")):
        cards.append({"key": key, "label": label, "value": now[key], "display": f"{now[key]:,}", "unit": unit,
                      "detail": f"{unit} in the period", "change": _change(now[key], before[key], unit)})
    return cards


def value_summary(account: Account, period: Period) -> list[dict]:
    """The success plan's goals on the period's last day: baseline → now → target, on track or not."""
    goals = []
    for view in plan_views(account, as_of=period.end):
        metric, assessment = view.metric, view.assessment
        goals.append({
            "name": metric.name, "baseline": format_value(metric.baseline_value, metric.unit or ""),
            "baseline_date": metric.baseline_date.strftime("%-d %b %Y"),
            "current": format_value(assessment.current, metric.unit or ""),
            "target": format_value(metric.target_value, metric.unit or ""),
            "target_date": metric.target_date.strftime("%-d %b %Y"), "on_track": assessment.on_track,
            "progress": round(assessment.progress_capped), "explanation": assessment.explanation,
        })
    return goals


def _period_dict(period: Period) -> dict:
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label(),
            "short": period.short_label(), "days": period.days,
            "end_label": period.end.strftime("%-d %b %Y")}


def page_figures(account: Account, period: Period) -> dict:
    """Every figure of the dashboard body for the period, as plain JSON-ready data."""
    comparison = period.previous()
    now = datasets.period_usage(account.id, period.start, period.end)
    before = datasets.period_usage(account.id, comparison.start, comparison.end)
    adoption = datasets.key_feature_adoption(account.id, period.start, period.end)
    for row in adoption:
        row["share"] = (row["users"] / now["active_users"]) if now["active_users"] else 0.0
    today = utcnow().date()
    return {
        "period": _period_dict(period),
        "comparison": _period_dict(comparison),
        "includes_today": period.end >= today,
        "today": today.isoformat(),
        "goals": value_summary(account, period),
        "headline": headline_cards(account, now, before),
        "usage": now,
        "usage_before": before,
        "has_usage": bool(now["events"]),
        "active_users_in_period": now["active_users"],
        "adoption": adoption,
        "adopted_count": sum(1 for row in adoption if row["users"]),
        "onboarding": onboarding_state(account),
    }


def _key(account: Account, what: str, period: Period) -> tuple:
    """Cache key: what changes the figures (the account's data, seats, the period, the key features, the day).

    A batch of today's events moves only usage_today_at (see analytics/usage/rollups.py), so a period that
    ends before today, as the default one does, stays cached while the product sends events all day.
    """
    today = utcnow().date()
    today_data = account.usage_today_at if period.end >= today else None
    return (account.id, what, period.start, period.end, account.data_changed_at, today_data, account.seats, today,
            *datasets.key_features_signature())


def _figures(account: Account, period: Period) -> dict:
    """The page figures of the period, cached (the feature chart reads its counts from them too)."""
    return _cache.get_or_build(_key(account, "figures", period), lambda: page_figures(account, period))


def dashboard_context(account: Account, period: Period, include_staff_only: bool = False) -> dict:
    """Everything the dashboard body shows for this account and period (charts come by URL)."""
    figures = _figures(account, period)
    return {
        "account": account,
        "period": period,
        "period_label": period.label(),
        "figures": figures,
        "cards": cards_for(account, period, include_staff_only=include_staff_only),
        "chart_names": CHART_NAMES,
    }


def chart_payload(account: Account, chart_name: str, period: Period, cache=None) -> str:
    """The chart's JSON (or its empty state), cached until what it draws or the period changes.

    `cache(key, build)` is where it is kept: this process's LRU by default; the web tier passes one that
    also shares charts between workers.
    """
    if chart_name not in CHART_NAMES:
        raise KeyError(chart_name)
    key = ("dashboard", *_key(account, chart_name, period), *charts_build.signature(account, chart_name, period))
    figures = lambda: _figures(account, period)  # noqa: E731
    return (cache or _cache.get_or_build)(key, lambda: charts_build.build(account, chart_name, period, figures))


def clear_chart_cache() -> None:
    """Forget every cached chart and figure (benchmarks measure cold times with it)."""
    _cache.clear()
