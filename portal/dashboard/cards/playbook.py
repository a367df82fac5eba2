"""Dashboard card of in-portal playbook messages: what active playbooks say to an account in their segment."""
from __future__ import annotations

from sqlalchemy import select

from core.period import Period
from models.accounts import Account
from models.db import Session
from models.playbooks import Playbook, PlaybookEpisode
from portal.dashboard.cards.registry import Card, card_provider


def messages_for(account_id: int) -> list[tuple[str, str]]:
    """(playbook name, message) of the active playbooks whose open, not held-out episode covers the account."""
    rows = Session.execute(
        select(Playbook.name, Playbook.message_text)
        .join(PlaybookEpisode, PlaybookEpisode.playbook_id == Playbook.id)
        .where(PlaybookEpisode.account_id == account_id, PlaybookEpisode.left_at.is_(None),
               PlaybookEpisode.held_out.is_(False), Playbook.is_active.is_(True), Playbook.message_text != "")
        .order_by(PlaybookEpisode.entered_at.desc(), Playbook.id)
    ).all()
    return [(row.name, row.message_text) for row in rows]


@card_provider(60)
def playbook_messages_card(account: Account, period: Period) -> Card | None:
    """The messages of the playbooks the account is in now; nothing when there are none."""
    messages = messages_for(account.id)
    if not messages:
        return None
    return Card("playbooks/_card.html", {"messages": [text for _, text in messages]})
