"""POST /api/v1/events: the vendor's application posts usage events in batches."""
from __future__ import annotations

from flask import abort, jsonify

from analytics.usage.ingest import MAX_BATCH, BatchInvalid, ingest_events
from models.db import Session
from portal import jobs
from portal.api.core import api_blueprint, invalid, json_body, require_role

bp = api_blueprint("api_events", __name__)


@bp.post("/events")
def post_events():
    """Store a batch of usage events, all or nothing, idempotent by (account, id)."""
    require_role("admin")
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        invalid("The body must be a JSON object with an 'events' array.")
    events = body["events"]
    if len(events) > MAX_BATCH:
        abort(413, f"A batch holds at most {MAX_BATCH:,} events; split it into smaller batches.")
    try:
        result = ingest_events(events)
    except BatchInvalid as exc:
        Session.rollback()
        invalid(f"{len(exc.errors)} event(s) are invalid; nothing was stored.", exc.errors)
    Session.commit()
    if result.accepted:
        jobs.enqueue("health.recompute")  # at most one waits; without Redis the cron line recomputes
    return jsonify({"accepted": result.accepted, "duplicates": result.duplicates})


_EVENT_SCHEMA = {
    "type": "object",
    "required": ["id", "account", "user", "type", "ts"],
    "properties": {
        "id": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Your id for the event, unique per account"},
        "account": {"type": "string", "description": "External id of the account"},
        "user": {"type": "string", "minLength": 1, "maxLength": 200,
                 "description": "Your id for the person, or their e-mail; unknown people are added to the account"},
        "type": {"type": "string", "enum": ["login", "page_view", "feature_used", "report_run"]},
        "feature": {"type": "string", "maxLength": 200, "description": "Feature key; required for feature_used"},
        "ts": {"type": "string", "format": "date-time", "description": "ISO 8601 with a UTC offset"},
    },
}

# OpenAPI path items contributed to /api/v1/openapi.json.
OPENAPI_PATHS: dict = {
    "/api/v1/events": {
        "post": {
            "summary": "Post usage events (admin token)",
            "description": "Up to 10,000 events per batch. All or nothing: one invalid event rejects the batch "
                           "with 422 and per-item errors. Sending an id again counts it in duplicates.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {
                    "type": "object", "required": ["events"],
                    "properties": {"events": {"type": "array", "maxItems": MAX_BATCH, "items": _EVENT_SCHEMA}},
                }}},
            },
            "responses": {
                "200": {"description": "Stored", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"accepted": {"type": "integer"}, "duplicates": {"type": "integer"}},
                }}}},
                **{code: {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                   for code, text in (("400", "Malformed JSON"), ("401", "No valid token"),
                                      ("403", "The token may not post events"), ("413", "Batch too large"),
                                      ("415", "Not JSON"), ("422", "Invalid events; nothing stored"))},
            },
        }
    }
}
