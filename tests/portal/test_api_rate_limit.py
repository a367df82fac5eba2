"""The API's rate limit: one quota per token over every route, 429 in JSON with Retry-After past it."""
from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config):
    """Rate limits on, with a small API quota so the test reaches it."""
    return {**app_config, "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "5 per minute"}


def test_a_token_past_its_quota_gets_429_json_and_another_token_is_not_slowed(client, api_token, world):
    admin = {"Authorization": f"Bearer {api_token(world['admin'])}"}
    customer = {"Authorization": f"Bearer {api_token(world['customer_a'])}"}
    # The quota spans routes: usage, health and search all count against the same token.
    paths = ["/api/v1/accounts/ALPHA/usage?start=2026-01-01&end=2026-01-31", "/api/v1/accounts/ALPHA/health",
             "/api/v1/kb/search?q=report", "/api/v1/accounts/ALPHA/nps", "/api/v1/accounts/ALPHA/usage"]
    assert [client.get(path, headers=admin).status_code for path in paths] == [200, 200, 200, 200, 200]
    refused = client.get("/api/v1/accounts/ALPHA/health", headers=admin)
    assert refused.status_code == 429
    assert refused.is_json and "Too many requests with this token" in refused.get_json()["error"]
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/api/v1/accounts/ALPHA/health", headers=customer).status_code == 200


def test_the_quota_comes_from_the_environment_and_a_bad_value_is_refused_at_start(monkeypatch, tmp_path):
    from portal.config import ConfigError, load_config

    monkeypatch.setenv("PORTAL_API_RATE_LIMIT", "120 per second")
    assert load_config(str(tmp_path))["API_RATE_LIMIT"] == "120 per second"
    monkeypatch.setenv("PORTAL_API_RATE_LIMIT", "lots")
    with pytest.raises(ConfigError, match="PORTAL_API_RATE_LIMIT"):
        load_config(str(tmp_path))
