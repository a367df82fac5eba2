"""`accounts arr` and `accounts churn`: the history is kept; bad input is refused with one line, nothing changed."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from models.accounts import Account
from models.db import Session
from models.revenue import ArrChange


def _state() -> tuple:
    Session.rollback()
    changes = tuple(Session.execute(select(ArrChange.account_id, ArrChange.effective_on, ArrChange.arr)
                                    .order_by(ArrChange.account_id, ArrChange.effective_on)).all())
    accounts = tuple(Session.execute(select(Account.external_id, Account.arr, Account.status, Account.churned_on)
                                     .order_by(Account.id)).all())
    return changes, accounts


def _fails_cleanly(result, fragment: str) -> None:
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


@pytest.fixture
def acme(runner):
    """ACME, a customer since 2025-01-01 at 10,000, which churned on 2026-06-01; BOLT, active since 2025-01-01."""
    for ext in ("ACME", "BOLT"):
        assert runner.invoke(args=["accounts", "create", "--name", ext, "--external-id", ext, "--arr", "10000",
                                   "--seats", "5", "--since", "2025-01-01"]).exit_code == 0
    assert runner.invoke(args=["accounts", "churn", "--external-id", "ACME", "--date", "2026-06-01"]).exit_code == 0


def test_create_records_the_initial_arr_from_customer_since(runner, acme):
    change = Session.scalar(select(ArrChange).join(Account).where(Account.external_id == "BOLT"))
    assert (change.effective_on, change.arr) == (date(2025, 1, 1), Decimal("10000.00"))


def test_second_change_on_the_same_day_replaces_the_first(runner, acme):
    for arr in ("12000", "13000"):
        result = runner.invoke(args=["accounts", "arr", "--external-id", "BOLT", "--arr", arr,
                                     "--effective", "2025-06-01"])
        assert result.exit_code == 0, result.output
    rows = Session.execute(select(ArrChange.effective_on, ArrChange.arr).join(Account)
                           .where(Account.external_id == "BOLT").order_by(ArrChange.effective_on)).all()
    assert [tuple(r) for r in rows] == [(date(2025, 1, 1), Decimal("10000.00")), (date(2025, 6, 1), Decimal("13000.00"))]
    assert Session.scalar(select(Account.arr).where(Account.external_id == "BOLT")) == Decimal("13000.00")


def test_churn_sets_status_and_day(runner, acme):
    account = Session.scalar(select(Account).where(Account.external_id == "ACME"))
    assert (account.status, account.churned_on) == ("churned", date(2026, 6, 1))


@pytest.mark.parametrize("args, fragment", [
    (["--external-id", "NOPE", "--arr", "1", "--effective", "2025-06-01"], "No account has the external id 'NOPE'"),
    (["--external-id", "BOLT", "--arr", "-5", "--effective", "2025-06-01"], "between 0"),
    (["--external-id", "BOLT", "--arr", "lots", "--effective", "2025-06-01"], "must be a number"),
    (["--external-id", "BOLT", "--arr", "5", "--effective", "2025-13-01"], "YYYY-MM-DD"),
    (["--external-id", "BOLT", "--arr", "5", "--effective", "1/6/2025"], "YYYY-MM-DD"),
    (["--external-id", "BOLT", "--arr", "5", "--effective", "2024-12-31"], "before the account became a customer"),
    (["--external-id", "ACME", "--arr", "5", "--effective", "2026-06-01"], "churned on 2026-06-01"),
    (["--external-id", "ACME", "--arr", "5", "--effective", "2026-07-01"], "churned on 2026-06-01"),
])
def test_bad_arr_change_is_refused_and_changes_nothing(runner, acme, args, fragment):
    before = _state()
    _fails_cleanly(runner.invoke(args=["accounts", "arr", *args]), fragment)
    assert _state() == before


@pytest.mark.parametrize("args, fragment", [
    (["--external-id", "NOPE", "--date", "2026-01-01"], "No account has the external id 'NOPE'"),
    (["--external-id", "BOLT", "--date", "2026-02-30"], "YYYY-MM-DD"),
    (["--external-id", "BOLT", "--date", "2024-12-31"], "before the account became a customer"),
    (["--external-id", "ACME", "--date", "2026-07-01"], "already churned on 2026-06-01"),
])
def test_bad_churn_is_refused_and_changes_nothing(runner, acme, args, fragment):
    before = _state()
    _fails_cleanly(runner.invoke(args=["accounts", "churn", *args]), fragment)
    assert _state() == before


def test_churn_before_a_recorded_change_is_refused(runner, acme):
    assert runner.invoke(args=["accounts", "arr", "--external-id", "BOLT", "--arr", "9000",
                               "--effective", "2025-09-01"]).exit_code == 0
    before = _state()
    _fails_cleanly(runner.invoke(args=["accounts", "churn", "--external-id", "BOLT", "--date", "2025-08-01"]),
                   "ARR change effective on 2025-09-01")
    assert _state() == before


def test_admin_page_records_a_change_and_lists_the_history(client, acme, create_user):
    from tests.conftest import sign_in

    sign_in(client, create_user("admin"))
    response = client.post("/admin/accounts/BOLT/arr", data={"arr": "14,500", "effective": "2025-10-01"})
    assert response.status_code == 302
    page = client.get("/admin/accounts/BOLT/edit").get_data(as_text=True)
    assert "2025-10-01" in page and "$14,500.00" in page and "$10,000.00" in page
    refused = client.post("/admin/accounts/BOLT/arr", data={"arr": "1", "effective": "2020-01-01"})
    assert refused.status_code == 422 and "before the account became a customer" in refused.get_data(as_text=True)
