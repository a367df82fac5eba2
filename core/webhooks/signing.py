"""The Standard Webhooks signature scheme: whsec_ secrets and v1 HMAC-SHA256 signatures."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24  # 192 bits, within the scheme's 24..64 bytes


def new_secret() -> str:
    """A fresh signing secret: whsec_ and the base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def new_webhook_id() -> str:
    """A message id for the webhook-id header (the same on every retry of that message)."""
    return "msg_" + secrets.token_hex(16)


def signature(secret: str, webhook_id: str, timestamp: int, body: str) -> str:
    """The webhook-signature header: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> keyed by the secret's base64 part."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{webhook_id}.{timestamp}.{body}".encode("utf-8")
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


def headers(secret: str, webhook_id: str, timestamp: int, body: str) -> dict[str, str]:
    """Every header of one delivery attempt."""
    return {"Content-Type": "application/json", "webhook-id": webhook_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, webhook_id, timestamp, body)}
