"""/embed: a vendor-signed one-time token shows a customer's dashboard, framed only by the vendor's origins."""
from __future__ import annotations

import time
import uuid

import jwt
import pytest
from sqlalchemy import select

from models.accounts import User
from models.audit import AuditEntry
from models.db import Session
from models.sso import SignInToken
from tests.conftest import PASSWORD

SECRET = "embed-secret-of-the-vendor-0123456789abcdef"
VENDOR = "http://vendor.test:8000"


@pytest.fixture
def app_config(app_config):
    """Embedding on, for one vendor origin."""
    return {**app_config, "PORTAL_EMBED_SECRET": SECRET, "PORTAL_EMBED_ORIGINS": [VENDOR]}


def make_token(sub="lee@alpha.test", account="ALPHA", lifetime=300, secret=SECRET, **extra) -> str:
    """A token as the vendor's server makes it with PyJWT."""
    claims = {"sub": sub, "account": account, "exp": int(time.time()) + lifetime, "jti": str(uuid.uuid4()), **extra}
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret, algorithm="HS256")


def test_valid_token_signs_in_a_new_person_and_frames_for_the_vendor(client, world):
    """First use creates the person in the token's account; the dashboard is frameable by the vendor only."""
    response = client.get(f"/embed?token={make_token()}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/accounts/ALPHA/")
    assert f"frame-ancestors {VENDOR}" in response.headers["Content-Security-Policy"]
    lee = Session.scalar(select(User).where(User.email == "lee@alpha.test"))
    assert lee.role == "customer" and lee.account_id == world["account_a"].id and lee.password_hash is None
    dashboard = client.get("/accounts/ALPHA/")
    assert dashboard.status_code == 200
    assert f"frame-ancestors {VENDOR};" in dashboard.headers["Content-Security-Policy"] + ";"
    assert "X-Frame-Options" not in dashboard.headers
    assert 'aria-label="Main"' not in dashboard.get_data(as_text=True)  # no navigation out of the account


def test_existing_customer_is_signed_in_as_themselves(client, world):
    """A token naming an existing customer of the account signs that person in; nobody new is made."""
    before = Session.scalar(select(User.id).where(User.email == world["customer_a"].email))
    assert client.get(f"/embed?token={make_token(sub=world['customer_a'].email.upper())}").status_code == 302
    assert Session.scalars(select(User).where(User.account_id == world["account_a"].id)).all()[0].id == before


def test_embedded_session_cannot_leave_its_account(client, world):
    """Inside the frame only the account's own pages answer; the rest is refused with a sentence."""
    client.get(f"/embed?token={make_token()}")
    for path in ("/kb/", "/accounts/BETA/", "/csm/", "/password"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "not part of the embedded view" in response.get_data(as_text=True)
    assert client.get("/accounts/ALPHA/plan").status_code == 200


def test_every_other_page_stays_unframeable(client, world, login):
    """A normal session's pages keep frame-ancestors 'none' and X-Frame-Options DENY."""
    login(world["customer_a"])
    response = client.get("/accounts/ALPHA/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in client.get("/login").headers["Content-Security-Policy"]


@pytest.mark.parametrize(("token", "status", "sentence"), [
    (lambda: make_token()[:-3] + "abc", 401, "not valid"),
    (lambda: make_token(secret="another-secret-0123456789abcdef0123"), 401, "not valid"),
    (lambda: make_token(lifetime=-120), 401, "expired"),
    (lambda: make_token(lifetime=3600), 400, "longer than 10 minutes"),
    (lambda: make_token(jti=None), 401, "not valid"),
    (lambda: make_token(account="NOPE"), 404, "not known"),
    (lambda: make_token(sub="not-an-email"), 400, "no valid person"),
    (lambda: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJsZWVAYWxwaGEudGVzdCJ9.", 401, "not valid"),
    (lambda: "", 400, "has no token"),
])
def test_bad_tokens_get_a_4xx_with_a_sentence(client, world, token, status, sentence):
    """Tampered, wrongly signed, expired, too long-lived, incomplete, unknown account, alg none: refused."""
    response = client.get(f"/embed?token={token()}")
    assert response.status_code == status
    assert sentence in response.get_data(as_text=True)
    assert Session.scalar(select(User).where(User.email == "lee@alpha.test")) is None
    assert client.get("/accounts/ALPHA/").status_code == 302  # not signed in


def test_reused_token_is_refused(client, world):
    """The jti works once, also from another browser."""
    token = make_token()
    assert client.get(f"/embed?token={token}").status_code == 302
    again = client.application.test_client().get(f"/embed?token={token}")
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)
    assert len(Session.scalars(select(SignInToken)).all()) == 1


@pytest.mark.parametrize("who", ["customer_b", "csm_a", "admin"])
def test_token_naming_someone_outside_the_account_is_refused(client, world, who):
    """A foreign-account token (a person of another account, or staff) gets 403 and signs nobody in."""
    response = client.get(f"/embed?token={make_token(sub=world[who].email)}")
    assert response.status_code == 403
    assert "another company" in response.get_data(as_text=True)
    assert client.get("/accounts/ALPHA/").status_code == 302


def test_embed_is_off_without_a_secret(client, app, world):
    """With PORTAL_EMBED_SECRET unset, /embed does not exist."""
    app.config["PORTAL_EMBED_SECRET"] = None
    assert client.get(f"/embed?token={make_token()}").status_code == 404


def test_production_cookie_works_in_a_third_party_frame(client, app, world):
    """In production an embedded session's cookie is SameSite=None; Secure, a normal one stays Lax."""
    app.config.update(PORTAL_ENV="production", SESSION_COOKIE_SECURE=True)
    cookie = client.get(f"/embed?token={make_token()}").headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie
    normal = app.test_client().post("/login", data={"email": world["customer_a"].email, "password": PASSWORD})
    assert "SameSite=Lax" in normal.headers["Set-Cookie"]


def test_embed_sign_ins_are_rate_limited(limited_app, world):
    """Past 60 tries a minute from one address, /embed answers 429."""
    client = limited_app().test_client()
    statuses = [client.get("/embed?token=bad").status_code for _ in range(61)]
    assert statuses[:60] == [401] * 60 and statuses[60] == 429


def test_each_embed_sign_in_and_each_refusal_leaves_one_audit_entry(client, world):
    token = make_token()
    assert client.get(f"/embed?token={token}").status_code == 302
    assert client.get(f"/embed?token={token}").status_code == 410  # the same token again
    with client.application.app_context():
        entries = Session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.account_external_id) for e in entries] == [("signin.success", "ALPHA"),
                                                                         ("signin.failure", "ALPHA")]
        assert entries[0].actor_email == "lee@alpha.test" and "embedded" in entries[0].detail
        assert "already used" in entries[1].detail
