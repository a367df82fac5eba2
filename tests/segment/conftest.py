"""The portal served on loopback over the test's database (SQLite and PostgreSQL), for real HTTP clients."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.serving import make_server


@pytest.fixture
def served(app):
    """The test's app served by werkzeug on 127.0.0.1:<free port>; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="segment-portal", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def write_key(world, api_token):
    """An admin's API token: the Segment write key."""
    return api_token(world["admin"])


@pytest.fixture
def days_ago():
    """days_ago(n, hour=10) -> an aware UTC datetime n days back at that hour."""
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)

    def make(days: int, hour: int = 10, minute: int = 0) -> datetime:
        return today - timedelta(days=days) + timedelta(hours=hour, minutes=minute)

    return make
