"""People known only by a vendor id have no mailbox: they are never asked and never retried."""
from __future__ import annotations

from sqlalchemy import select

from models.db import Session
from models.mail import OutboxMessage
from core.outbox import flush_outbox, is_deliverable, queue_mail


def test_invalid_domain_addresses_are_not_deliverable():
    assert not is_deliverable("u-1a2b@vendor-users.invalid")
    assert not is_deliverable("nobody@invalid")
    assert is_deliverable("ada@example.com")


def test_mail_to_an_invalid_address_is_kept_failed_and_never_retried(app):
    with app.app_context():
        queue_mail("u-1@vendor-users.invalid", "Hello", "notice", body="Hi")
        queue_mail("ada@example.com", "Hello", "notice", body="Hi")
        Session.commit()
        report = flush_outbox()
        rows = {m.to_address: m for m in Session.scalars(select(OutboxMessage))}
    assert rows["u-1@vendor-users.invalid"].status == "failed"
    assert "cannot receive mail" in rows["u-1@vendor-users.invalid"].last_error
    assert rows["u-1@vendor-users.invalid"].attempts == 0
    assert rows["ada@example.com"].status == "sent"
    assert report.remaining == 0


def test_survey_send_skips_people_without_a_mailbox(app, create_account, create_user):
    from surveys.nps.campaigns import send_due

    account = create_account()
    create_user("customer", account=account, email="u-9@vendor-users.invalid", password=None)
    real = create_user("customer", account=account, email="pat@example.com", password=None)
    with app.app_context():
        report = send_due()
        Session.commit()
        to = [m.to_address for m in Session.scalars(select(OutboxMessage))]
    assert report.invited == 1
    assert to == [real.email]
