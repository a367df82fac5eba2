"""The card registry of the account dashboard: a card module registers a provider with @card_provider(order).

The dashboard and the review share link both call deck.cards_for(), so every viewer sees the same cards.
A provider returns None when it has nothing to show for the account.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from core.period import Period
from models.accounts import Account


@dataclass
class Card:
    """A rendered card: a template under templates/ and its context."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    public: bool = True  # False: only staff see it (e.g. the churn forecast)


CardProvider = Callable[[Account, Period], Optional[Card]]
_providers: list[tuple[int, CardProvider, bool]] = []  # (order, provider, staff only)


def card_provider(order: int, staff_only: bool = False):
    """Register a function(account, period) -> Card | None for the dashboard; staff_only ones never run for customers."""

    def register(function: CardProvider) -> CardProvider:
        _providers.append((order, function, staff_only))
        _providers.sort(key=lambda item: item[0])
        return function

    return register


def providers() -> list[tuple[int, CardProvider, bool]]:
    """The registered (order, provider, staff only), in order."""
    return list(_providers)
