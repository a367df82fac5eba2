"""The session cookie of an embedded session works inside the vendor's (third-party) iframe."""
from __future__ import annotations

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface

EMBED_SESSION_KEY = "embed_account"


def _embedded(app: Flask) -> bool:
    return app.config.get("PORTAL_ENV") == "production" and bool(session.get(EMBED_SESSION_KEY))


class EmbedAwareSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session; an embedded session's cookie is SameSite=None; Secure in production."""

    def get_cookie_samesite(self, app: Flask):
        """None for embedded sessions in production (the iframe is another site), else the configured value."""
        return "None" if _embedded(app) else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Always Secure when SameSite=None (browsers refuse it otherwise)."""
        return True if _embedded(app) else super().get_cookie_secure(app)
