"""Fixtures of the fault tests: real gunicorn, a private PostgreSQL cluster, a schema made by `db upgrade`."""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import PASSWORD
from tests.faults.servers import Gunicorn, PostgresCluster

SECRET_KEY = secrets.token_hex(32)


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    """serve(env, workers) -> a ready Gunicorn; every server started is stopped when the module ends."""
    log_dir = tmp_path_factory.mktemp("gunicorn")
    started: list[Gunicorn] = []

    def start(env: dict, workers: int) -> Gunicorn:
        server = Gunicorn({"SECRET_KEY": SECRET_KEY, "PORTAL_ENV": "development",
                           "PORTAL_BASE_URL": "http://portal.test", **env}, workers, log_dir)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def pg_cluster():
    """A private PostgreSQL cluster, started; deleted when the module ends."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@contextmanager
def portal_app(url: str):
    """The portal in this process on `url` (for the schema, seeding and reading results), disposed afterwards."""
    from models.db import Session, dispose_engine
    from portal import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": SECRET_KEY,
                      "PORTAL_BASE_URL": "http://portal.test", "MAIL_SUPPRESS_SEND": True})
    try:
        with app.app_context():
            yield app
            Session.remove()
    finally:
        dispose_engine(app.extensions["db_engine"])


def upgrade_and_seed(url: str, customers: int = 1) -> dict:
    """`db upgrade` through the app's CLI, then an account, its customers, an admin and the admin's API token."""
    from models.accounts import Account, User
    from models.db import Session
    from core.passwords import hash_password
    from portal.services import create_token

    with portal_app(url) as app:
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        account = Account(name="Fault Lines Inc", external_id="FAULTS", arr=Decimal("60000"), seats=50,
                          customer_since=date.today() - timedelta(days=400), status="active")
        password_hash = hash_password(PASSWORD)
        people = [User(email=f"customer{n}@faults.test", name=f"Customer {n}", role="customer", account=account,
                       password_hash=password_hash) for n in range(customers)]
        Session.add_all([account, *people, User(email="ops@faults.test", name="Ops", role="admin", password_hash=None)])
        Session.flush()
        token = create_token(email="ops@faults.test", name="fault tests")
        Session.commit()
        return {"token": token, "customers": [person.email for person in people], "account": "FAULTS"}
