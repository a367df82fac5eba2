"""OpenID Connect sign-in against a real provider process: staff and customers, and every refusal."""
from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import select

from models.accounts import User
from models.db import Session
from models.sso import SsoIdentity
from portal.auth.sso import oidc
from portal.auth.sso.connections import save_connection
from portal.services import ServiceError
from tests.conftest import PASSWORD
from tests.sso.conftest import free_port, local_path


@pytest.fixture(autouse=True)
def _fresh_provider_cache():
    oidc._cache.clear()  # each test's provider settings are read afresh
    yield
    oidc._cache.clear()


@pytest.fixture
def app_config(app_config, oidc_provider):
    """The portal with the provider as its staff provider."""
    return {**app_config, "OIDC_ISSUER": oidc_provider.issuer, "OIDC_CLIENT_ID": "portal",
            "OIDC_CLIENT_SECRET": "portal-secret", "SSO_HTTP_TIMEOUT": 1.0}


def _start_staff(client) -> str:
    response = client.get("/login/sso")
    assert response.status_code == 302
    return response.headers["Location"]


def _finish(client, oidc_provider, authorize_url: str, sub: str):
    callback = oidc_provider.authorize(authorize_url, sub)
    return client.get(local_path(callback))


def _connect(account, oidc_provider, domains="alpha.test", required=False, client_id="alpha-portal"):
    save_connection(account, protocol="oidc", domains_text=domains, sso_required=required,
                    issuer=oidc_provider.issuer, client_id=client_id, client_secret="alpha-secret")
    Session.commit()


def test_login_page_offers_single_sign_on(client):
    """With OIDC_ISSUER set, /login shows "Sign in with single sign-on"."""
    assert "Sign in with single sign-on" in client.get("/login").get_data(as_text=True)


def test_staff_sign_in_creates_admin_from_group_claim(client, oidc_provider):
    """A person in the provider's admin group signs in as an admin; the request used PKCE, state and nonce."""
    oidc_provider.set_person("staff-1", email="ada@vendor.test", name="Ada Admin", groups=["portal-admin"])
    authorize_url = _start_staff(client)
    assert "code_challenge=" in authorize_url and "code_challenge_method=S256" in authorize_url
    assert "nonce=" in authorize_url and "state=" in authorize_url
    response = _finish(client, oidc_provider, authorize_url, "staff-1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/csm/")
    user = Session.scalar(select(User).where(User.email == "ada@vendor.test"))
    assert user.role == "admin" and user.password_hash is None
    assert client.get("/csm/").status_code == 200


def test_staff_without_a_portal_group_is_refused(client, oidc_provider):
    """No admin or CSM group in the claim: refused with a sentence, nobody created."""
    oidc_provider.set_person("staff-2", email="nobody@vendor.test", groups=["sales"])
    response = _finish(client, oidc_provider, _start_staff(client), "staff-2")
    assert response.status_code == 403
    assert "no role in the portal" in response.get_data(as_text=True)
    assert Session.scalar(select(User).where(User.email == "nobody@vendor.test")) is None


