"""Password-reset links: signed with SECRET_KEY, valid one hour, dead once used.

The token carries a fingerprint of the user's password hash and session version;
setting a new password changes both, so a used link (and every older one) stops working.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.outbox import queue_mail
from core.branding import get_brand
from core.mail_headers import NOTIFICATION_HEADERS
from models.accounts import User
from models.db import Session

SALT = "portal.password-reset"
MAX_AGE_SECONDS = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    material = f"{user.password_hash or '-'}:{user.session_version}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def make_reset_token(user: User) -> str:
    """A signed token that lets this user set a new password once, within the hour."""
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a still-valid token was made for; None when forged, expired or already used."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("f"), str):
        return None
    user = Session.get(User, data["u"])
    if user is None or not user.is_active or not hmac.compare_digest(_fingerprint(user), data["f"]):
        return None
    return user


def reset_url(user: User) -> str:
    """The absolute reset link, built from PORTAL_BASE_URL (never from the request's Host)."""
    return f"{current_app.config['PORTAL_BASE_URL']}/reset-password/{make_reset_token(user)}"


def queue_reset_mail(user: User) -> None:
    """Put the reset mail in the outbox (sent after the commit by `mail flush`)."""
    queue_mail(
        user.email,
        f"Set a new password for {get_brand().name}",
        "password_reset",
        account_id=user.account_id,
        kind="password_reset",
        headers=NOTIFICATION_HEADERS,
        name=user.name or user.email,
        reset_url=reset_url(user),
        valid_minutes=MAX_AGE_SECONDS // 60,
    )
