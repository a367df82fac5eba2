"""The portfolio: vendor metrics against hand computations, warnings actions scoped to visible accounts, settings."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from analytics.portfolio import ltv, monthly_logo_churn, vendor_metrics
from models.db import Session
from models.health import HealthScore, HealthWarning
from core.settings import get_setting
from tests.health.helpers import add_answer

TODAY = date.today()


def test_ltv_formula_by_hand():
    """(1,000 per month × 0.8) ÷ 2% = 40,000; no churn: not defined."""
    assert ltv(1000, 0.8, 0.02) == pytest.approx(40000)
    assert ltv(1000, 0.8, 0) is None
    assert monthly_logo_churn(3, 25) == pytest.approx(0.01)


def test_vendor_metrics_by_hand(app, create_account):
    """Three accounts a year ago (ARR 10k, 20k, 30k); one churned; one grew to 26k; a new one of 6k.

    ARR = 26k + 30k + 6k = 62k, MRR = 62k/12; churn = 1/3/12 per month; NRR = (26k + 30k + 0) / 60k;
    ARPA = 62k/12/3 per month; LTV = ARPA × 0.8 ÷ (1/36)."""
    old = TODAY - timedelta(days=500)
    a = create_account(arr=Decimal("26000"), customer_since=old)
    b = create_account(arr=Decimal("30000"), customer_since=old)
    c = create_account(arr=Decimal("20000"), customer_since=old, status="churned", churned_on=TODAY - timedelta(days=40))
    d = create_account(arr=Decimal("6000"), customer_since=TODAY - timedelta(days=100))
    with app.app_context():
        year_ago = TODAY - timedelta(days=366)
        for account, arr in ((a, 10000), (b, 30000), (c, 20000)):
            Session.add(HealthScore(account_id=account.id, as_of=year_ago, score=50, band="yellow", components_json="[]",
                                    arr=Decimal(arr)))
        Session.commit()
        add_answer(a, "p@x", 10, TODAY - timedelta(days=3))
        add_answer(b, "q@x", 2, TODAY - timedelta(days=3))
        add_answer(b, "r@x", 9, TODAY - timedelta(days=3))
        m = vendor_metrics([a, b, c, d], TODAY)
    assert m.arr == 62000 and m.mrr == pytest.approx(62000 / 12)
    assert (m.churned_12m, m.accounts_12m_ago) == (1, 3)
    assert m.monthly_logo_churn == pytest.approx(1 / 36)
    assert m.nrr == pytest.approx(56000 / 60000)
    assert m.nps == pytest.approx((2 - 1) / 3 * 100)
    assert m.ltv == pytest.approx(62000 / 12 / 3 * 0.8 * 36)


def test_portfolio_shows_metrics_and_only_own_accounts(app, world, client, login):
    """A CSM sees their account and its MRR, not the other CSM's account."""
    login(world["csm_a"])
    page = client.get("/csm/").get_data(as_text=True)
    assert "Alpha Inc" in page and "Beta Ltd" not in page
    assert "1,000 per month" in page  # MRR of 12,000 ARR
    assert "not defined: no churn" in page


def test_admin_filters_the_portfolio_by_csm(app, world, client, login):
    """An admin sees all accounts, or one CSM's with ?csm=."""
    login(world["admin"])
    page = client.get("/csm/").get_data(as_text=True)
    assert "Alpha Inc" in page and "Beta Ltd" in page
    page = client.get(f"/csm/?csm={world['csm_b'].id}").get_data(as_text=True)
    assert "Beta Ltd" in page and "Alpha Inc" not in page


def test_account_table_sorts_by_arr(app, world, client, login, create_account):
    """?sort=arr&dir=desc puts the largest account first."""
    create_account(name="Gamma Big", arr=Decimal("900000"), csm=world["csm_a"])
    login(world["csm_a"])
    page = client.get("/csm/?sort=arr&dir=desc").get_data(as_text=True)
    table = page[page.index('data-testid="account-table"'):]
    assert table.index("Gamma Big") < table.index("Alpha Inc")


def _warning(account) -> int:
    w = HealthWarning(account_id=account.id, kind="no_login", episode_key="since:x", as_of=TODAY,
                      figures_json=json.dumps({"days_without_login": 20}), message="Nobody has logged in for 20 days.")
    Session.add(w)
    Session.commit()
    return w.id


