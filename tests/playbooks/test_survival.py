"""Logo retention as a Kaplan–Meier curve equals lifelines' own answer on the same durations, on both databases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lifelines import KaplanMeierFitter

from analytics.cohorts.survival import curves, survival_data
from analytics.cohorts.tables import cohort_data
from models.db import Session
from models.revenue import ArrChange
from tests.conftest import sign_in

TODAY = date(2026, 6, 30)
# (customer since, churned on or None, ARR): durations to the churn day, or censored at TODAY.
BOOK = [
    (date(2025, 1, 1), date(2025, 4, 11), 500_000), (date(2025, 1, 1), None, 400_000),
    (date(2025, 3, 1), date(2025, 9, 27), 30_000), (date(2025, 6, 1), date(2026, 1, 27), 20_000),
    (date(2025, 7, 1), None, 25_000), (date(2025, 9, 1), date(2025, 12, 10), 10_000),
    (date(2025, 10, 1), None, 12_000), (date(2026, 1, 15), date(2026, 5, 1), 9_000),
    (date(2026, 2, 1), None, 8_000), (date(2026, 3, 1), None, 5_000),
]


@pytest.fixture
def book(app, create_account):
    for n, (since, churned, arr) in enumerate(BOOK):
        create_account(external_id=f"KM-{n}", customer_since=since, arr=Decimal(arr),
                       status="churned" if churned else "active", churned_on=churned)


def _lifelines(rows):
    durations = [((churned or TODAY) - since).days for since, churned, _ in rows]
    events = [churned is not None for _, churned, _ in rows]
    return KaplanMeierFitter().fit(durations, events)


def test_overall_curve_equals_lifelines(book):
    curve = curves(survival_data(), TODAY)["all"]
    expected = _lifelines(BOOK)
    assert curve.days == [float(d) for d in expected.survival_function_.index]
    assert curve.retained == pytest.approx(list(expected.survival_function_["KM_estimate"]))
    band = expected.confidence_interval_survival_function_
    assert curve.lower == pytest.approx(list(band.iloc[:, 0])) and curve.upper == pytest.approx(list(band.iloc[:, 1]))
    assert (curve.accounts, curve.churned) == (10, 5)
    # Two accounts churned after 100 days, none before: 8 of 10 remain; censored accounts never count as churned.
    assert (curve.at(99), curve.at(100)) == (1.0, pytest.approx(0.8))


def test_tier_curves_use_their_own_accounts(book):
    found = curves(survival_data(), TODAY)
    # Top: the 500,000 account alone holds 40% of 1,019,000; scalable: the eight smallest hold under 20%.
    scalable = found["scalable"]
    expected = _lifelines(BOOK[2:])
    assert (found["top"].accounts, found["leveraged"].accounts, scalable.accounts) == (1, 1, 8)
    assert scalable.retained == pytest.approx(list(expected.survival_function_["KM_estimate"]))
    assert sum(found[t].accounts for t in ("top", "leveraged", "scalable") if t in found) == 10


def test_cohort_page_draws_the_survival_chart(client, book, create_user):
    sign_in(client, create_user("admin"))
    chart = client.get("/playbooks/cohorts/survival.json")
    assert chart.status_code == 200 and "Kaplan" in chart.get_data(as_text=True)
    assert "Kaplan–Meier" in client.get("/playbooks/cohorts").get_data(as_text=True)


def test_revenue_retention_uses_the_arr_of_each_age(app, create_account):
    """1,000 from January, expanded to 1,500 in March: revenue retention 100%, 100%, 150%, ... (logo stays 100%)."""
    account = create_account(external_id="GROW", arr=Decimal(1500), customer_since=date(2026, 1, 10))
    Session.add_all([ArrChange(account_id=account.id, effective_on=date(2026, 1, 10), arr=Decimal(1000)),
                     ArrChange(account_id=account.id, effective_on=date(2026, 3, 5), arr=Decimal(1500))])
    Session.commit()
    (row,) = cohort_data(today=date(2026, 4, 15)).table
    assert row.logo == [1.0] * 4 and row.revenue == [1.0, 1.0, 1.5, 1.5]
