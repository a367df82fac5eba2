"""Starting a single sign-on: which provider a person goes to, the redirect there, and the provider's sign-out."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, redirect, render_template, request, session

from models.accounts import Account
from models.db import Session
from models.sso import SsoConnection
from portal.auth.sso import saml
from portal.auth.sso.connections import connection_for_email, connection_required_for
from portal.auth.sso.oidc import Provider, ProviderError, authorization_request
from portal.auth.sso.people import user_by_email

PENDING_KEY = "sso_pending"  # state -> what the callback needs (nonce, PKCE verifier, account)
SIGN_OUT_KEY = "sso_sign_out"  # the provider's end-session endpoint and the ID token hint
MAX_PENDING = 5  # sign-ins started in other tabs that may still come back


def refused(message: str, status: int):
    """A sign-in refusal: a page with the sentence and a way back to the sign-in page."""
    return render_template("sso/refused.html", message=message), status


def continue_to(url: str, message: str):
    """A page that moves on to a provider by itself: the CSP's form-action 'self' forbids redirecting a form's POST
    to another origin, so a POST answers with this page instead of a redirect."""
    return render_template("sso/continue.html", url=url, message=message)


def oidc_callback_url() -> str:
    """The redirect URI registered at every OpenID Connect provider."""
    return f"{current_app.config['PORTAL_BASE_URL']}/sso/oidc/callback"


def staff_provider() -> Provider | None:
    """The vendor-wide provider of OIDC_ISSUER, when it is configured."""
    config = current_app.config
    if not (config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID")):
        return None
    return Provider(config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config.get("OIDC_CLIENT_SECRET") or "",
                    timeout=config["SSO_HTTP_TIMEOUT"])


def account_provider(connection: SsoConnection) -> Provider:
    """The provider of an account's OpenID Connect connection."""
    return Provider(connection.issuer, connection.client_id, connection.client_secret,
                    timeout=current_app.config["SSO_HTTP_TIMEOUT"])


def begin_oidc(provider: Provider, account_external_id: str | None):
    """Send the person to the provider; the state, nonce and PKCE verifier wait in their session."""
    try:
        url, pending = authorization_request(provider, oidc_callback_url())
    except ProviderError as error:
        return refused(error.message, 503)
    pending["account"] = account_external_id
    pendings = dict(list((session.get(PENDING_KEY) or {}).items())[-(MAX_PENDING - 1):])
    pendings[pending["state"]] = pending
    session[PENDING_KEY] = pendings
    return redirect(url)


def sso_redirect_for_login(form):
    """On a sign-in POST, send a person whose domain (or account) has a connection to their provider; else None."""
    if request.method != "POST" or not form.email.validate(form):
        return None
    email = form.email.data.strip().lower()
    connection = connection_for_email(email) or connection_required_for(user_by_email(email))
    if connection is None:
        return None
    account = Session.get(Account, connection.account_id)
    if connection.protocol == "saml":
        try:
            response = saml.begin(connection, account)
        except saml.SamlRefused as error:
            return refused(error.message, 503)
    else:
        response = begin_oidc(account_provider(connection), account.external_id)
    if getattr(response, "status_code", None) != 302:
        return response  # the provider could not be reached: the refusal page says so
    return continue_to(response.location, f"{account.name} signs in with single sign-on. Taking you to your "
                                          "company's sign-in page.")


def provider_sign_out_url() -> str | None:
    """Where to end the provider's session after ours (RP-initiated logout), when the provider has an endpoint."""
    sign_out = session.get(SIGN_OUT_KEY) or {}
    if not sign_out.get("endpoint"):
        return None
    query = urlencode({"id_token_hint": sign_out.get("id_token", ""), "client_id": sign_out.get("client_id", ""),
                       "post_logout_redirect_uri": f"{current_app.config['PORTAL_BASE_URL']}/login"})
    return f"{sign_out['endpoint']}?{query}"
