"""Webhook endpoints: register (http or https only, never the portal itself), rotate the secret, switch on and off."""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select, update

from core.webhooks.signing import new_secret
from models.db import Session, utcnow
from models.webhooks import WEBHOOK_EVENT_TYPES, WebhookEndpoint, WebhookMessage

MAX_URL = 2000


class EndpointRefused(ValueError):
    """An endpoint that cannot be registered; the message is a sentence for the admin."""


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port with the scheme's default filled in)."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower().rstrip("."), port


def check_url(url: str, portal_base_url: str) -> str:
    """The URL, stripped, if admins may register it; EndpointRefused otherwise."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL:
        raise EndpointRefused(f"Give the endpoint's URL (at most {MAX_URL} characters).")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise EndpointRefused(f"{url[:100]!r} is not a URL; write it like https://hooks.example.com/portal.") from None
    if parts.scheme not in ("http", "https"):
        raise EndpointRefused("A webhook URL must start with http:// or https://.")
    if not parts.hostname:
        raise EndpointRefused("A webhook URL needs a host name, like https://hooks.example.com/portal.")
    if parts.username or parts.password:
        raise EndpointRefused("Put no user name or password in the URL; every message is signed instead.")
    _, base_host, base_port = _origin(portal_base_url)
    _, host, port = _origin(url)
    # The same host on the same port, or both on default ports (http and https of one site), is the portal.
    if host == base_host and (port == base_port or {port, base_port} <= {80, 443}):
        raise EndpointRefused("A webhook cannot point at the portal itself; give the address of another tool.")
    return url


def parse_event_types(value: str | list[str] | None) -> list[str]:
    """Chosen event types from 'a,b' or a list; empty means every type; EndpointRefused for an unknown one."""
    names = value.split(",") if isinstance(value, str) else list(value or [])
    names = [name.strip() for name in names if name and name.strip()]
    unknown = [name for name in names if name not in WEBHOOK_EVENT_TYPES]
    if unknown:
        raise EndpointRefused(f"Unknown event type {unknown[0][:60]!r}; choose from {', '.join(WEBHOOK_EVENT_TYPES)}.")
    return list(dict.fromkeys(names))


def add_endpoint(url: str, event_types: str | list[str] | None, portal_base_url: str) -> WebhookEndpoint:
    """Register an endpoint with a fresh secret (flushes; its secret is shown once by the caller)."""
    endpoint = WebhookEndpoint(url=check_url(url, portal_base_url),
                               event_types=",".join(parse_event_types(event_types)),
                               secret=new_secret(), is_enabled=True, disabled_reason="")
    Session.add(endpoint)
    Session.flush()
    return endpoint


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """Give the endpoint a new secret (messages sent from now on are signed with it); returns it."""
    endpoint.secret = new_secret()
    Session.flush()
    return endpoint.secret


def set_enabled(endpoint: WebhookEndpoint, enabled: bool, reason: str = "") -> None:
    """Switch an endpoint on (its failure run starts afresh, its failed messages are queued again) or off."""
    endpoint.is_enabled = enabled
    endpoint.disabled_reason = "" if enabled else reason
    endpoint.failing_since = None
    if enabled:  # what failed while it was off is delivered now, with the same webhook-ids
        Session.execute(update(WebhookMessage).where(WebhookMessage.endpoint_id == endpoint.id,
                                                     WebhookMessage.status == "failed")
                        .values(status="queued", next_attempt_at=utcnow()))
    Session.flush()


def subscribed(endpoint: WebhookEndpoint, event_type: str) -> bool:
    """Does the endpoint hear about this event type?"""
    return not endpoint.event_types or event_type in endpoint.event_types.split(",")


def all_endpoints() -> list[WebhookEndpoint]:
    """Every endpoint, oldest first."""
    return list(Session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))
