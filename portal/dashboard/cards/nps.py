"""Dashboard card: the account's NPS over the last 12 months with its trend, and for a
signed-in customer their pending survey and the "you said, we did" replies to their answers."""
from __future__ import annotations

from datetime import timedelta

from flask import has_request_context, url_for
from flask_login import current_user

from core.period import Period
from models.accounts import Account
from portal.dashboard.cards.registry import Card, card_provider
from surveys import queries
from surveys.campaigns import token_for

WINDOW_DAYS = 365


def _customer_of(account: Account):
    if not has_request_context() or not current_user.is_authenticated:
        return None
    if current_user.role == "customer" and current_user.account_id == account.id:
        return current_user
    return None


@card_provider(20)
def nps_card(account: Account, period: Period) -> Card | None:
    """NPS with n and margin, the trend chart, and the customer's own pending survey and replies."""
    start = period.end - timedelta(days=WINDOW_DAYS - 1)
    result = queries.nps_for([account.id], start, period.end)
    customer = _customer_of(account)
    pending_link = answers = None
    if customer is not None:
        pending = queries.pending_invitation(customer)
        if pending is not None:
            pending_link = url_for("surveys.answer", token=token_for(pending.token_salt))
        answers = queries.my_answers(customer)
    if result.responses == 0 and not pending_link and not answers:
        return None
    return Card("surveys/_card.html", {
        "account": account, "result": result, "start": start, "end": period.end,
        "trend_url": url_for("surveys.account_trend_chart", ext=account.external_id,
                             start=start.isoformat(), end=period.end.isoformat()),
        "pending_link": pending_link, "my_answers": answers,
    })
