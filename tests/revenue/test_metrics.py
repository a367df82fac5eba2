"""Revenue metrics equal the hand computation, through the pure maths, the API and the portfolio page."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from analytics.revenue.history import revenue_accounts
from analytics.revenue.metrics import RevenueAccount, revenue_metrics
from tests.conftest import sign_in
from tests.revenue.conftest import END, EXPECTED_ALL, EXPECTED_X, START


def _approx(expected: dict) -> dict:
    return {key: pytest.approx(value) for key, value in expected.items()}


def test_book_read_from_the_database_matches_the_hand_computation(app, book):
    result = revenue_metrics(revenue_accounts(), date(2026, 1, 1), date(2026, 3, 31)).as_json()
    assert result == _approx(EXPECTED_ALL)


def test_admin_token_counts_every_account(api, book):
    response = api(book["admin"]).get(f"/api/v1/metrics/revenue?start={START}&end={END}")
    assert response.status_code == 200
    assert response.get_json() == _approx(EXPECTED_ALL)


def test_csm_token_counts_only_the_assigned_accounts(api, book):
    response = api(book["x"]).get(f"/api/v1/metrics/revenue?start={START}&end={END}")
    assert response.get_json() == _approx(EXPECTED_X)


def test_customer_token_is_refused(api, world):
    assert api(world["customer_a"]).get(f"/api/v1/metrics/revenue?start={START}&end={END}").status_code == 403


@pytest.mark.parametrize("query", ["start=2026-13-01&end=2026-12-31", "start=2026-03-01&end=2026-02-01",
                                   "start=yesterday&end=2026-01-01", "start=2026-01-01&end=2026-1-5", "start=&end="])
def test_bad_or_reversed_dates_answer_422(api, world, query):
    response = api(world["admin"]).get(f"/api/v1/metrics/revenue?{query}")
    assert response.status_code == 422 and response.get_json()["error"]


def test_empty_base_gives_null_fractions(api, book):
    body = api(book["admin"]).get("/api/v1/metrics/revenue?start=2020-01-01&end=2020-12-31").get_json()
    assert (body["nrr"], body["grr"], body["logo_churn"], body["accounts_start"], body["arr_start"]) == (
        None, None, None, 0, 0)


def test_a_one_day_period_has_no_movement(api, book):
    body = api(book["admin"]).get("/api/v1/metrics/revenue?start=2026-02-01&end=2026-02-01").get_json()
    assert body["expansion_arr"] == body["contraction_arr"] == body["churned_arr"] == body["new_arr"] == 0
    assert body["arr_start"] == body["arr_end"] and body["nrr"] == pytest.approx(1.0)


def test_portfolio_shows_the_period_figures_in_the_currency_with_formulas(client, book):
    sign_in(client, book["admin"])
    page = client.get(f"/csm/?start={START}&end={END}").get_data(as_text=True)
    assert "Revenue from 2026-01-01 to 2026-03-31" in page
    assert 'data-metric="arr">$51,000 per year' in page
    assert 'data-metric="mrr">$4,250 per month' in page
    assert 'data-metric="new_arr">$7,000 per year' in page
    assert 'data-metric="expansion_arr">$6,000 per year' in page
    assert 'data-metric="contraction_arr">$8,000 per year' in page
    assert 'data-metric="churned_arr">$17,000 per year' in page
    assert 'data-metric="nrr">69.8% over the period' in page
    assert 'data-metric="grr">60.3% over the period' in page
    assert 'data-metric="logo_churn">28.6% over the period' in page
    assert "= ($63,000 + $6,000 − $8,000 − $17,000) ÷ $63,000." in page
    assert page.count("<summary>Formula</summary>") >= 10


def test_portfolio_refuses_a_reversed_period_with_a_sentence(client, book):
    sign_in(client, book["x"])
    page = client.get("/csm/?start=2026-03-01&end=2026-01-01").get_data(as_text=True)
    assert "The first day comes after the last; showing the last 12 months instead." in page


def test_arr_on_a_day_follows_the_rule():
    account = RevenueAccount(1, date(2026, 1, 1), date(2026, 6, 1),
                             ((date(2026, 1, 1), Decimal(100)), (date(2026, 3, 1), Decimal(150))))
    assert [account.arr_on(date(2025, 12, 31)), account.arr_on(date(2026, 2, 28)), account.arr_on(date(2026, 3, 1)),
            account.arr_on(date(2026, 5, 31)), account.arr_on(date(2026, 6, 1))] == [0, 100, 150, 150, 0]
    assert account.active_on(date(2026, 5, 31)) and not account.active_on(date(2026, 6, 1))
