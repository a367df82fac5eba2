"""Behind a reverse proxy (PORTAL_TRUSTED_PROXIES), the client address comes from X-Forwarded-For."""
from __future__ import annotations

import uuid

import pytest

from portal.config import ConfigError, load_config
from tests.conftest import PASSWORD

PROXY = {"REMOTE_ADDR": "127.0.0.1"}  # every request reaches gunicorn from the proxy on loopback
PER_ADDRESS_LIMIT = 20



def _failed_sign_ins(client, times: int, forwarded_for: str | None) -> list[int]:
    """Status codes of failed sign-ins to fresh e-mails (so only the per-address limit applies)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return [client.post("/login", data={"email": f"p-{uuid.uuid4().hex[:10]}@example.test", "password": PASSWORD},
                        headers=headers, environ_base=PROXY).status_code for _ in range(times)]


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(limited_app, world):
    """One client at its limit does not lock out another client coming through the same proxy."""
    client = limited_app(TRUSTED_PROXIES=1).test_client()
    statuses = _failed_sign_ins(client, PER_ADDRESS_LIMIT + 1, "203.0.113.7")
    assert statuses[:PER_ADDRESS_LIMIT] == [422] * PER_ADDRESS_LIMIT and statuses[-1] == 429
    assert _failed_sign_ins(client, 1, "203.0.113.8") == [422]
    response = client.post("/login", data={"email": world["customer_a"].email, "password": PASSWORD},
                           headers={"X-Forwarded-For": "198.51.100.9"}, environ_base=PROXY)
    assert response.status_code == 302


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(limited_app, world):
    """Without PORTAL_TRUSTED_PROXIES, changing X-Forwarded-For on every try does not escape the limit."""
    client = limited_app().test_client()
    statuses = [_failed_sign_ins(client, 1, f"198.51.100.{n}")[0] for n in range(PER_ADDRESS_LIMIT + 1)]
    assert statuses[-1] == 429


def test_a_malformed_proxy_count_is_refused_with_a_sentence(monkeypatch, tmp_path):
    """PORTAL_TRUSTED_PROXIES=yes is a configuration error that says what to write instead."""
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "yes")
    with pytest.raises(ConfigError, match="whole number of proxies"):
        load_config(str(tmp_path))
