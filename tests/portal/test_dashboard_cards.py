"""Staff-only dashboard cards are not even computed for a customer's view: the forecast reads every account."""
from __future__ import annotations

from datetime import date

from models.db import Session
from portal.dashboard.cards import health as health_card
from models.health import HealthScore
from portal.dashboard.cards import health as health_cards

TODAY = date.today()


def test_customer_dashboard_skips_the_forecast_that_staff_see(app, client, world, login, monkeypatch):

    with app.app_context():
        Session.add(HealthScore(account_id=world["account_a"].id, as_of=TODAY, score=20, band="red", components_json="[]"))
        Session.commit()
    calls = []
    real_forecast = health_card.current_forecast
    monkeypatch.setattr(health_card, "current_forecast", lambda: calls.append(1) or real_forecast())

    login(world["customer_a"])
    page = client.get("/accounts/ALPHA/")
    assert page.status_code == 200 and "Health" in page.text
    assert calls == []
    client.post("/logout", data={})  # CSRF is off in tests
    login(world["csm_a"])
    assert client.get("/accounts/ALPHA/").status_code == 200
    assert len(calls) == 1
