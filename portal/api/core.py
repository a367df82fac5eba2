"""What every API route shares: bearer-token sign-in, rights, JSON input, dates, errors."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, g, request
from sqlalchemy import select
from werkzeug.exceptions import UnprocessableEntity

from core.period import LAST_QUERY_DAY
from core.tokens import hash_token
from models.accounts import Account, ApiToken, User
from models.db import Session, utcnow
from portal.access import account_for
from portal.extensions import csrf, limiter

API_PREFIX = "/api/v1"


class ValidationFailed(UnprocessableEntity):
    """422 with a message and, for batches, per-item errors."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(description=message)
        self.payload = {"errors": errors} if errors else None


def invalid(message: str, errors: list[dict] | None = None):
    """Stop the request with a 422 JSON error."""
    raise ValidationFailed(message, errors)


def _authenticate():
    """Resolve the bearer token to its user, or answer 401."""
    if getattr(request.url_rule, "endpoint", "").endswith(".openapi"):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401)
    row = Session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(token.strip()), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row.User.is_active:
        abort(401)
    g.api_user = row.User
    g.api_token = row.ApiToken
    return None


def _api_client_key() -> str:
    """Whose quota a call counts against: its token (by hash), or its address when it sends none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hash_token(token.strip())
    return "address:" + (request.remote_addr or "unknown")


# One quota per token over every API route, shared by all workers when REDIS_URL is set: a runaway
# client gets 429 with Retry-After instead of slowing the portal for everybody.
_api_limit = limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api",
                                  key_func=_api_client_key,
                                  error_message="Too many requests with this token; wait the seconds the "
                                                "Retry-After header gives, then send the request again.")


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1 with token sign-in, the API rate limit and no CSRF (no cookies are read)."""
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    bp.before_request(_authenticate)
    csrf.exempt(bp)
    _api_limit(bp)
    return bp


def api_user() -> User:
    """The user whose token made this request."""
    return g.api_user


def require_role(*roles: str) -> None:
    """403 unless the token's user has one of these roles."""
    if api_user().role not in roles:
        abort(403, f"This action needs the {' or '.join(roles)} role.")


def api_account_or_404(external_id: str) -> Account:
    """The account if the token may read it; unknown and forbidden answer the same 404."""
    # No external id holds a NUL, and PostgreSQL refuses one in a query parameter.
    account = None if "\x00" in external_id else account_for(api_user(), external_id)
    if account is None:
        abort(404, "No such account.")
    return account


def json_body() -> Any:
    """The parsed JSON body; 415 for another Content-Type, 400 for malformed JSON."""
    if not request.is_json:
        abort(415)
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # arrays or objects nested thousands deep exhaust the parser's stack
        abort(400, "The body nests arrays or objects too deeply to be read.")
    if data is None:
        abort(400, "The body is not valid JSON.")
    raw = request.get_data(cache=True)
    # A NUL can only arrive escaped (\u0000) or as a raw byte (UTF-16/32 bodies): without either, walking
    # every value of a 10,000-event batch is skipped.
    where = _nul_at(data, "") if b"\\u0000" in raw or b"\x00" in raw else None
    if where is not None:
        invalid(f"Text must not contain the NUL character (\\u0000), found at {where or 'the top'}; "
                "remove it and send the request again.")
    return data


def _nul_at(value: Any, path: str) -> str | None:
    """Where the first NUL character sits in parsed JSON, as a path like events[3].user; None if nowhere.

    PostgreSQL cannot store NUL in text, so it is refused up front on every backend alike.
    """
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items = ((f"{path}.{key}" if path else str(key), key, item) for key, item in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[{index}]", "", item) for index, item in enumerate(value))
    else:
        return None
    for where, key, item in items:
        if "\x00" in key:
            return where
        found = _nul_at(item, where)
        if found is not None:
            return found
    return None


def parse_iso_date(value: str | None, name: str) -> date | None:
    """An ISO date from the query string, or 422 naming the parameter."""
    if value is None or value == "":
        return None
    try:
        if len(value) != 10:
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        invalid(f"'{name}' must be an ISO date like 2026-01-31.")
    if day > LAST_QUERY_DAY:
        invalid(f"'{name}' must be on or before {LAST_QUERY_DAY.isoformat()}.")
    return day


def date_range(default_days: int = 30) -> tuple[date, date]:
    """Inclusive (start, end) from ?start=&end=; defaults to the last default_days UTC days."""
    end = parse_iso_date(request.args.get("end"), "end") or utcnow().date()
    start = parse_iso_date(request.args.get("start"), "start") or end - timedelta(days=default_days - 1)
    if start > end:
        invalid("'start' must not be after 'end'.")
    return start, end