def test_csm_acknowledges_and_resolves_a_warning(app, world, client, login):
    """The warning shows with its figures; acknowledge then resolve removes it from the list."""
    with app.app_context():
        warning_id = _warning(world["account_a"])
    login(world["csm_a"])
    page = client.get("/csm/").get_data(as_text=True)
    assert "Nobody has logged in for 20 days." in page and "20 days without a login" in page
    assert client.post(f"/csm/warnings/{warning_id}/acknowledge").status_code == 302
    assert client.post(f"/csm/warnings/{warning_id}/resolve").status_code == 302
    with app.app_context():
        w = Session.get(HealthWarning, warning_id)
        assert w.acknowledged_by_id == world["csm_a"].id and w.resolved_by_id == world["csm_a"].id
    assert "Nobody has logged in" not in client.get("/csm/").get_data(as_text=True)


def test_csm_cannot_touch_another_csms_warning(app, world, client, login):
    """CSM A posting on B's warning id gets 404 and nothing changes."""
    with app.app_context():
        warning_id = _warning(world["account_b"])
    login(world["csm_a"])
    assert client.post(f"/csm/warnings/{warning_id}/acknowledge").status_code == 404
    assert client.post(f"/csm/warnings/{warning_id}/resolve").status_code == 404
    with app.app_context():
        assert Session.get(HealthWarning, warning_id).acknowledged_at is None


def settings_form(**overrides):
    data = {"weight_usage": "30", "weight_adoption": "20", "weight_sentiment": "15", "weight_engagement": "10",
            "weight_plan": "15", "weight_maturity": "10", "red_below": "40", "green_from": "70", "gross_margin": "0.8"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("overrides, message", [
    ({"weight_usage": "-5"}, "must be 0 or more"),
    ({k: "0" for k in ("weight_usage", "weight_adoption", "weight_sentiment", "weight_engagement", "weight_plan", "weight_maturity")},
     "At least one weight"),
    ({"red_below": "70", "green_from": "40"}, "must be in order"),
    ({"gross_margin": "1.5"}, "between 0.01 and 1"),
])
def test_bad_health_settings_are_refused(app, world, client, login, overrides, message):
    """Negative or all-zero weights, thresholds out of order: an error, nothing saved."""
    login(world["admin"])
    response = client.post("/csm/settings/health", data={**settings_form(**overrides), "save": "Save"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert get_setting("health.weights", None) is None


def test_settings_preview_counts_band_changes_and_save_stores(app, world, client, login):
    """An account at 65 (yellow): green from 60 previews one change; saving stores the settings."""
    with app.app_context():
        Session.add(HealthScore(account_id=world["account_a"].id, as_of=TODAY, score=65, band="yellow",
                                components_json=json.dumps([{"name": "usage", "weight": 100, "score": 65,
                                                             "contribution": 65, "explanation": "u."}])))
        Session.commit()
    login(world["admin"])
    page = client.post("/csm/settings/health", data={**settings_form(green_from="60"), "preview": "Preview"}).get_data(as_text=True)
    assert "1 of 1 scored accounts would change band: 1 yellow → green" in page
    with app.app_context():
        assert get_setting("health.bands", None) is None
    assert client.post("/csm/settings/health", data={**settings_form(green_from="60"), "save": "Save"}).status_code == 302
    with app.app_context():
        assert get_setting("health.bands") == {"red_below": 40.0, "green_from": 60.0}
        assert get_setting("portfolio.gross_margin") == 0.8


def test_distribution_chart_is_empty_without_scores_then_drawn(app, world, client, login):
    """No scores: an empty-state message; with scores: a Bokeh document."""
    login(world["csm_a"])
    assert client.get("/csm/charts/distribution.json").get_json()["empty"] is True
    with app.app_context():
        Session.add(HealthScore(account_id=world["account_a"].id, as_of=TODAY, score=55, band="yellow", components_json="[]"))
        Session.commit()
    assert "doc" in client.get("/csm/charts/distribution.json").get_json()


def test_a_long_account_table_is_paged_and_keeps_sort_and_filters(app, world, client, login, create_account):
    """Sixty accounts: fifty on page 1, ten on page 2; page links keep the sort; a bad page number shows page 1."""
    from decimal import Decimal

    for n in range(58):
        create_account(name=f"Paged {n:02d}", external_id=f"PAGED-{n:02d}", csm=world["csm_a"], arr=Decimal(1000 + n))
    login(world["csm_a"])
    first = client.get("/csm/?sort=arr&dir=desc").get_data(as_text=True)
    assert "Accounts 1–50 of 59" in first
    assert "Paged 57" in first and "Paged 00" not in first.split('data-testid="account-table"')[1]
    assert 'href="/csm/?sort=arr&amp;dir=desc&amp;page=2#accounts"' in first
    second = client.get("/csm/?sort=arr&dir=desc&page=2").get_data(as_text=True)
    assert "Accounts 51–59 of 59" in second and "Paged 00" in second
    assert "Accounts 1–50 of 59" in client.get("/csm/?page=zero").get_data(as_text=True)
    assert "Accounts 51–59 of 59" in client.get("/csm/?page=999").get_data(as_text=True)
