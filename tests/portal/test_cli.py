"""The CLI of accounts, users, tokens, the schema and the demo: one clear line and nothing changed on bad input."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models.accounts import Account, ApiToken, User
from models.db import Session


@pytest.fixture
def runner(app):
    """Flask's CLI runner, with stderr apart from stdout."""
    return app.test_cli_runner()


def _counts() -> tuple[int, int, int]:
    Session.rollback()
    return tuple(Session.scalar(select(func.count()).select_from(model)) for model in (Account, User, ApiToken))


def _fails_cleanly(result, fragment: str) -> None:
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_accounts_create_prints_the_external_id_last(runner, world):
    """The external id alone on the last line; the account exists with its fields."""
    result = runner.invoke(args=["accounts", "create", "--name", "Gamma", "--external-id", "GAMMA", "--arr", "120000",
                                 "--seats", "40", "--csm", world["csm_a"].email, "--renewal", "2027-01-31",
                                 "--since", "2024-05-01"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "GAMMA"
    account = Session.scalar(select(Account).where(Account.external_id == "GAMMA"))
    assert (account.seats, account.csm_id, account.renewal_date, account.customer_since) == (
        40, world["csm_a"].id, date(2027, 1, 31), date(2024, 5, 1))


def test_accounts_create_defaults_customer_since_to_today(runner, app):
    """Without --since, the account is a customer from today."""
    result = runner.invoke(args=["accounts", "create", "--name", "Solo", "--external-id", "SOLO", "--arr", "0",
                                 "--seats", "1"])
    assert result.exit_code == 0
    assert Session.scalar(select(Account.customer_since).where(Account.external_id == "SOLO")) == date.today()


BASE_ACCOUNT = ["accounts", "create", "--name", "Gamma", "--external-id", "GAMMA", "--arr", "1000", "--seats", "5"]


@pytest.mark.parametrize("change, fragment", [
    ({"--external-id": "ALPHA"}, "already exists"),
    ({"--external-id": "bad id!"}, "external id must be"),
    ({"--arr": "ten"}, "ARR must be a number"),
    ({"--arr": "-1"}, "between 0"),
    ({"--arr": "NaN"}, "between 0"),
    ({"--seats": "many"}, "whole number"),
    ({"--seats": "-3"}, "at least 1 licensed seat"),
    ({"--seats": "0"}, "at least 1 licensed seat"),
    ({"--csm": "nobody@example.test"}, "No CSM has the e-mail"),
    ({"--renewal": "2027-13-01"}, "YYYY-MM-DD"),
    ({"--renewal": "31/01/2027"}, "YYYY-MM-DD"),
    ({"--since": "yesterday"}, "YYYY-MM-DD"),
    ({"--since": "0001-01-01"}, "from 1900-01-01 to 9998-12-31"),
    ({"--since": "9999-12-31"}, "from 1900-01-01 to 9998-12-31"),
    ({"--name": " "}, "Enter the account's name"),
])
def test_accounts_create_refuses_bad_input(runner, world, change, fragment):
    """Each bad value: exit 1, one line on stderr, no account added."""
    args = list(BASE_ACCOUNT)
    for option, value in change.items():
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    before = _counts()
    _fails_cleanly(runner.invoke(args=args), fragment)
    assert _counts() == before


def test_accounts_create_without_a_required_option_fails_in_one_line(runner, world):
    """A missing option is a usage error on one line, not click's usage block."""
    result = runner.invoke(args=["accounts", "create", "--name", "X", "--arr", "1", "--seats", "1"])
    _fails_cleanly(result, "--external-id")


def test_users_create_makes_a_customer_who_can_sign_in(runner, client, world):
    """users create: the customer signs in with that password."""
    result = runner.invoke(args=["users", "create", "--email", "Pat@Alpha.example", "--password", "a fine passphrase",
                                 "--role", "customer", "--account", "ALPHA", "--name", "Pat"])
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"email": "pat@alpha.example", "password": "a fine passphrase"})
    assert response.headers["Location"] == "/accounts/ALPHA/"


