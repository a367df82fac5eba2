"""GET /api/v1/metrics/revenue: ARR movements, NRR, GRR and logo churn over a period (CSM: their accounts)."""
from __future__ import annotations

from flask import jsonify, request

from analytics.revenue.history import revenue_accounts
from analytics.revenue.metrics import revenue_metrics
from portal.access import visible_accounts_clause
from portal.api.core import api_blueprint, api_user, date_range, invalid, require_role

bp = api_blueprint("api_revenue", __name__)


@bp.get("/metrics/revenue")
def revenue():
    """The contract's revenue figures over [start, end] for the accounts the token may read."""
    require_role("csm", "admin")
    for name in ("start", "end"):
        if name in request.args and not request.args[name]:
            invalid(f"'{name}' must be an ISO date like 2026-01-31, or left out.")
    start, end = date_range(365)
    return jsonify(revenue_metrics(revenue_accounts(visible_accounts_clause(api_user())), start, end).as_json())


_DATE_PARAM = {"in": "query", "required": False, "schema": {"type": "string", "format": "date"}}
_AMOUNT = {"type": "number", "description": "amount in the vendor's currency"}
_FRACTION = {"type": "number", "nullable": True, "description": "a fraction (1.0 = 100%); null when the base is empty"}
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

# OpenAPI path items contributed to /api/v1/openapi.json.
OPENAPI_PATHS: dict = {
    "/api/v1/metrics/revenue": {
        "get": {
            "summary": "Revenue metrics over a period",
            "description": "An account's ARR on a day is its last ARR effective on or before it, 0 from its churn "
                           "day on. The accounts active on `start` are the base; a base account churned by `end` "
                           "adds its ARR on `start` to `churned_arr`, otherwise its ARR change is expansion or "
                           "contraction. `new_arr` is the ARR on `end` of accounts that became customers after "
                           "`start`. NRR = (start + expansion − contraction − churned) ÷ start; GRR = (start − "
                           "contraction − churned) ÷ start; logo churn = churned accounts ÷ base accounts. A CSM's "
                           "token counts the accounts assigned to them, an admin's every account; a customer's "
                           "is refused with 403. Dates are inclusive UTC days (default: the last 365 days).",
            "parameters": [
                {"name": "start", **_DATE_PARAM, "description": "First day, YYYY-MM-DD"},
                {"name": "end", **_DATE_PARAM, "description": "Last day, YYYY-MM-DD (default today)"},
            ],
            "responses": {
                "200": {"description": "Revenue metrics", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        **{name: _AMOUNT for name in ("arr_start", "arr_end", "new_arr", "expansion_arr",
                                                      "contraction_arr", "churned_arr")},
                        "nrr": _FRACTION, "grr": _FRACTION, "logo_churn": _FRACTION,
                        "accounts_start": {"type": "integer"}, "accounts_churned": {"type": "integer"},
                    },
                    "required": ["arr_start", "arr_end", "new_arr", "expansion_arr", "contraction_arr",
                                 "churned_arr", "nrr", "grr", "accounts_start", "accounts_churned", "logo_churn"],
                }}}},
                "401": {"description": "No valid token", "content": _ERROR},
                "403": {"description": "A customer's token", "content": _ERROR},
                "422": {"description": "Malformed date or start after end", "content": _ERROR},
            },
        }
    }
}
