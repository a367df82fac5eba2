"""Single sign-on in Chromium against the real provider process: staff and customers, end to end."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from models.accounts import Account, User
from models.db import Session
from portal.auth.sso import oidc
from portal.auth.sso.connections import save_connection
from tests.sso.pages import journey_page


@pytest.fixture(scope="module")
def live_server_config(oidc_provider):
    """The live portal with the provider as the staff provider."""
    return {"OIDC_ISSUER": oidc_provider.issuer, "OIDC_CLIENT_ID": "portal", "OIDC_CLIENT_SECRET": "portal-secret"}


@pytest.fixture
def sso_page(browser, live_server, oidc_provider):
    """A page that may visit the portal and the provider; fails on console errors and other hosts."""
    oidc._cache.clear()
    with journey_page(browser, live_server, {urlsplit(oidc_provider.issuer).netloc}) as (page, problems):
        yield page
        assert problems.console_errors == [], problems.console_errors
        assert problems.failed_requests == [], problems.failed_requests
        assert problems.foreign_requests == [], problems.foreign_requests


def _approve_at_provider(page, sub: str) -> None:
    page.wait_for_url(re.compile(r".*/oauth2/authorize.*"))
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def test_staff_sign_in_and_out_with_the_vendors_provider(sso_page, live_server, oidc_provider):
    """"Sign in with single sign-on" leads a CSM through the provider to the portfolio; sign-out ends both sessions."""
    oidc_provider.set_person("csm-browser", email="robin@vendor.test", name="Robin CSM", groups=["portal-csm"])
    sso_page.goto("/login")
    sso_page.get_by_role("link", name="Sign in with single sign-on").click()
    _approve_at_provider(sso_page, "csm-browser")
    assert urlsplit(sso_page.url).path == "/csm/"
    assert "Robin CSM" in sso_page.content()
    assert Session.scalar(select(User.role).where(User.email == "robin@vendor.test")) == "csm"
    Session.rollback()  # end the read: the live server writes to the same SQLite file
    sso_page.get_by_role("button", name="Sign out").click(no_wait_after=True)
    sso_page.wait_for_url(re.compile(r".*/oauth2/end_session\?.*id_token_hint=.*"))
    sso_page.get_by_role("button", name="End session").click()
    sso_page.wait_for_url(re.compile(r".*/login$"))
    sso_page.goto("/csm/")
    assert urlsplit(sso_page.url).path == "/login"


def test_customer_e_mail_first_then_provider_then_their_account(sso_page, live_server, oidc_provider):
    """The e-mail's domain has a connection: the person goes to the provider and lands, created, in that account."""
    alpha = Session.scalar(select(Account).where(Account.external_id == "ALPHA"))
    save_connection(alpha, protocol="oidc", domains_text="alpha-sso.test", sso_required=True,
                    issuer=oidc_provider.issuer, client_id="alpha-portal", client_secret="alpha-secret")
    Session.commit()
    oidc_provider.set_person("ria-1", email="ria@alpha-sso.test", name="Ria Alpha")
    sso_page.goto("/login")
    sso_page.get_by_label("E-mail", exact=True).fill("ria@alpha-sso.test")
    sso_page.get_by_role("button", name="Sign in").click()
    _approve_at_provider(sso_page, "ria-1")
    assert urlsplit(sso_page.url).path == "/accounts/ALPHA/"
    ria = Session.scalar(select(User).where(User.email == "ria@alpha-sso.test"))
    assert ria.account_id == alpha.id and ria.role == "customer"


def test_a_different_nonce_is_refused_with_a_sentence(sso_page, live_server, oidc_provider):
    """An ID token whose nonce is not this attempt's: the person reads why and is not signed in."""
    oidc_provider.set_person("csm-nonce", email="nia@vendor.test", groups=["portal-csm"])
    sso_page.goto("/login")
    sso_page.get_by_role("link", name="Sign in with single sign-on").click()
    oidc_provider.tamper_next_token(claims={"nonce": "someone-elses"})
    _approve_at_provider(sso_page, "csm-nonce")
    assert "belongs to another sign-in attempt" in sso_page.get_by_role("alert").inner_text()
    assert Session.scalar(select(User).where(User.email == "nia@vendor.test")) is None


def test_sign_in_and_connection_pages_fit_a_phone(sso_page, live_server, sign_in):
    """At 390 px the sign-in page and the admin's connection page scroll no sideways."""
    sso_page.set_viewport_size({"width": 390, "height": 844})
    sso_page.goto("/login")
    assert sso_page.evaluate("document.documentElement.scrollWidth") <= 390
    sign_in(sso_page, "admin@portal.test")
    sso_page.goto("/admin/accounts/ALPHA/sso")
    assert sso_page.get_by_role("heading", name="Single sign-on of Alpha Inc").is_visible()
    assert sso_page.evaluate("document.documentElement.scrollWidth") <= 390
