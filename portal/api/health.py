"""GET /api/v1/accounts/{ext}/health: the latest health score with its components."""
from __future__ import annotations

from flask import jsonify

from analytics.health.recompute import health_now
from analytics.health.onboarding import onboarding_state
from portal.api.core import api_account_or_404, api_blueprint

bp = api_blueprint("api_health", __name__)


@bp.get("/accounts/<ext>/health")
def account_health(ext: str):
    """The account's latest stored health score, or one computed now when none is stored.

    An onboarding account keeps the contract's fields (its band is what the score gives, so clients that
    switch on it keep working) and adds `onboarding: true` with the day it is scored from; the portal's
    pages show it as onboarding, without a band.
    """
    account = api_account_or_404(ext)
    as_of, result = health_now(account)
    state = onboarding_state(account)
    return jsonify({
        "score": result.score,
        "band": result.band,
        "as_of": as_of.isoformat(),
        "components": result.as_dicts(),
        "onboarding": state["onboarding"],
        "scored_from": state["scored_from"],
    })


_COMPONENT = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "enum": ["usage", "adoption", "sentiment", "engagement", "plan", "maturity"]},
        "weight": {"type": "number", "description": "effective weight in percent; the present components add to 100"},
        "score": {"type": "number", "minimum": 0, "maximum": 100},
        "contribution": {"type": "number", "description": "weight × score / 100; contributions add up to the score"},
        "explanation": {"type": "string", "description": "one sentence a customer can read"},
    },
    "required": ["name", "weight", "score", "contribution", "explanation"],
}

# OpenAPI path items contributed to /api/v1/openapi.json.
OPENAPI_PATHS: dict = {
    "/api/v1/accounts/{ext}/health": {
        "get": {
            "summary": "Health score of an account",
            "description": "The latest stored health score (or one computed now when none is stored), its band and components.",
            "parameters": [{"name": "ext", "in": "path", "required": True, "schema": {"type": "string"},
                            "description": "the account's external id"}],
            "responses": {
                "200": {"description": "Health score", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "score": {"type": "number", "minimum": 0, "maximum": 100},
                        "band": {"type": "string", "enum": ["red", "yellow", "green"]},
                        "as_of": {"type": "string", "format": "date"},
                        "components": {"type": "array", "items": _COMPONENT},
                        "onboarding": {"type": "boolean", "description": "true while the account has too little data "
                                       "to be judged (fewer days of usage than the onboarding setting, 14 by default); "
                                       "the portal then shows no band"},
                        "scored_from": {"type": ["string", "null"], "format": "date",
                                        "description": "while onboarding: the first day it is judged by its band "
                                        "(null until its first usage arrives); otherwise null"},
                    },
                    "required": ["score", "band", "as_of", "components"],
                }}}},
                "401": {"description": "No valid token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "404": {"description": "Unknown account, or one the token may not read",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        }
    }
}
