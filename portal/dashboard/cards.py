"""Cards other features put on the account dashboard (health, NPS, maturity, recommendations).

A feature registers a provider with @card_provider(order); the dashboard and the
share-link review view both call cards_for(), so every viewer sees the same cards.
A provider returns None when it has nothing to show for the account.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Optional

from models.accounts import Account

# Modules whose import registers card providers.
PROVIDER_MODULES = (
    "analytics.health_card",
    "surveys.nps_card",
    "surveys.maturity_card",
    "knowledge.recommend_card",
    "analytics.playbook_card",
)


@dataclass(frozen=True)
class Period:
    """An inclusive range of UTC calendar days."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)


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


def cards_for(account: Account, period: Period, include_staff_only: bool = False) -> list[Card]:
    """Every card the providers have for this account and period, in order."""
    for name in PROVIDER_MODULES:
        __import__(name)
    cards = []
    for order, provider, staff_only in _providers:
        if staff_only and not include_staff_only:
            continue  # a staff card can be costly (the forecast reads every account's history): skip, not hide
        card = provider(account, period)
        if card is not None and (card.public or include_staff_only):
            card.order = order
            cards.append(card)
    return cards
