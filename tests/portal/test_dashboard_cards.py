"""Staff-only dashboard cards are not even computed for a customer's view: the forecast reads every account."""
from __future__ import annotations

from datetime import date

from models.db import Session
from models.health import HealthScore

TODAY = date.today()


def test_customer_dashboard_skips_the_forecast_that_staff_see(app, client, world, login, monkeypatch):
    import analytics.forecast

    with app.app_context():
        Session.add(HealthScore(account_id=world["account_a"].id, as_of=TODAY, score=20, band="red", components_json="[]"))
        Session.commit()
    calls = []
    real_red_risk = analytics.forecast.red_risk
    monkeypatch.setattr(analytics.forecast, "red_risk", lambda today: calls.append(today) or real_red_risk(today))

    login(world["customer_a"])
    page = client.get("/accounts/ALPHA/")
    assert page.status_code == 200 and "Health" in page.text
    assert calls == []
    client.post("/logout", data={})  # CSRF is off in tests
    login(world["csm_a"])
    assert client.get("/accounts/ALPHA/").status_code == 200
    assert len(calls) == 1
