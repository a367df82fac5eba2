"""OpenID Connect relying party: discovery, the authorisation request (code + PKCE), the code exchange and the
ID token check (issuer, audience, expiry, nonce, signature by the provider's JWKS). No Flask, no database."""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc6749.errors import OAuth2Error
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

# Asymmetric algorithms only: an HMAC or "none" token could be forged by anyone who knows the client secret.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
CACHE_SECONDS = 300
_cache: dict[str, tuple[float, dict]] = {}


class ProviderError(Exception):
    """The provider cannot sign this person in now; the message is a sentence for them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Provider:
    """One OpenID Connect client registration at one provider."""

    issuer: str
    client_id: str
    client_secret: str
    timeout: float = 5.0


def _get_json(url: str, timeout: float, fresh: bool = False) -> dict:
    cached = _cache.get(url)
    if cached and not fresh and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        response = requests.get(url, timeout=timeout)
        response.raise_for_status()
        document = response.json()
    except requests.Timeout:
        raise ProviderError("Your sign-in provider did not answer in time. Try again in a few minutes.") from None
    except (requests.RequestException, ValueError):
        raise ProviderError("Your sign-in provider cannot be reached right now. Try again in a few minutes, "
                            "or ask your administrator to check the single sign-on settings.") from None
    if not isinstance(document, dict):
        raise ProviderError("Your sign-in provider answered with something the portal cannot read.")
    _cache[url] = (time.monotonic(), document)
    return document


def discover(provider: Provider) -> dict:
    """The provider's metadata from <issuer>/.well-known/openid-configuration (cached for five minutes)."""
    metadata = _get_json(f"{provider.issuer.rstrip('/')}/.well-known/openid-configuration", provider.timeout)
    if metadata.get("issuer", "").rstrip("/") != provider.issuer.rstrip("/"):
        raise ProviderError("Your sign-in provider names another issuer than the one configured; "
                            "ask your administrator to check the single sign-on settings.")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(key), str):
            raise ProviderError("Your sign-in provider's settings are incomplete; ask your administrator to check them.")
    return metadata


def _client(provider: Provider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(provider.client_id, provider.client_secret, scope="openid email profile",
                         redirect_uri=redirect_uri, code_challenge_method="S256")


def authorization_request(provider: Provider, redirect_uri: str) -> tuple[str, dict]:
    """The provider URL to send the person to, and what to keep in their session for the callback."""
    metadata = discover(provider)
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    url, _state = _client(provider, redirect_uri).create_authorization_url(
        metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier)
    pending = {"state": state, "nonce": nonce, "verifier": verifier, "issuer": provider.issuer,
               "end_session_endpoint": metadata.get("end_session_endpoint")}
    return url, pending


def exchange_code(provider: Provider, pending: dict, code: str, redirect_uri: str) -> tuple[dict, str]:
    """Trade the code for tokens; return the checked ID token's claims and the raw ID token."""
    metadata = discover(provider)
    try:
        token = _client(provider, redirect_uri).fetch_token(
            metadata["token_endpoint"], code=code, code_verifier=pending["verifier"], timeout=provider.timeout)
    except requests.Timeout:
        raise ProviderError("Your sign-in provider did not answer in time. Try again in a few minutes.") from None
    except (OAuthError, OAuth2Error, requests.RequestException, ValueError):
        raise ProviderError("Your sign-in provider refused the sign-in (the code may be used or expired). "
                            "Start again from the sign-in page.") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise ProviderError("Your sign-in provider sent no ID token. Ask your administrator to allow the openid scope.")
    return check_id_token(provider, metadata["jwks_uri"], id_token, pending["nonce"]), id_token


def _decode(id_token: str, jwks_uri: str, timeout: float, fresh: bool):
    return jwt.decode(id_token, KeySet.import_key_set(_get_json(jwks_uri, timeout, fresh=fresh)), algorithms=ALGORITHMS)


def check_id_token(provider: Provider, jwks_uri: str, id_token: str, nonce: str) -> dict:
    """Verify an ID token's signature (JWKS), issuer, audience, expiry, subject and nonce; return its claims."""
    try:
        try:
            token = _decode(id_token, jwks_uri, provider.timeout, fresh=False)
        except InvalidKeyIdError:  # the provider may have rotated its keys since we cached them
            token = _decode(id_token, jwks_uri, provider.timeout, fresh=True)
    except (JoseError, ValueError, KeyError, TypeError):  # a malformed token or key set reads as unsigned
        raise ProviderError("The sign-in answer was not signed by your provider's keys, so it was refused. "
                            "Start again from the sign-in page.") from None
    registry = jwt.JWTClaimsRegistry(
        leeway=60, iss={"essential": True, "value": provider.issuer}, aud={"essential": True, "value": provider.client_id},
        exp={"essential": True}, sub={"essential": True}, nonce={"essential": True, "value": nonce})
    try:
        registry.validate(token.claims)
    except JoseError as error:
        claim = "exp" if isinstance(error, ExpiredTokenError) else getattr(error, "claim", "") or ""
        reasons = {"exp": "it has expired", "aud": "it was made for another application",
                   "iss": "it comes from another issuer", "nonce": "it belongs to another sign-in attempt"}
        reason = reasons.get(claim, "it is incomplete")
        raise ProviderError(f"The sign-in answer was refused because {reason}. Start again from the sign-in page.") from None
    return token.claims


def role_from_claims(claims: dict, claim: str, admin_value: str, csm_value: str) -> str | None:
    """The staff role a claim (a string or a list, such as groups) gives: admin, csm, or None for neither."""
    value = claims.get(claim)
    values = value if isinstance(value, list) else [value]
    if admin_value in values:
        return "admin"
    if csm_value in values:
        return "csm"
    return None
