"""Dashboard card: the account's current maturity level and its change since the previous assessment."""
from __future__ import annotations

from core.period import Period
from models.accounts import Account
from portal.dashboard.cards.registry import Card, card_provider
from surveys.maturity import queries


@card_provider(40)
def maturity_card(account: Account, period: Period) -> Card | None:
    """The latest overall level on the period's last day with its change; None before the first result."""
    rounds = [r for r in queries.rounds_with_results(account.id) if r.taken_on <= period.end]
    if not rounds:
        return None
    latest = rounds[-1]
    previous = rounds[-2] if len(rounds) > 1 else None
    names = queries.level_names_of(latest.model_id)
    return Card("assessment/_card.html", {
        "account": account,
        "level": latest.overall_level,
        "level_name": names.get(latest.overall_level),
        "levels": len(names),
        "change": latest.overall_level - previous.overall_level if previous else None,
        "previous_on": previous.taken_on if previous else None,
        "taken_on": latest.taken_on,
    })
