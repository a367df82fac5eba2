"""Guessing survey links is slowed down by the rate limit."""
from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config):
    """This module runs with rate limits on."""
    return {**app_config, "RATELIMIT_ENABLED": True}


def test_guessing_survey_links_is_rate_limited(app, client):
    from portal.extensions import limiter

    try:
        codes = [client.get(f"/s/guess-number-{n}").status_code for n in range(35)]
    finally:
        limiter.reset()
    assert codes[0] == 404 and codes[-1] == 429
