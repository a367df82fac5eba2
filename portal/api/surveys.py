"""NPS through the API: import responses collected elsewhere, read an account's NPS."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, jsonify
from sqlalchemy import select

from models.accounts import Account
from models.db import Session
from portal.api.core import api_account_or_404, api_blueprint, date_range, invalid, json_body, require_role
from surveys.nps.queries import nps_for
from surveys.nps.services import MAX_COMMENT, ImportItem, import_responses

bp = api_blueprint("api_surveys", __name__)

MAX_RESPONSES = 10_000


def _parse_ts(value) -> datetime | None:
    if not isinstance(value, str) or not 10 < len(value) <= 40 or "T" not in value.upper():
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    return moment.astimezone(timezone.utc)


def validate_responses(raw: list) -> tuple[list[ImportItem], list[dict]]:
    """Check every item; (valid items, errors with index, field and message)."""
    wanted = {item.get("account") for item in raw if isinstance(item, dict) and isinstance(item.get("account"), str)}
    accounts = dict(Session.execute(select(Account.external_id, Account.id).where(Account.external_id.in_(wanted))).all()) if wanted else {}
    items: list[ImportItem] = []
    errors: list[dict] = []

    def error(index, field, message):
        errors.append({"index": index, "field": field, "message": message})

    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            error(index, "", "Each response must be a JSON object.")
            continue
        before = len(errors)
        client_id = item.get("id")
        if isinstance(client_id, int) and not isinstance(client_id, bool):
            client_id = str(client_id)
        if not isinstance(client_id, str) or not client_id.strip() or len(client_id) > 200:
            error(index, "id", "'id' must be a non-empty string of at most 200 characters, unique per account.")
        account = item.get("account")
        if not isinstance(account, str) or account not in accounts:
            error(index, "account", "'account' must be the external id of an existing account.")
        respondent = item.get("respondent")
        if not isinstance(respondent, str) or not respondent.strip() or len(respondent.strip()) > 254:
            error(index, "respondent", "'respondent' must be the person's e-mail or your id for them (1 to 254 characters).")
        score = item.get("score")
        if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 10:
            error(index, "score", "'score' must be a JSON integer from 0 to 10.")
        comment = item.get("comment", "")
        if comment is None:
            comment = ""
        if not isinstance(comment, str):
            error(index, "comment", "'comment' must be a string.")
        elif len(comment) > MAX_COMMENT:
            error(index, "comment", f"'comment' must be at most {MAX_COMMENT:,} characters.")
        ts = _parse_ts(item.get("ts"))
        if ts is None:
            error(index, "ts", "'ts' must be an ISO 8601 date and time with a UTC offset, e.g. 2026-03-01T12:00:00+00:00.")
        if len(errors) == before:
            items.append(ImportItem(accounts[account], client_id.strip(), respondent.strip(), score,
                                    comment.strip(), ts))
    return items, errors


@bp.post("/survey-responses")
def post_survey_responses():
    """Import NPS responses, all or nothing, idempotent by (account, id)."""
    require_role("admin")
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("responses"), list):
        invalid("The body must be a JSON object with a 'responses' array.")
    raw = body["responses"]
    if len(raw) > MAX_RESPONSES:
        abort(413, f"A batch holds at most {MAX_RESPONSES:,} responses; split it into smaller batches.")
    items, errors = validate_responses(raw)
    if errors:
        invalid(f"{len({e['index'] for e in errors})} response(s) are invalid; nothing was stored.", errors)
    accepted, duplicates = import_responses(items)
    Session.commit()
    return jsonify({"accepted": accepted, "duplicates": duplicates})


@bp.get("/accounts/<ext>/nps")
def account_nps(ext: str):
    """An account's NPS over [start, end] (UTC days, inclusive), with counts and 95% margin."""
    account = api_account_or_404(ext)
    start, end = date_range(default_days=90)
    result = nps_for([account.id], start, end)
    return jsonify({**result.as_dict(), "start": start.isoformat(), "end": end.isoformat(),
                    "small_sample": result.small_sample})


_ERRORS = {code: {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
           for code, text in (("400", "Malformed JSON"), ("401", "No valid token"), ("403", "Not an admin token"),
                              ("404", "Unknown account, or one the token may not read"), ("413", "Batch too large"),
                              ("415", "Not JSON"), ("422", "Invalid input; nothing stored"))}

OPENAPI_PATHS: dict = {
    "/api/v1/survey-responses": {
        "post": {
            "summary": "Import NPS responses (admin token)",
            "description": "All or nothing: one invalid response rejects the batch with 422 and per-item errors. "
                           "Sending an id again for the same account counts it in duplicates and changes nothing.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["responses"],
                "properties": {"responses": {"type": "array", "maxItems": MAX_RESPONSES, "items": {
                    "type": "object", "required": ["id", "account", "respondent", "score", "ts"],
                    "properties": {
                        "id": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Your id, unique per account"},
                        "account": {"type": "string", "description": "External id of the account"},
                        "respondent": {"type": "string", "minLength": 1, "maxLength": 254,
                                       "description": "The person's e-mail or your id for them"},
                        "score": {"type": "integer", "minimum": 0, "maximum": 10},
                        "comment": {"type": "string", "maxLength": MAX_COMMENT},
                        "ts": {"type": "string", "format": "date-time", "description": "ISO 8601 with a UTC offset"},
                    }}}},
            }}}},
            "responses": {"200": {"description": "Stored", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"accepted": {"type": "integer"}, "duplicates": {"type": "integer"}}}}}},
                **{c: _ERRORS[c] for c in ("400", "401", "403", "413", "415", "422")}},
        }
    },
    "/api/v1/accounts/{ext}/nps": {
        "get": {
            "summary": "NPS of an account over a period",
            "description": "% promoters (9-10) minus % detractors (0-6), counting each respondent's latest answer "
                           "in the period; null when there are none. margin_of_error: 95% margin in NPS points.",
            "parameters": [
                {"name": "ext", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "start", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "end", "in": "query", "schema": {"type": "string", "format": "date"}},
            ],
            "responses": {"200": {"description": "NPS", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "nps": {"type": "number", "nullable": True}, "responses": {"type": "integer"},
                    "promoters": {"type": "integer"}, "passives": {"type": "integer"},
                    "detractors": {"type": "integer"}, "margin_of_error": {"type": "number", "nullable": True},
                }}}}}, **{c: _ERRORS[c] for c in ("401", "404", "422")}},
        }
    },
}
