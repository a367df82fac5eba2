"""The access class of every route, merged from one module per feature.

Each module here defines ROUTES = {endpoint: Route(...)}. The isolation matrix in
tests/portal/test_isolation.py fails for any endpoint of the app missing here, so a
new route cannot be forgotten.

Kinds:
- public:      anyone (login page, health check, static files, OpenAPI)
- token_link:  anyone holding an unguessable link token; a made-up token gets 404 or 410
- signed_in:   any signed-in user; anonymous visitors are sent to /login
- account:     has <ext>; the account's customers, its CSM and admins only; others get 404
- customer:    customers only (their account's own act, e.g. an article vote); CSMs and admins get 403
- staff:       CSMs and admins; customers get 403
- admin:       admins; customers and CSMs get 403
- api_account: API route with <ext>; no token 401, a token that may not read the account 404
- api_admin:   API write route; no token 401, customer and CSM tokens 403
- api_staff:   API route for CSMs and admins; no token 401, a customer token 403
- api_signed_in: API route for any valid token; no token 401
- api_write_key: Segment-compatible route; no write key, a customer's or a CSM's token as the key: 401
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    """How one endpoint is protected, and sample values for its URL parameters."""

    kind: str
    params: dict = field(default_factory=dict)


def all_routes() -> dict[str, Route]:
    """Every registered endpoint's access class."""
    merged: dict[str, Route] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        merged.update(getattr(module, "ROUTES", {}))
    return merged
