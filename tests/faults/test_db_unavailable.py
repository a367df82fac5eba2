"""A database that cannot be reached answers 503 with a retry hint: JSON for the API, the error page for people."""
from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from portal.errors import DB_UNAVAILABLE, database_unavailable
from tests.faults.servers import free_port

pytestmark = pytest.mark.faults


@pytest.fixture
def make_app():
    """make_app(url) -> the portal on that database URL, as configured for tests; disposed afterwards."""
    from models.db import dispose_engine
    from portal import create_app

    made = []

    def make(url: str):
        app = create_app({"DATABASE_URL": url, "TESTING": True, "RATELIMIT_ENABLED": False,
                          "MAIL_SUPPRESS_SEND": True, "PORTAL_BASE_URL": "http://portal.test"})
        made.append(app)
        return app

    yield make
    for app in made:
        dispose_engine(app.extensions["db_engine"])


@pytest.fixture
def unreachable(make_app):
    """The portal configured for a PostgreSQL server that does not answer (nothing listens on the port)."""
    return make_app(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/portal")


@pytest.mark.parametrize(("error", "passing"), [
    (sa_exc.OperationalError("SELECT 1", {}, psycopg.OperationalError("connection refused")), True),
    (sa_exc.InterfaceError("SELECT 1", {}, psycopg.InterfaceError("the connection is closed")), True),
    (sa_exc.DBAPIError("SELECT 1", {}, psycopg.DatabaseError("gone"), connection_invalidated=True), True),
    (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), True),
    (sa_exc.OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")), True),
    (sa_exc.TimeoutError("QueuePool limit reached"), True),
    (sa_exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: account")), False),
    (sa_exc.IntegrityError("INSERT", {}, psycopg.IntegrityError("duplicate key")), False),
    (sa_exc.ProgrammingError("SELECT", {}, psycopg.ProgrammingError("syntax error")), False),
    (ValueError("not a database error"), False),
])
def test_only_errors_that_a_retry_can_cure_count_as_the_database_being_unavailable(error, passing):
    """Lost connections, a held lock or a full pool are passing; a missing table or a broken query is a bug (500)."""
    assert database_unavailable(error) is passing


def test_health_check_reports_the_database_as_down(unreachable):
    """A load balancer sees 503 {"status": "error", "db": "error"} and takes the node out."""
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "db": "error"}


def test_api_answers_503_json_with_retry_after(unreachable):
    """The vendor's application is told to retry the batch, in JSON, with a delay."""
    response = unreachable.test_client().post("/api/v1/events", json={"events": []},
                                              headers={"Authorization": "Bearer csp_anything"})
    assert response.status_code == 503
    assert response.get_json() == {"error": DB_UNAVAILABLE}
    assert int(response.headers["Retry-After"]) > 0


def test_pages_show_the_friendly_error_page_and_keep_the_session(unreachable):
    """A signed-in person sees a sentence saying to retry, no stack trace, and is still signed in afterwards."""
    client = unreachable.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"
        session["_fresh"] = True
    response = client.get("/kb/")
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert DB_UNAVAILABLE in html and "Traceback" not in html and "psycopg" not in html
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    with client.session_transaction() as session:
        assert session.get("_user_id") == "1:0", "a database outage signed the person out"
    survey = client.get("/s/a-link-from-an-email")
    assert survey.status_code == 503 and DB_UNAVAILABLE in survey.get_data(as_text=True)


def test_a_broken_schema_is_still_a_500_not_a_retry(make_app, tmp_path):
    """An empty SQLite file (no tables) is a setup mistake: retrying would not help, so no Retry-After."""
    response = make_app(f"sqlite:///{tmp_path / 'empty.db'}").test_client().get("/s/a-link-from-an-email")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert DB_UNAVAILABLE not in response.get_data(as_text=True)


def test_a_database_host_that_hangs_answers_503_after_the_connect_timeout(make_app, monkeypatch):
    """A server that accepts the connection but never answers: 503 after the timeout, not a worker stuck for good."""
    import socket
    import time

    import models.db

    monkeypatch.setattr(models.db, "CONNECT_TIMEOUT_SECONDS", 1)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections complete in the kernel's backlog; nothing ever reads or answers them
    try:
        app = make_app(f"postgresql+psycopg://postgres@127.0.0.1:{silent.getsockname()[1]}/portal")
        started = time.monotonic()
        response = app.test_client().get("/healthz")
        assert response.status_code == 503 and response.get_json()["db"] == "error"
        assert time.monotonic() - started < 8  # pool_pre_ping and the first connect each wait at most 1 s
    finally:
        silent.close()
