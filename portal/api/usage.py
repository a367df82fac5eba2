"""GET /api/v1/accounts/{ext}/usage: daily usage and feature use of an account, from the rollups."""
from __future__ import annotations

from flask import jsonify

from analytics.usage.datasets import feature_usage, usage_days
from portal.api.core import api_account_or_404, api_blueprint, date_range, invalid

bp = api_blueprint("api_usage", __name__)

MAX_RANGE_DAYS = 3660  # ten years: longer ranges answer 422 rather than a huge body


@bp.get("/accounts/<ext>/usage")
def account_usage(ext: str):
    """Per UTC day: active users, logins, events; per feature: distinct users and events over the period."""
    account = api_account_or_404(ext)
    start, end = date_range(30)
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        invalid(f"The range may span at most {MAX_RANGE_DAYS} days; ask for a shorter one.")
    days = [
        {"date": day["date"].isoformat(), "active_users": day["active_users"], "logins": day["logins"],
         "events": day["events"]}
        for day in usage_days(account.id, start, end)
    ]
    return jsonify({"days": days, "features": feature_usage(account.id, start, end)})


_DATE_PARAM = {"in": "query", "required": False, "schema": {"type": "string", "format": "date"}}

# OpenAPI path items contributed to /api/v1/openapi.json.
OPENAPI_PATHS: dict = {
    "/api/v1/accounts/{ext}/usage": {
        "get": {
            "summary": "Daily usage and feature use of an account",
            "description": "UTC calendar days, start and end inclusive (default: the last 30 days). "
                           "`active_users` counts distinct users with any event that day; `events` counts "
                           "every type. In `features`, `users` is distinct users over the whole period.",
            "parameters": [
                {"name": "ext", "in": "path", "required": True, "schema": {"type": "string"},
                 "description": "External id of the account"},
                {"name": "start", **_DATE_PARAM, "description": "First day, YYYY-MM-DD"},
                {"name": "end", **_DATE_PARAM, "description": "Last day, YYYY-MM-DD (default today)"},
            ],
            "responses": {
                "200": {"description": "Usage", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "days": {"type": "array", "items": {"type": "object", "properties": {
                            "date": {"type": "string", "format": "date"}, "active_users": {"type": "integer"},
                            "logins": {"type": "integer"}, "events": {"type": "integer"}}}},
                        "features": {"type": "array", "items": {"type": "object", "properties": {
                            "feature": {"type": "string"}, "users": {"type": "integer"},
                            "events": {"type": "integer"}}}},
                    },
                }}}},
                **{code: {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                   for code, text in (("401", "No valid token"), ("404", "Unknown account or not readable with this token"),
                                      ("422", "Malformed date or start after end"))},
            },
        }
    }
}
