"""A small book of accounts with expansions, contractions, churns and new logos, recorded through the CLI."""
from __future__ import annotations

import pytest


@pytest.fixture
def runner(app):
    """Flask's CLI runner, with stderr apart from stdout."""
    return app.test_cli_runner()


# (external id, customer since, ARR at creation, [(effective day, new ARR)], churn day or None, CSM key)
BOOK = [
    ("A", "2025-01-01", "10000", [("2026-02-01", "15000")], None, "x"),  # expansion +5,000
    ("B", "2025-06-01", "20000", [("2026-03-31", "12000")], None, "x"),  # contraction on the last day −8,000
    ("C", "2025-03-01", "8000", [], "2026-02-15", "x"),  # churned inside the period
    ("D", "2026-02-01", "5000", [("2026-03-01", "7000")], None, "y"),  # new logo that grew: new ARR 7,000
    ("E", "2026-01-15", "4000", [], "2026-03-10", "y"),  # new logo churned inside the period: nothing
    ("F", "2026-01-01", "3000", [], None, "y"),  # customer from the first day: in the base, unchanged
    ("G", "2025-01-01", "6000", [], "2026-01-01", "y"),  # churned on the first day: not in the base
    ("H", "2025-01-01", "9000", [("2026-01-02", "10000")], "2026-03-31", "y"),  # churned on the last day: 9,000
    ("I", "2025-01-01", "2000", [("2026-01-01", "2500"), ("2026-01-01", "3000")], None, "y"),  # same-day change replaced
    ("J", "2026-04-05", "50000", [], None, "y"),  # customer after the period
    ("K", "2025-01-01", "10000", [("2026-01-20", "4000"), ("2026-03-01", "11000")], None, "y"),  # down then up: +1,000
]
START, END = "2026-01-01", "2026-03-31"
# By hand: base on 1 January = A 10,000 + B 20,000 + C 8,000 + F 3,000 + H 9,000 + I 3,000 + K 10,000.
EXPECTED_ALL = {
    "arr_start": 63000.0, "arr_end": 51000.0, "new_arr": 7000.0, "expansion_arr": 6000.0,
    "contraction_arr": 8000.0, "churned_arr": 17000.0, "accounts_start": 7, "accounts_churned": 2,
    "nrr": 44000 / 63000, "grr": 38000 / 63000, "logo_churn": 2 / 7,
}
# CSM x looks after A, B and C only.
EXPECTED_X = {
    "arr_start": 38000.0, "arr_end": 27000.0, "new_arr": 0.0, "expansion_arr": 5000.0, "contraction_arr": 8000.0,
    "churned_arr": 8000.0, "accounts_start": 3, "accounts_churned": 1,
    "nrr": 27000 / 38000, "grr": 22000 / 38000, "logo_churn": 1 / 3,
}


@pytest.fixture
def book(runner, create_user):
    """BOOK recorded with `accounts create`, `accounts arr` and `accounts churn`; returns the two CSMs and an admin."""
    people = {"x": create_user("csm"), "y": create_user("csm"), "admin": create_user("admin")}
    for ext, since, arr, changes, churn, csm in BOOK:
        result = runner.invoke(args=["accounts", "create", "--name", f"Account {ext}", "--external-id", ext,
                                     "--arr", arr, "--seats", "10", "--since", since, "--csm", people[csm].email])
        assert result.exit_code == 0, result.output
        for effective, new_arr in changes:
            result = runner.invoke(args=["accounts", "arr", "--external-id", ext, "--arr", new_arr,
                                         "--effective", effective])
            assert result.exit_code == 0, result.output
        if churn:
            result = runner.invoke(args=["accounts", "churn", "--external-id", ext, "--date", churn])
            assert result.exit_code == 0, result.output
    return people
