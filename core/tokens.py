"""API tokens: made once, shown once, stored only as a hash."""
from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "csp_"


def new_token() -> tuple[str, str]:
    """A fresh API token and the hash to store (the token itself is shown once, never stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """Hex SHA-256 of a token (tokens are long and random, so a fast hash is enough)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
