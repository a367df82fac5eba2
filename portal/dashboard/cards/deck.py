"""The dashboard's cards in order: importing each card module registers its provider."""
from __future__ import annotations

from core.period import Period
from models.accounts import Account
from portal.dashboard.cards import health, maturity, nps, playbook, recommend  # noqa: F401 (they register)
from portal.dashboard.cards.registry import Card, providers


def cards_for(account: Account, period: Period, include_staff_only: bool = False) -> list[Card]:
    """Every card the providers have for this account and period, in order."""
    cards = []
    for order, provider, staff_only in providers():
        if staff_only and not include_staff_only:
            continue  # a staff card can be costly (the forecast reads every account's history): skip, not hide
        card = provider(account, period)
        if card is not None and (card.public or include_staff_only):
            card.order = order
            cards.append(card)
    return cards