def test_customer_jit_into_the_domains_account_then_matched_by_subject(client, world, oidc_provider):
    """E-mail first: the domain's connection sends the person to their provider; the first sign-in creates them in
    that account; a later sign-in with a changed e-mail finds the same user by subject."""
    _connect(world["account_a"], oidc_provider)
    oidc_provider.set_person("alpha-77", email="kim@alpha.test", name="Kim Alpha")
    response = client.post("/login", data={"email": "kim@alpha.test"})
    assert response.status_code == 200 and 'http-equiv="refresh"' in response.get_data(as_text=True)
    authorize_url = response.get_data(as_text=True).split('id="sso-continue"')[0].rsplit('href="', 1)[1].split('"')[0]
    authorize_url = authorize_url.replace("&amp;", "&")
    assert "client_id=alpha-portal" in authorize_url
    response = _finish(client, oidc_provider, authorize_url, "alpha-77")
    assert response.status_code == 302 and response.headers["Location"].endswith("/accounts/ALPHA/")
    kim = Session.scalar(select(User).where(User.email == "kim@alpha.test"))
    assert kim.role == "customer" and kim.account_id == world["account_a"].id
    assert client.get("/accounts/ALPHA/").status_code == 200
    assert client.get("/accounts/BETA/").status_code == 404

    other = client.application.test_client()
    oidc_provider.set_person("alpha-77", email="kim.new@alpha.test", name="Kim Alpha")
    response = other.post("/login", data={"email": "kim@alpha.test"})
    body = response.get_data(as_text=True)
    authorize_url = body.split('id="sso-continue"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    response = _finish(other, oidc_provider, authorize_url, "alpha-77")
    assert response.status_code == 302
    assert Session.scalars(select(SsoIdentity)).all()[0].user_id == kim.id
    assert Session.scalar(select(User).where(User.email == "kim.new@alpha.test")) is None


def test_same_email_at_another_provider_is_not_matched(client, world, oidc_provider):
    """A staff provider answer whose e-mail is an existing password user's is refused, never linked by e-mail."""
    oidc_provider.set_person("impostor", email=world["admin"].email, groups=["portal-admin"])
    response = _finish(client, oidc_provider, _start_staff(client), "impostor")
    assert response.status_code == 409
    assert "already signs in another way" in response.get_data(as_text=True)
    assert Session.scalars(select(SsoIdentity)).all() == []


@pytest.mark.parametrize(("how", "sentence"), [
    ({"claims": {"aud": "someone-else"}}, "made for another application"),
    ({"expired": True}, "it has expired"),
    ({"claims": {"nonce": "another-attempt"}}, "belongs to another sign-in attempt"),
    ({"claims": {"iss": "https://evil.test"}}, "comes from another issuer"),
    ({"unknown_key": True}, "not signed by your provider&#39;s keys"),
    ({"alg_none": True}, "not signed by your provider&#39;s keys"),
])
def test_bad_id_tokens_are_refused_with_a_sentence(client, oidc_provider, how, sentence):
    """Wrong audience, expired, another nonce, another issuer, an unknown key, alg none: refused, nobody created."""
    oidc_provider.set_person("staff-3", email="eve@vendor.test", groups=["portal-admin"])
    authorize_url = _start_staff(client)
    oidc_provider.tamper_next_token(**how)
    response = _finish(client, oidc_provider, authorize_url, "staff-3")
    body = response.get_data(as_text=True)
    assert response.status_code == 400, body
    assert sentence in body, body.split('role="alert"')[-1][:300]
    assert Session.scalar(select(User).where(User.email == "eve@vendor.test")) is None
    assert client.get("/csm/").status_code == 302  # not signed in


def test_replayed_state_and_missing_state_are_refused(client, oidc_provider):
    """A callback is good once; a second one with the same state (or none) is refused."""
    oidc_provider.set_person("staff-4", email="sol@vendor.test", groups=["portal-csm"])
    callback = oidc_provider.authorize(_start_staff(client), "staff-4")
    assert client.get(local_path(callback)).status_code == 302
    replay = client.application.test_client()
    replay_response = replay.get(local_path(callback))
    assert replay_response.status_code == 400
    assert "already used" in replay_response.get_data(as_text=True)
    assert client.get("/sso/oidc/callback?code=x").status_code == 400


def test_callback_from_another_browser_is_refused(client, oidc_provider):
    """The state lives in the session that started the sign-in; another browser's callback is refused."""
    oidc_provider.set_person("staff-5", email="lee@vendor.test", groups=["portal-csm"])
    callback = oidc_provider.authorize(_start_staff(client), "staff-5")
    response = client.application.test_client().get(local_path(callback))
    assert response.status_code == 400


def test_provider_down_answers_a_sentence(client, app):
    """Nobody listens at the issuer: a 503 page with a sentence, at once."""
    app.config["OIDC_ISSUER"] = f"http://127.0.0.1:{free_port()}"
    response = client.get("/login/sso")
    assert response.status_code == 503
    assert "cannot be reached" in response.get_data(as_text=True)


def test_slow_provider_times_out_with_a_sentence(client, app):
    """A provider that accepts the connection and never answers: the worker gives up after the timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    held = []
    thread = threading.Thread(target=lambda: held.append(listener.accept()), daemon=True)
    thread.start()
    app.config["OIDC_ISSUER"] = f"http://127.0.0.1:{listener.getsockname()[1]}"
    response = client.get("/login/sso")
    thread.join(timeout=5)
    for connection, _address in held:
        connection.close()
    listener.close()
    assert response.status_code == 503
    assert "did not answer in time" in response.get_data(as_text=True)


def test_domain_claimed_by_two_accounts_is_refused(world, oidc_provider):
    """A second account cannot claim a domain that one already has."""
    _connect(world["account_a"], oidc_provider, domains="alpha.test")
    with pytest.raises(ServiceError, match="already belongs to Alpha Inc"):
        _connect(world["account_b"], oidc_provider, domains="beta.test alpha.test")


def test_plain_password_sign_in_still_works(client, world, oidc_provider):
    """The contract's email + password POST signs in a person whose domain has no connection."""
    _connect(world["account_a"], oidc_provider, domains="alpha.test")
    response = client.post("/login", data={"email": world["customer_a"].email, "password": PASSWORD})
    assert response.status_code == 302 and "/accounts/ALPHA/" in response.headers["Location"]


def test_account_that_requires_sso_has_no_password_sign_in(client, world, oidc_provider):
    """A customer of an account that requires SSO goes to the provider even with the right password."""
    _connect(world["account_a"], oidc_provider, domains="alpha-corp.test", required=True)
    response = client.post("/login", data={"email": world["customer_a"].email, "password": PASSWORD})
    assert response.status_code == 200 and "oauth2/authorize" in response.get_data(as_text=True)
    assert client.get("/accounts/ALPHA/").status_code == 302  # not signed in


def test_sign_out_ends_the_session_and_calls_end_session(client, oidc_provider):
    """Signing out ends the portal session and sends the person to the provider's end-session endpoint."""
    oidc_provider.set_person("staff-6", email="max@vendor.test", groups=["portal-csm"])
    _finish(client, oidc_provider, _start_staff(client), "staff-6")
    assert client.get("/csm/").status_code == 200
    response = client.post("/logout")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f"{oidc_provider.issuer}/oauth2/end_session?id_token_hint=" in body
    assert client.get("/csm/").status_code == 302


def test_code_used_twice_is_refused(client, oidc_provider):
    """A code already traded for tokens, brought back with a fresh state, is refused by the provider."""
    oidc_provider.set_person("staff-7", email="kai@vendor.test", groups=["portal-csm"])
    first = oidc_provider.authorize(_start_staff(client), "staff-7")
    assert client.get(local_path(first)).status_code == 302
    used_code = first.split("code=")[1].split("&")[0]
    other = client.application.test_client()
    second = oidc_provider.authorize(_start_staff(other), "staff-7")
    state = second.split("state=")[1].split("&")[0]
    response = other.get(f"/sso/oidc/callback?code={used_code}&state={state}")
    assert response.status_code == 400
    assert "the code may be used or expired" in response.get_data(as_text=True)


def test_unverified_email_creates_nobody(client, oidc_provider):
    """email_verified false: the address is not trusted, so no user is made from it."""
    oidc_provider.set_person("staff-8", email="una@vendor.test", email_verified=False, groups=["portal-csm"])
    response = _finish(client, oidc_provider, _start_staff(client), "staff-8")
    assert response.status_code == 400
    assert Session.scalar(select(User).where(User.email == "una@vendor.test")) is None
