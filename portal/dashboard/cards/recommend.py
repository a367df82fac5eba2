"""Dashboard card: articles about the key features the account does not use yet."""
from __future__ import annotations

from core.period import Period
from knowledge.recommend import UNUSED_AFTER_DAYS, unused_feature_articles
from models.accounts import Account
from portal.dashboard.cards.registry import Card, card_provider


@card_provider(70)
def recommended_articles_card(account: Account, period: Period) -> Card | None:
    """Articles about the key features the account does not use yet."""
    items = unused_feature_articles(account, period.end)
    if not items:
        return None
    return Card("kb/_recommend_card.html", {"items": items, "days": UNUSED_AFTER_DAYS})