@pytest.mark.parametrize("args, fragment", [
    (["--email", "x@example.test", "--password", "a fine passphrase", "--role", "customer", "--account", "NOPE"],
     "No account has the external id"),
    (["--email", "x@example.test", "--password", "a fine passphrase", "--role", "customer"], "needs --account"),
    (["--email", "DUP", "--password", "a fine passphrase", "--role", "csm"], "already exists"),
    (["--email", "x@example.test", "--password", "short", "--role", "csm"], "at least 8 characters"),
    (["--email", "x@example.test", "--password", "password123", "--role", "csm"], "too common"),
    (["--email", "x@example.test", "--password", "a fine passphrase", "--role", "owner"], "role must be one of"),
    (["--email", "not an email", "--password", "a fine passphrase", "--role", "csm"], "not a valid e-mail"),
    (["--email", "x@example.test", "--password", "a fine passphrase", "--role", "admin", "--account", "ALPHA"],
     "Only customer users"),
])
def test_users_create_refuses_bad_input(runner, world, args, fragment):
    """Each bad value: exit 1, one line on stderr, no user added."""
    args = [world["csm_b"].email.upper() if a == "DUP" else a for a in args]
    before = _counts()
    _fails_cleanly(runner.invoke(args=["users", "create", *args]), fragment)
    assert _counts() == before


def test_tokens_create_prints_a_working_token_last(runner, client, world):
    """The token alone on the last line; it carries the user's rights."""
    result = runner.invoke(args=["tokens", "create", "--email", world["csm_a"].email, "--name", "CRM"])
    assert result.exit_code == 0
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("csp_") and " " not in token
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/accounts/ALPHA/usage", headers=headers).status_code == 200
    assert client.get("/api/v1/accounts/BETA/usage", headers=headers).status_code == 404
    stored = Session.scalar(select(ApiToken.token_hash))
    assert token not in stored  # only the hash is kept


def test_tokens_create_for_an_unknown_user_fails(runner, world):
    """An unknown e-mail: exit 1, one line, no token."""
    before = _counts()
    _fails_cleanly(runner.invoke(args=["tokens", "create", "--email", "ghost@example.test"]), "No user has the e-mail")
    assert _counts() == before


def test_db_upgrade_on_an_empty_database(tmp_path, monkeypatch):
    """`db upgrade` creates the schema and says so; a second run changes nothing."""
    from sqlalchemy import inspect

    from models.db import dispose_engine, make_engine
    from portal import create_app

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    application = create_app({"DATABASE_URL": url, "TESTING": True})
    try:
        runner = application.test_cli_runner()
        for _ in range(2):
            result = runner.invoke(args=["db", "upgrade"])
            assert result.exit_code == 0, result.output
            assert "up to date" in result.stdout
        engine = make_engine(url)
        assert {"account", "user", "api_token"} <= set(inspect(engine).get_table_names())
        engine.dispose()
    finally:
        dispose_engine(application.extensions["db_engine"])


def test_demo_seed_loads_a_small_demo_and_prints_logins(runner, client, app):
    """`demo seed --accounts 6 --days 30`: accounts of every tier and logins that work for all three roles."""
    result = runner.invoke(args=["demo", "seed", "--accounts", "6", "--days", "30", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert Session.scalar(select(func.count()).select_from(Account)) == 6
    logins = [line.split() for line in result.stdout.splitlines() if "@demo.example" in line or "@acme-001" in line]
    roles = {row[0]: row[1] for row in logins}
    assert set(roles) == {"admin", "csm", "customer"}
    from portal.demo import DEMO_PASSWORD

    for role, landing in (("customer", "/accounts/ACME-001/"), ("csm", "/csm/"), ("admin", "/csm/")):
        response = client.post("/login", data={"email": roles[role], "password": DEMO_PASSWORD})
        assert response.headers["Location"] == landing
        client.post("/logout")


def test_demo_seed_refuses_a_database_with_users(runner, world):
    """Seeding twice is refused in one line and changes nothing."""
    before = _counts()
    _fails_cleanly(runner.invoke(args=["demo", "seed", "--accounts", "6", "--days", "30"]), "already has users")
    assert _counts() == before


@pytest.mark.parametrize("args, fragment", [(["--accounts", "zero"], "--accounts"), (["--days", "3"], "--days")])
def test_demo_seed_refuses_malformed_options(runner, app, args, fragment):
    """A malformed option value: one line, no data."""
    _fails_cleanly(runner.invoke(args=["demo", "seed", *args]), fragment)
    assert _counts() == (0, 0, 0)
