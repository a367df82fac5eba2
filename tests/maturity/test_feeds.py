"""What other features read: latest levels, drops, the CSM's warning mail, engagement and the dashboard card."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models.db import Session, utcnow
from models.mail import OutboxMessage
from core.period import Period
from portal.dashboard.cards.deck import cards_for
from surveys.maturity.queries import latest_levels, level_drops
from tests.conftest import sign_in


def test_latest_levels_give_the_latest_and_previous_overall_level(app, world, maturity_model, answer, age_rounds):
    answer(world["account_a"], world["customer_a"], 2)
    age_rounds(world["account_a"], 100)
    answer(world["account_a"], world["customer_a"], 4)
    answer(world["account_b"], world["customer_b"], 3)
    with app.app_context():
        assert latest_levels() == {world["account_a"].id: (4, 2), world["account_b"].id: (3, None)}


def test_a_lower_level_is_listed_as_a_drop_and_mails_the_csm_once(app, world, maturity_model, answer, age_rounds,
                                                                create_user):
    answer(world["account_a"], world["customer_a"], 4)
    age_rounds(world["account_a"], 100)
    answer(world["account_a"], world["customer_a"], 2)
    colleague = create_user("customer", account=world["account_a"])
    answer(world["account_a"], colleague, 1)  # the round's level falls further: still one mail
    with app.app_context():
        today = utcnow().date()
        assert level_drops(today - timedelta(days=7)) == [(world["account_a"].id, 4, 1, today)]
        assert level_drops(today + timedelta(days=1)) == []
        mails = list(Session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "maturity_drop")))
        assert [m.to_address for m in mails] == [world["csm_a"].email]
        assert "fell from Managed (level 4) to Developing (level 2)" in mails[0].body_text
        assert "http://portal.test/accounts/ALPHA/assessment" in mails[0].body_text


def test_a_rise_is_no_drop_and_sends_no_mail(app, world, maturity_model, answer, age_rounds):
    answer(world["account_a"], world["customer_a"], 2)
    age_rounds(world["account_a"], 100)
    answer(world["account_a"], world["customer_a"], 3)
    with app.app_context():
        assert level_drops(date(2000, 1, 1)) == []
        assert Session.scalars(select(OutboxMessage)).all() == []


def test_dashboard_card_shows_the_current_level_and_its_change(app, client, world, maturity_model, answer, age_rounds):
    answer(world["account_a"], world["customer_a"], 2)
    age_rounds(world["account_a"], 100)
    answer(world["account_a"], world["customer_a"], 3)
    with app.app_context(), app.test_request_context():
        today = utcnow().date()
        cards = [c for c in cards_for(world["account_a"], Period(today - timedelta(days=29), today))
                 if c.template == "assessment/_card.html"]
        assert len(cards) == 1
        assert cards[0].context["level_name"] == "Defined" and cards[0].context["change"] == 1
        assert not [c for c in cards_for(world["account_b"], Period(today, today)) if c.template == "assessment/_card.html"]
    sign_in(client, world["customer_a"])
    today = utcnow().date()  # the card shows the level as of the period's last day: a period that ends today
    dashboard = client.get(f"/accounts/ALPHA/?range=custom&start={today - timedelta(days=29)}&end={today}").get_data(as_text=True)
    card = dashboard.split('data-card="maturity"')[1].split("</a>")[0]
    assert "Defined" in card and "level 3 of 5" in card and "+1 level since" in card
