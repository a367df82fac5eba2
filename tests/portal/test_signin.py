"""Sign-in, sign-out, sessions, remember-me, ?next= and rate limits."""
from __future__ import annotations

import uuid

import pytest

from models.db import Session
from portal.auth.views import GENERIC_FAILURE
from tests.conftest import PASSWORD, redis_or_skip, sign_in


def _login(client, email, password=PASSWORD, **kw):
    return client.post("/login", data={"email": email, "password": password, **kw.pop("data", {})}, **kw)


@pytest.mark.parametrize("role, landing", [("customer_a", "/accounts/ALPHA/"), ("csm_a", "/csm/"), ("admin", "/csm/")])
def test_each_role_lands_on_its_home_page(client, world, role, landing):
    """A customer lands on their account, CSMs and admins on the portfolio."""
    response = _login(client, world[role].email)
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert client.get("/").headers["Location"] == landing


def test_wrong_password_and_unknown_email_get_the_same_generic_error(client, world):
    """The answer never reveals whether an e-mail has an account."""
    wrong = _login(client, world["customer_a"].email, "not the password at all")
    unknown = _login(client, "nobody@example.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 422
    for response in (wrong, unknown):
        assert GENERIC_FAILURE in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not signed in


def test_deactivated_user_cannot_sign_in(client, world):
    """A deactivated user gets the generic error."""
    user = world["customer_a"]
    user.is_active = False
    Session.commit()
    assert _login(client, user.email).status_code == 422


def test_email_is_case_insensitive(client, world):
    """Users may type their address in any case."""
    assert _login(client, world["csm_a"].email.upper()).status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/kb/", "/kb/"),
    ("/accounts/ALPHA/?period=90", "/accounts/ALPHA/?period=90"),
    ("https://evil.example/", "/accounts/ALPHA/"),
    ("//evil.example/path", "/accounts/ALPHA/"),
    ("/\\evil.example", "/accounts/ALPHA/"),
    ("javascript:alert(1)", "/accounts/ALPHA/"),
])
def test_next_only_follows_same_site_paths(client, world, target, expected):
    """?next= to another site is ignored; the user lands on their home page instead."""
    response = client.post("/login", query_string={"next": target},
                           data={"email": world["customer_a"].email, "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_anonymous_visitor_is_sent_to_login_with_next(client, world):
    """A page that needs sign-in redirects to /login and comes back after it."""
    response = client.get("/accounts/ALPHA/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    after = client.post(response.headers["Location"], data={"email": world["customer_a"].email, "password": PASSWORD})
    assert after.headers["Location"] == "/accounts/ALPHA/"


def test_sign_out_ends_the_session_and_old_cookies(app, client, world):
    """After sign-out, a session cookie captured before it is refused."""
    sign_in(client, world["csm_a"])
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    assert client.get("/csm/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/csm/").headers["Location"].startswith("/login")


def test_sign_out_ends_sessions_on_other_devices_and_remember_cookie(app, world):
    """Signing out on one device ends the session and the remember-me cookie of another."""
    laptop, phone = app.test_client(), app.test_client()
    assert _login(phone, world["csm_a"].email, data={"remember": "y"}).status_code == 302
    remember = phone.get_cookie("remember_token").value
    sign_in(laptop, world["csm_a"])
    laptop.post("/logout")
    assert phone.get("/csm/").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember)
    assert fresh.get("/csm/").status_code == 302


def test_remember_me_cookie_is_flagged_and_bounded(app, world):
    """The remember-me cookie is HttpOnly, SameSite=Lax and expires within 14 days."""
    client = app.test_client()
    response = _login(client, world["customer_a"].email, data={"remember": "y"})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 14
    # A new browser holding only the remember-me cookie is signed in.
    other = app.test_client()
    other.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert other.get("/accounts/ALPHA/").status_code == 200


def test_remember_me_cookie_older_than_its_lifetime_is_refused_by_the_server(app, world, monkeypatch):
    """A browser that keeps the cookie past 14 days (or a copied cookie) is sent to sign in again."""
    import portal.security

    client = app.test_client()
    _login(client, world["customer_a"].email, data={"remember": "y"})
    remember = client.get_cookie("remember_token").value
    real_now = portal.security._now_ts
    monkeypatch.setattr(portal.security, "_now_ts", lambda: real_now() + 13 * 86400)
    day_13 = app.test_client()
    day_13.set_cookie("remember_token", remember)
    assert day_13.get("/accounts/ALPHA/").status_code == 200
    monkeypatch.setattr(portal.security, "_now_ts", lambda: real_now() + 15 * 86400)
    day_15 = app.test_client()
    day_15.set_cookie("remember_token", remember)
    response = day_15.get("/accounts/ALPHA/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_session_is_renewed_at_sign_in(client, world):
    """Whatever the visitor's session held before sign-in is dropped (no fixation)."""
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, world["customer_a"])
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize("key, hours_ago", [("seen_at", 3), ("signed_in_at", 13)])
def test_idle_and_absolute_timeouts_end_the_session(client, world, key, hours_ago):
    """Idle for over 2 hours or signed in for over 12 hours: back to /login."""
    sign_in(client, world["customer_a"])
    assert client.get("/accounts/ALPHA/").status_code == 200
    with client.session_transaction() as session:
        session[key] = session[key] - hours_ago * 3600
    response = client.get("/accounts/ALPHA/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/accounts/ALPHA/").status_code == 302


def test_activity_within_the_idle_limit_keeps_the_session(client, world):
    """An hour idle is fine; the session goes on."""
    sign_in(client, world["customer_a"])
    with client.session_transaction() as session:
        session["seen_at"] -= 3600
    assert client.get("/accounts/ALPHA/").status_code == 200



def _hammer(client, email, times, ip):
    return [_login(client, email, "wrong password here", environ_base={"REMOTE_ADDR": ip}).status_code
            for _ in range(times)]


def _check_limits(client, world):
    ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    target = f"victim-{uuid.uuid4().hex[:8]}@example.test"
    statuses = _hammer(client, target, 11, ip)
    assert statuses[:10] == [422] * 10 and statuses[10] == 429  # per e-mail address: 10 a minute
    # Other e-mails from the same client address get through until the per-address limit of 20 a minute.
    other = [_hammer(client, f"other-{n}-{uuid.uuid4().hex[:8]}@example.test", 1, ip)[0] for n in range(11)]
    assert other[:9] == [422] * 9 and other[-1] == 429
    # Another client address signs in to another e-mail undisturbed.
    assert _login(client, world["customer_a"].email, environ_base={"REMOTE_ADDR": "10.251.0.1"}).status_code == 302


def test_sign_in_is_rate_limited_per_email_and_per_address(limited_app, world):
    """Eleven tries at one e-mail in a minute: the eleventh gets 429; one address gets at most 20 a minute."""
    _check_limits(limited_app().test_client(), world)


def test_rate_limits_use_redis_when_configured(limited_app, world):
    """With REDIS_URL the counters live in Redis (shared by every worker)."""
    url = "redis://127.0.0.1:6379/9"
    connection = redis_or_skip(url)
    app = limited_app(RATELIMIT_STORAGE_URI=url)
    _check_limits(app.test_client(), world)
    assert connection.keys("*login-email*"), "no rate-limit counters were written to Redis"


def test_reset_requests_are_limited_per_email(limited_app, world):
    """At most five reset mails an hour for one address, so nobody can flood a mailbox."""
    client = limited_app().test_client()
    target = f"flood-{uuid.uuid4().hex[:8]}@example.test"
    statuses = [client.post("/forgot-password", data={"email": target},
                            environ_base={"REMOTE_ADDR": f"10.252.0.{n}"}).status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]
