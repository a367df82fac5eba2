"""The vendor's signed embed token (HS256 JWT): checked here, without Flask or the database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import jwt

MAX_LIFETIME_SECONDS = 600  # exp at most 10 minutes ahead
CLOCK_SKEW_SECONDS = 30


class EmbedTokenError(Exception):
    """The token cannot sign anyone in; the message is a sentence, status the HTTP answer."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class EmbedClaims:
    """What a valid token says."""

    email: str
    account_external_id: str
    jti: str
    expires_at: datetime
    name: str


def read_embed_token(token: str, secret: str, now: datetime | None = None) -> EmbedClaims:
    """Check signature, expiry and claims of an embed token; raise EmbedTokenError when it is not good."""
    if not token:
        raise EmbedTokenError("The embed link has no token. The vendor's application must add one.", 400)
    now = now or datetime.now(timezone.utc)
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], leeway=CLOCK_SKEW_SECONDS,
                            options={"require": ["sub", "account", "exp", "jti"]})
    except jwt.ExpiredSignatureError:
        raise EmbedTokenError("This embed link has expired. Reload the page in your application to get a new one.") from None
    except jwt.InvalidTokenError:
        raise EmbedTokenError("This embed link is not valid. Reload the page in your application to get a new one.") from None
    expires_at = datetime.fromtimestamp(int(claims["exp"]), timezone.utc)
    if (expires_at - now).total_seconds() > MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS:
        raise EmbedTokenError("This embed link lives longer than 10 minutes, which the portal refuses.", 400)
    fields = (claims["sub"], claims["account"], claims["jti"])
    if not all(isinstance(value, str) and 0 < len(value) <= 254 for value in fields) or "@" not in claims["sub"]:
        raise EmbedTokenError("This embed link names no valid person, account or token id.", 400)
    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    return EmbedClaims(email=claims["sub"].strip().lower(), account_external_id=claims["account"], jti=claims["jti"],
                       expires_at=expires_at, name=name)
