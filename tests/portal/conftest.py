"""Fixtures of the foundation's tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def client(app):
    """A test client that keeps no request context open after a request.

    pytest-flask's client preserves the last request's context; a second client of the
    same app would then share its `g` (and so the signed-in user). Tests here use
    several clients as several devices, so each request gets its own context.
    """
    return app.test_client()
