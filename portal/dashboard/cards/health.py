"""Dashboard cards: the health score explained to the customer, and the churn forecast for staff."""
from __future__ import annotations

import json
from datetime import timedelta

from analytics.forecast.service import current_forecast
from analytics.health.recompute import health_now
from analytics.health.history import score_on
from analytics.health.onboarding import onboarding_state
from analytics.health.scoring import COMPONENT_LABELS, Component, HealthResult, biggest_lever
from core.period import Period
from models.accounts import Account
from models.db import utcnow
from portal.dashboard.cards.registry import Card, card_provider


@card_provider(10)
def health_card(account: Account, period: Period) -> Card | None:
    """Score and band in words on the period's last day, its change since the comparison period's last day,
    each component's sentence and the biggest lever; an onboarding account gets its checklist instead."""
    onboarding = onboarding_state(account)
    if onboarding["onboarding"]:
        return Card("health/_onboarding_card.html", onboarding)
    stored = score_on([account.id], period.end).get(account.id)
    if stored is not None:
        as_of = stored.as_of
        result = HealthResult(stored.score, stored.band, [Component(**c) for c in json.loads(stored.components_json)])
    elif period.end >= utcnow().date() - timedelta(days=1) and not score_on([account.id], utcnow().date()):
        as_of, result = health_now(account)  # nothing stored yet: computed now
    else:
        return None  # the period ends before the account's stored history begins
    comparison = period.previous()
    earlier = score_on([account.id], comparison.end).get(account.id)
    trend = None if earlier is None or earlier.as_of >= as_of else round(result.score) - round(earlier.score)
    lever = biggest_lever(result)
    return Card("health/_card.html", {
        "score": result.score, "band": result.band, "as_of": as_of, "trend": trend,
        "compared_on": comparison.end,
        "components": result.components, "labels": COMPONENT_LABELS,
        "lever": {"label": COMPONENT_LABELS[lever[0].name], "gain": lever[1], "explanation": lever[0].explanation} if lever else None,
    })


@card_provider(90, staff_only=True)
def forecast_card(account: Account, period: Period) -> Card | None:
    """Probability of churning within 90 days (staff only), its factors, and which model spoke."""
    forecast = current_forecast()
    entry = forecast.risks.get(account.id)
    if entry is None:
        reason = forecast.reason if forecast.kind == "none" else "This account has no recent health history to forecast from."
        return Card("health/_forecast_card.html", {"risk": None, "reason": reason}, public=False)
    return Card("health/_forecast_card.html", {"risk": entry["risk"], "factors": entry["factors"], "as_of": forecast.as_of,
                                                "description": forecast.description}, public=False)
