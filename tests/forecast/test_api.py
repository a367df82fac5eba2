"""GET /api/v1/accounts/{ext}/forecast, the staff page with the backtest and reliability chart, and the refit."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from analytics.forecast.service import current_forecast, refit
from models.db import Session
from models.revenue import ForecastModel
from core.settings import set_setting
from tests.conftest import sign_in
from tests.forecast.conftest import END


def test_without_a_fit_the_risk_is_null_with_a_reason(api, world):
    body = api(world["csm_a"]).get("/api/v1/accounts/ALPHA/forecast").get_json()
    assert body["churn_risk_90d"] is None and "has not been fitted yet" in body["reason"]
    assert body["backtest"] == {**body["backtest"], "forecasts": 0}


def test_customer_token_is_refused_on_its_own_account(api, world):
    assert api(world["customer_a"]).get("/api/v1/accounts/ALPHA/forecast").status_code == 403


@pytest.fixture
def fitted(app, generated, create_user):
    """The generated history, fitted with the regression (its churn threshold set to 5) and an admin."""
    set_setting("forecast.min_churns", 5)
    refit(END)
    Session.commit()
    return generated, create_user("admin")


def test_forecast_answers_risk_factors_and_backtest(api, fitted):
    (histories, ids), admin = fitted
    row = Session.scalar(select(ForecastModel))
    assert row.kind == "logistic" and row.as_of == END
    active = next(h for h in histories if h.active_on(END) and h.health_days and h.health_days[-1] == END)
    body = api(admin).get(f"/api/v1/accounts/GEN-{active.account_id}/forecast").get_json()
    assert 0 <= body["churn_risk_90d"] <= 1 and body["as_of"] == END.isoformat() and body["model"] == "logistic"
    assert body["factors"] and all(f["effect"] in ("raises", "lowers") and f["explanation"].endswith("the risk.")
                                   for f in body["factors"])
    backtest = body["backtest"]
    assert backtest["forecasts"] > 0 and 0 <= backtest["brier"] < 1 and 0 <= backtest["brier_base_rate"] < 1
    churned = next(h for h in histories if h.churned_on and h.churned_on <= END)
    gone = api(admin).get(f"/api/v1/accounts/GEN-{churned.account_id}/forecast").get_json()
    assert gone["churn_risk_90d"] is None and "no longer a customer" in gone["reason"]


def test_risks_are_ordered_by_the_hidden_engagement(fitted):
    """Accounts whose latest score is red get higher risks on average than green ones."""
    (histories, ids), _ = fitted
    row = Session.scalar(select(ForecastModel))
    import json

    risks = {int(k): v["risk"] for k, v in json.loads(row.risks_json).items()}
    band = {ids[h.account_id]: h.health[-1][1] for h in histories if h.account_id in ids and h.health}
    red = [risks[a] for a in risks if band.get(a) == "red"]
    green = [risks[a] for a in risks if band.get(a) == "green"]
    assert red and green and sum(red) / len(red) > 2 * sum(green) / len(green)


def test_staff_page_shows_the_backtest_and_the_reliability_chart(client, fitted):
    _, admin = fitted
    sign_in(client, admin)
    page = client.get("/csm/forecast").get_data(as_text=True)
    assert "logistic regression" in page and 'data-figure="brier"' in page and 'data-figure="skill-persistence"' in page
    assert 'data-table="deciles"' in page and "/csm/forecast/reliability.json" in page
    chart = client.get("/csm/forecast/reliability.json")
    assert chart.status_code == 200 and "Reliability" in chart.get_data(as_text=True)


def test_staff_page_without_a_fit_says_so(client, world):
    sign_in(client, world["csm_a"])
    assert "has not been fitted yet" in client.get("/csm/forecast").get_data(as_text=True)
    assert client.get("/csm/forecast/reliability.json").get_json()["empty"] is True


def test_health_recompute_refits_the_forecast(app, world):
    result = app.test_cli_runner().invoke(args=["health", "recompute"])
    assert result.exit_code == 0, result.output
    assert "churn forecast: none (too little history)" in result.output
    assert Session.scalar(select(ForecastModel.kind)) == "none"


def test_openapi_describes_revenue_and_forecast(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/metrics/revenue" in paths and "/api/v1/accounts/{ext}/forecast" in paths


def test_the_kept_forecast_changes_as_soon_as_a_refit_stores_a_new_one(app, generated):
    """current_forecast() is parsed once per fit, but the next refit's answer is read at once."""
    earlier = END - timedelta(days=120)
    refit(earlier)
    Session.commit()
    first = current_forecast()
    assert first.as_of == earlier and current_forecast() is first  # kept between pages
    refit(END)
    Session.commit()
    second = current_forecast()
    assert second.as_of == END and second.risks != first.risks
    assert Session.scalar(select(func.count()).select_from(ForecastModel)) == 1  # only the newest fit is kept
