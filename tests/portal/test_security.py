"""Response hardening, CSRF, production settings."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.db import Session, dispose_engine
from portal import create_app
from portal.config import ConfigError
from tests.conftest import PASSWORD, sign_in
from tests.demo_site import csrf_token_of


@pytest.mark.parametrize("path", ["/login", "/forgot-password", "/healthz", "/no-such-page"])
def test_every_response_carries_security_headers(client, world, path):
    """CSP limited to the portal's own origin, no sniffing, no framing."""
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp  # no third-party host is allowed
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # development is plain HTTP


def test_signed_in_pages_are_not_cached(client, world):
    """Pages with a user's data carry Cache-Control: no-store."""
    sign_in(client, world["customer_a"])
    assert client.get("/accounts/ALPHA/").headers["Cache-Control"] == "no-store"


def test_error_pages_are_friendly_html_without_a_trace(client, world):
    """An unknown page answers 404 with the portal's page."""
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.fixture
def csrf_app(database_url, app_config):
    """The portal with CSRF protection on, as in production."""
    application = create_app({"DATABASE_URL": database_url, **app_config, "WTF_CSRF_ENABLED": True})
    yield application
    dispose_engine(application.extensions["db_engine"])


@pytest.mark.parametrize("path", ["/login", "/logout", "/forgot-password", "/password", "/admin/accounts/new"])
def test_post_without_csrf_token_is_refused(csrf_app, world, path):
    """A form POST without its token gets 400, signed in or not."""
    client = csrf_app.test_client()
    if path != "/login":
        page = client.get("/login").get_data(as_text=True)
        token = csrf_token_of(page)
        assert client.post("/login", data={"email": world["admin"].email, "password": PASSWORD,
                                           "csrf_token": token}).status_code == 302
    response = client.post(path, data={"email": world["admin"].email, "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_sign_in_with_the_csrf_token_works(csrf_app, world):
    """The token from the page lets the form through."""
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = csrf_token_of(page)
    response = client.post("/login", data={"email": world["admin"].email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, database_url):
    """PORTAL_ENV=production with no SECRET_KEY: the app does not start."""
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": database_url})


def test_production_sets_secure_cookies_and_hsts(monkeypatch, database_url, world):
    """In production cookies are Secure and responses carry HSTS."""
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a production secret of enough length")
    application = create_app({"DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    try:
        client = application.test_client()
        response = client.get("/login")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        signed_in = client.post("/login", data={"email": world["admin"].email, "password": PASSWORD, "remember": "y"},
                                base_url="https://localhost")
        cookies = signed_in.headers.getlist("Set-Cookie")
        assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    finally:
        dispose_engine(application.extensions["db_engine"])


@pytest.mark.parametrize("path, status", [
    ("/kb/search?q=a%00b", 400),
    ("/accounts/AL%00PHA/", 404),
    ("/accounts/ALPHA/?period=%00", 400),
])
def test_a_nul_character_in_an_address_is_answered_clearly_not_with_a_500(client, world, path, status):
    """PostgreSQL cannot hold NUL; the portal says so instead of failing."""
    sign_in(client, world["customer_a"])
    response = client.get(path)
    assert response.status_code == status
    if status == 400:
        assert "NUL character" in response.get_data(as_text=True)


def test_a_form_with_a_nul_character_is_refused_and_stores_nothing(client, world):
    from models.plans import PlanMetric

    sign_in(client, world["customer_a"])
    response = client.post("/accounts/ALPHA/plan/metrics", data={
        "name": "Leads\x00", "source": "reported", "usage_measure": "", "unit": "", "direction": "higher",
        "baseline": "1", "target": "2", "target_date": "2099-01-01"})
    assert response.status_code == 400 and "NUL character" in response.get_data(as_text=True)
    assert Session.scalar(select(func.count()).select_from(PlanMetric)) == 0


def test_api_answers_and_link_pages_are_not_cached(client, world, api):
    """Account data fetched with a token, a review link or a survey link is never kept by a browser or proxy."""
    answer = api(world["customer_a"]).get("/api/v1/accounts/ALPHA/health")
    assert answer.headers["Cache-Control"] == "no-store"
    assert client.get("/share/made-up-token").headers["Cache-Control"] == "no-store"
    assert client.get("/s/made-up-token").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/openapi.json").headers.get("Cache-Control") != "no-store"  # public, cacheable
