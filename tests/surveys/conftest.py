"""Helpers of the NPS tests: invitations with their link token, answers, outbox reads."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models.db import Session
from models.mail import OutboxMessage
from tests.mail.smtp import smtp_server  # noqa: F401  (fixture for the end-to-end tests)


@pytest.fixture
def invitation(app):
    """invitation(user) -> (invitation id, link token) for a new invitation of the default campaign."""
    from models.accounts import Account
    from surveys.nps.campaigns import default_campaign, invite, token_for

    def make(user, **fields):
        with app.app_context():
            user = Session.merge(user)
            account = Session.get(Account, user.account_id)
            row = invite(default_campaign(), user, account)
            for name, value in fields.items():
                setattr(row, name, value)
            Session.commit()
            return row.id, token_for(row.token_salt)

    return make


@pytest.fixture
def outbox(app):
    """outbox(kind=None) -> the queued or sent messages, oldest first."""

    def read(kind: str | None = None):
        with app.app_context():
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if kind:
                query = query.where(OutboxMessage.kind == kind)
            rows = list(Session.scalars(query))
            Session.close()
            return rows

    return read
