"""GET /api/v1/accounts/{ext}/forecast: the account's risk of churning within 90 days, explained (staff only)."""
from __future__ import annotations

from flask import jsonify

from analytics.forecast.service import current_forecast
from portal.api.core import api_account_or_404, api_blueprint, require_role

bp = api_blueprint("api_forecast", __name__)


def _backtest_summary(backtest: dict) -> dict:
    keys = ("brier", "brier_base_rate", "forecasts", "brier_persistence", "skill_vs_base_rate",
            "skill_vs_persistence", "auc", "ece")
    summary = {key: backtest.get(key) for key in keys}
    summary["forecasts"] = summary["forecasts"] or 0
    return summary


@bp.get("/accounts/<ext>/forecast")
def account_forecast(ext: str):
    """The stored forecast of this account: its risk, as of the latest health day, with its factors."""
    account = api_account_or_404(ext)  # unknown and forbidden alike: 404 before the role is checked
    require_role("csm", "admin")
    forecast = current_forecast()
    body = {"churn_risk_90d": None, "as_of": forecast.as_of.isoformat() if forecast.as_of else None,
            "factors": [], "backtest": _backtest_summary(forecast.backtest), "model": forecast.kind}
    entry = forecast.risks.get(account.id)
    if forecast.kind == "none":
        body["reason"] = forecast.reason
    elif entry is None:
        body["reason"] = ("This account has no recent health history yet (or is no longer a customer), so there is "
                          "nothing to forecast from.")
    else:
        body.update(churn_risk_90d=entry["risk"], factors=entry["factors"], explanation=forecast.description)
    return jsonify(body)


_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

# OpenAPI path items contributed to /api/v1/openapi.json.
OPENAPI_PATHS: dict = {
    "/api/v1/accounts/{ext}/forecast": {
        "get": {
            "summary": "Churn forecast of an account (CSMs and admins)",
            "description": "The probability that the account churns within 90 days of `as_of` (the latest stored "
                           "health day), from leading indicators, with the factors that move it. `null` with a "
                           "`reason` when there is too little history. `backtest` is the portal-wide rolling-origin "
                           "backtest of the model in use: its Brier score against the base rate's.",
            "parameters": [{"name": "ext", "in": "path", "required": True, "schema": {"type": "string"},
                            "description": "the account's external id"}],
            "responses": {
                "200": {"description": "Forecast", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "churn_risk_90d": {"type": "number", "nullable": True, "minimum": 0, "maximum": 1},
                        "as_of": {"type": "string", "format": "date", "nullable": True},
                        "reason": {"type": "string", "description": "why there is no number"},
                        "model": {"type": "string", "enum": ["logistic", "markov", "none"]},
                        "factors": {"type": "array", "items": {"type": "object", "properties": {
                            "name": {"type": "string"}, "effect": {"type": "string", "enum": ["raises", "lowers"]},
                            "explanation": {"type": "string"}}, "required": ["name", "effect", "explanation"]}},
                        "backtest": {"type": "object", "properties": {
                            "brier": {"type": "number", "nullable": True},
                            "brier_base_rate": {"type": "number", "nullable": True},
                            "forecasts": {"type": "integer"}}, "required": ["brier", "brier_base_rate", "forecasts"]},
                    },
                    "required": ["churn_risk_90d", "as_of", "factors", "backtest"],
                }}}},
                "401": {"description": "No valid token", "content": _ERROR},
                "403": {"description": "A customer's token (the forecast is for staff)", "content": _ERROR},
                "404": {"description": "Unknown account, or one the token may not read", "content": _ERROR},
            },
        }
    }
}
