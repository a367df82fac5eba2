"""A real OpenID Connect provider for the tests: oidc-provider-mock, served on loopback in its own process.

Run as `python tests/sso/oidc_provider.py PORT`. Besides the mock's own endpoints (discovery, JWKS, authorise,
token, end-session, PUT /users/<sub> for a person's claims) it has one test-only door, PUT /_test/tamper, that makes
the NEXT token answer carry an ID token changed as a broken or hostile provider would send it:
{"claims": {...}} re-signed with the provider's own key (wrong audience, expired, another nonce),
{"unknown_key": true} signed with a key the JWKS does not hold, {"alg_none": true} not signed at all.
"""
from __future__ import annotations

import base64
import json
import os
import sys
import time
import warnings

os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # loopback http, as the mock's own command line does
warnings.simplefilter("ignore")  # the mock imports Authlib's deprecated jose module

import flask  # noqa: E402
import oidc_provider_mock  # noqa: E402
from authlib.jose import JsonWebKey, jwt  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

TAMPER: dict = {}


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _claims_of(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _tampered(id_token: str) -> str:
    claims = {**_claims_of(id_token), **TAMPER.get("claims", {})}
    if TAMPER.get("expired"):
        claims.update(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    if TAMPER.get("alg_none"):
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    if TAMPER.get("unknown_key"):
        key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "not-in-the-jwks"})
    else:
        key = flask.g.oidc_provider_mock_storage.jwk
    return jwt.encode({"alg": "RS256", "kid": key.as_dict()["kid"]}, claims, key).decode()


def build_app() -> flask.Flask:
    """The mock provider (nonce required) with the tamper door."""
    app = oidc_provider_mock.app(require_nonce=True)

    @app.put("/_test/tamper")
    def tamper():
        TAMPER.clear()
        TAMPER.update(flask.request.get_json())
        return "", 204

    @app.after_request
    def _tamper_token(response):
        if flask.request.path == "/oauth2/token" and TAMPER and response.status_code == 200:
            body = response.get_json()
            body["id_token"] = _tampered(body["id_token"])
            TAMPER.clear()
            response.set_data(json.dumps(body))
        return response

    return app


if __name__ == "__main__":
    server = make_server("127.0.0.1", int(sys.argv[1]), build_app(), threaded=True)
    print("ready", flush=True)
    server.serve_forever()
