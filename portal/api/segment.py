"""Segment's HTTP Tracking API at /api/segment/v1/...: the vendor's Segment or RudderStack as a source.

The write key is an admin's API token, sent as the user name of HTTP Basic auth (how Segment's
and RudderStack's libraries send it). Bodies may be gzipped. Errors are JSON like the rest of the API.
"""
from __future__ import annotations

import base64
import binascii

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import select

from analytics.segment.messages import BodyRefused, inflate, parse_body
from analytics.segment.source import receive
from models.accounts import ApiToken, User
from models.db import Session, utcnow
from portal import jobs
from portal.api.core import ValidationFailed, hash_token
from portal.extensions import csrf, limiter

bp = Blueprint("api_segment", __name__, url_prefix="/api/segment/v1")
csrf.exempt(bp)
SINGLE_CALLS = ("track", "identify", "group", "page", "screen", "alias")
MAX_COMPRESSED_BYTES = 600 * 1024  # what a gzip body of a 500 KB batch can never exceed


def write_key() -> str | None:
    """The write key of the request: the Basic auth user name (the password is ignored, as Segment does)."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0].strip() or None


def _client_key() -> str:
    key = write_key()
    return "token:" + hash_token(key) if key else "address:" + (request.remote_addr or "unknown")


_segment_limit = limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api",
                                      key_func=_client_key,
                                      error_message="Too many requests with this write key; wait the seconds the "
                                                    "Retry-After header gives, then send the batch again.")
_segment_limit(bp)


class Unauthorised(Exception):
    """No admin's token in the Basic auth user name."""


@bp.errorhandler(Unauthorised)
def _unauthorised(_exc):
    message = ("Send an admin's API token as the write key: HTTP Basic auth with the token as the user name "
               "and an empty password.")
    response = jsonify({"error": message, "code": "unauthorized", "message": message})  # code, message: as Segment
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Basic realm="segment"'
    return response


@bp.before_request
def _authenticate():
    key = write_key()
    if key is None:
        raise Unauthorised()
    user = Session.scalar(select(User).join(ApiToken, ApiToken.user_id == User.id)
                          .where(ApiToken.token_hash == hash_token(key), ApiToken.revoked_at.is_(None)))
    if user is None or not user.is_active or user.role != "admin":
        raise Unauthorised()


def _receive(call: str | None):
    """Read, check and place the body's messages; commit once."""
    if request.mimetype not in ("application/json", "text/plain"):
        abort(415, "Send JSON with Content-Type: application/json.")
    received_at = utcnow()
    raw = request.stream.read(MAX_COMPRESSED_BYTES + 1)
    try:
        if len(raw) > MAX_COMPRESSED_BYTES:
            raise BodyRefused(413, "A batch may hold at most 500 KB of JSON; send smaller batches.")
        messages = parse_body(inflate(raw, request.headers.get("Content-Encoding", "")), call, received_at)
    except BodyRefused as exc:
        if exc.status == 422:
            raise ValidationFailed(str(exc), exc.errors) from None
        abort(exc.status, str(exc))
    result = receive(messages)
    Session.commit()
    if result.stored:
        jobs.enqueue("health.recompute")  # as after POST /api/v1/events
    return jsonify({"success": True})


@bp.post("/batch")
def batch():
    """A Segment batch: {"batch": [messages], "sentAt"?}."""
    return _receive(None)


@bp.post("/<any(track, identify, group, page, screen, alias):call>")
def single(call: str):
    """One Segment call (track, identify, group, page, screen, alias)."""
    return _receive(call)


_SEGMENT_ERRORS = {code: {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                   for code, text in (("400", "Malformed JSON or gzip"), ("401", "No admin's API token as the write key"),
                                      ("413", "Body over 500 KB, or a message over 32 KB"), ("415", "Not JSON"),
                                      ("422", "Invalid messages; nothing stored"))}
_SEGMENT_OPERATION = {
    "security": [{"segmentWriteKey": []}],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
    "responses": {
        "200": {"description": "Received", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"success": {"type": "boolean"}}}}}},
        **_SEGMENT_ERRORS,
    },
}

# OpenAPI path items contributed to /api/v1/openapi.json: Segment's HTTP Tracking API, as its libraries call it.
OPENAPI_PATHS: dict = {
    "/api/segment/v1/batch": {"post": {
        **_SEGMENT_OPERATION,
        "summary": "A Segment batch of messages (write key: an admin's API token as the Basic auth user name)",
        "description": "Segment's HTTP Tracking API: `{\"batch\": [messages], \"sentAt\"?}`; gzip bodies accepted. "
                       "`messageId` is the idempotency key. `page` and `screen` are page views; a track of "
                       "`Signed In` or `Logged In` is a login, `Report Run` a report run, any other event a "
                       "feature use.",
    }},
    "/api/segment/v1/{call}": {"post": {
        **_SEGMENT_OPERATION,
        "responses": {**_SEGMENT_OPERATION["responses"], "404": {
            "description": "Not one of the calls", "content": _SEGMENT_ERRORS["400"]["content"]}},
        "summary": "One Segment call: track, identify, group, page, screen or alias",
        "parameters": [{"name": "call", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": list(SINGLE_CALLS)}}],
    }},
}
