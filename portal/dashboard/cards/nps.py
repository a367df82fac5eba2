"""Dashboard card: the account's NPS in the period against the comparison period, and for a
signed-in customer their pending survey and the "you said, we did" replies to their answers."""
from __future__ import annotations

from flask import has_request_context, url_for
from flask_login import current_user

from core.period import Period
from models.accounts import Account
from portal.dashboard.cards.registry import Card, card_provider
from surveys.nps import queries
from surveys.nps.campaigns import token_for


def _customer_of(account: Account):
    if not has_request_context() or not current_user.is_authenticated:
        return None
    if current_user.role == "customer" and current_user.account_id == account.id:
        return current_user
    return None


@card_provider(20)
def nps_card(account: Account, period: Period) -> Card | None:
    """NPS of the period against the comparison period, and a signed-in customer's pending survey and replies."""
    comparison = period.previous()
    result = queries.nps_for([account.id], period.start, period.end)
    before = queries.nps_for([account.id], comparison.start, comparison.end)
    customer = _customer_of(account)
    pending_link = answers = None
    if customer is not None:
        pending = queries.pending_invitation(customer)
        if pending is not None:
            pending_link = url_for("surveys.answer", token=token_for(pending.token_salt))
        answers = queries.my_answers(customer)
    if result.responses == 0 and before.responses == 0 and not pending_link and not answers:
        return None
    change = None if result.nps is None or before.nps is None else round(result.nps - before.nps)
    return Card("surveys/_card.html", {
        "account": account, "result": result, "before": before, "change": change,
        "period": period, "comparison": comparison, "pending_link": pending_link, "my_answers": answers,
    })
