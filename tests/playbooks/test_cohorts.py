"""Cohort figures equal a hand computation on a small set of accounts, on both databases."""
from __future__ import annotations

from datetime import date

import pytest

from analytics.cohorts.tables import CohortAccount, by_age, cohort_data, cohort_table
from models.db import Session
from models.usage import UsageUserDay
from tests.playbooks.conftest import add_health

TODAY = date(2026, 6, 15)


@pytest.fixture
def cohort_accounts(app, create_account, create_user):
    """January: A (ARR 1,000, 10 seats) stays, B (ARR 3,000) churns in March; March: C (ARR 2,000, 4 seats)."""
    csm = create_user("csm")
    other = create_user("csm")
    a = create_account(external_id="A", arr=1000, seats=10, customer_since=date(2026, 1, 10), csm=csm)
    b = create_account(external_id="B", arr=3000, seats=10, customer_since=date(2026, 1, 20), csm=csm,
                       status="churned", churned_on=date(2026, 3, 10))
    c = create_account(external_id="C", arr=2000, seats=4, customer_since=date(2026, 3, 1), csm=other)
    a_users = [create_user("customer", account=a) for _ in range(2)]
    c_user = create_user("customer", account=c)
    with app.app_context():
        add_health(a.id, date(2026, 1, 15), 60, "yellow")
        add_health(a.id, date(2026, 1, 31), 70, "green")
        add_health(a.id, date(2026, 2, 10), 80, "green")
        add_health(c.id, date(2026, 3, 5), 40, "yellow")
        for user, day in [(a_users[0], date(2026, 1, 11)), (a_users[0], date(2026, 1, 12)), (a_users[1], date(2026, 1, 12)),
                          (c_user, date(2026, 3, 2))]:
            Session.add(UsageUserDay(account_id=user.account_id, user_id=user.id, day=day, events=1))
        Session.commit()
    return {"a": a, "b": b, "c": c, "csm": csm}


def test_retention_health_and_active_share_match_the_hand_computation(app, cohort_accounts):
    with app.app_context():
        data = cohort_data(today=TODAY)
    january, march = data.table
    assert (january.key, january.size, january.arr) == ("2026-01", 2, 4000.0)
    # ages 0..5 (January to June); B churned in March, age 2
    assert january.logo == [1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    assert january.revenue == [1.0, 1.0, 0.25, 0.25, 0.25, 0.25]
    assert (march.key, march.logo, march.revenue) == ("2026-03", [1.0] * 4, [1.0] * 4)
    # health: A's January mean 65 and C's March 40 are both age 0; A's February 80 is age 1
    assert data.health_by_age == [(0, 52.5, 2), (1, 80.0, 1)]
    # active share: A 2 users / 10 seats in January, C 1 / 4 in March, both age 0
    assert data.active_share_by_age == [(0, pytest.approx(0.225), 2)]


def test_cohorts_filter_by_csm_and_quarter(app, cohort_accounts):
    with app.app_context():
        data = cohort_data(csm_id=cohort_accounts["csm"].id, today=TODAY, by="quarter")
    assert [(row.key, row.size) for row in data.table] == [("2026-Q1", 2)]


def test_quarter_cohort_counts_each_account_from_its_own_start_month():
    accounts = [CohortAccount(1, date(2026, 1, 5), 100.0), CohortAccount(2, date(2026, 3, 5), 100.0, date(2026, 4, 2))]
    (row,) = cohort_table(accounts, date(2026, 4, 30), by="quarter")
    # age 0: both retained; age 1: 1 kept (Feb), 2 churned in April = its age 1; ages 2-3: only account 1 is old enough
    assert row.key == "2026-Q1" and row.logo == [1.0, 0.5, 1.0, 1.0]


def test_by_age_ignores_months_before_the_start():
    assert by_age({(1, 24312): 50.0, (1, 24311): 99.0}, {1: date(2026, 1, 1)}) == [(0, 50.0, 1)]
