"""The admin page of an account's single sign-on connection."""
from __future__ import annotations

from sqlalchemy import select

from models.db import Session
from models.sso import SsoConnection, SsoDomain

OIDC = {"protocol": "oidc", "issuer": "https://login.alpha.example", "client_id": "portal",
        "client_secret": "s3cret", "domains": "alpha.example\nalpha-corp.example"}


def test_admin_saves_an_oidc_connection_and_its_domains(client, world, login):
    """Saved, then shown again without the secret; the secret is kept when left empty on an edit."""
    login(world["admin"])
    assert client.post("/admin/accounts/ALPHA/sso", data=OIDC).status_code == 302
    page = client.get("/admin/accounts/ALPHA/sso").get_data(as_text=True)
    assert "alpha-corp.example" in page and "s3cret" not in page
    assert client.post("/admin/accounts/ALPHA/sso", data={**OIDC, "client_secret": "", "sso_required": "y"}).status_code == 302
    connection = Session.get(SsoConnection, world["account_a"].id)
    assert connection.client_secret == "s3cret" and connection.sso_required
    assert sorted(Session.scalars(select(SsoDomain.domain))) == ["alpha-corp.example", "alpha.example"]


def test_domain_of_another_account_is_refused_on_the_page(client, world, login):
    """Beta cannot claim Alpha's domain: a sentence on the domains field, nothing stored for Beta."""
    login(world["admin"])
    client.post("/admin/accounts/ALPHA/sso", data=OIDC)
    response = client.post("/admin/accounts/BETA/sso", data={**OIDC, "domains": "beta.example alpha.example"})
    assert response.status_code == 422
    assert "already belongs to Alpha Inc" in response.get_data(as_text=True)
    assert Session.get(SsoConnection, world["account_b"].id) is None


def test_bad_input_gets_sentences(client, world, login):
    """A bad domain, a missing issuer: 422 with a sentence each, nothing stored."""
    login(world["admin"])
    bad_domain = client.post("/admin/accounts/ALPHA/sso", data={**OIDC, "domains": "not a domain!"})
    assert bad_domain.status_code == 422 and "is not an e-mail domain" in bad_domain.get_data(as_text=True)
    no_issuer = client.post("/admin/accounts/ALPHA/sso", data={**OIDC, "issuer": "login"})
    assert no_issuer.status_code == 422 and "The issuer must be" in no_issuer.get_data(as_text=True)
    assert Session.get(SsoConnection, world["account_a"].id) is None


def test_removing_the_connection_brings_passwords_back(client, world, login):
    """Remove: the connection and its domains are gone."""
    login(world["admin"])
    client.post("/admin/accounts/ALPHA/sso", data=OIDC)
    assert client.post("/admin/accounts/ALPHA/sso/remove").status_code == 302
    assert Session.scalars(select(SsoDomain)).all() == []
    assert client.get("/admin/accounts/NOPE/sso").status_code == 404


def test_staff_single_sign_on_is_off_without_an_issuer(client):
    """With OIDC_ISSUER unset, /login has no single sign-on button and /login/sso does not exist."""
    assert "Sign in with single sign-on" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso").status_code == 404
