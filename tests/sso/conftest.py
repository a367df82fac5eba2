"""Fixtures of the single sign-on tests: a real OpenID Connect provider process on loopback."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.py")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class OidcProvider:
    """The provider process: its issuer URL and helpers to script it."""

    issuer: str

    def set_person(self, sub: str, **claims) -> None:
        """The claims the provider gives this subject (email, name, groups...)."""
        requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def tamper_next_token(self, **how) -> None:
        """Make the next token answer carry a changed ID token (see oidc_provider.py)."""
        requests.put(f"{self.issuer}/_test/tamper", json=how, timeout=5).raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Play the person at the provider: approve as `sub`; return the callback URL the provider sends back to."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]


@pytest.fixture(scope="session")
def oidc_provider():
    """oidc-provider-mock in its own process on a loopback port, until the session ends."""
    port = free_port()
    process = subprocess.Popen([sys.executable, str(PROVIDER_SCRIPT), str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("The OpenID Connect provider process did not start.")
        time.sleep(0.2)
    yield OidcProvider(issuer=issuer)
    process.terminate()
    process.wait(timeout=10)


def local_path(url: str) -> str:
    """Path and query of a portal URL, for the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
