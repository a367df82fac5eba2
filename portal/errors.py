"""Error pages: JSON for the API, friendly HTML for people; never a stack trace."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: "The request could not be understood.",
    401: "A valid API token is required (Authorization: Bearer <token>).",
    403: "You do not have permission to do that.",
    404: "Not found.",
    405: "That method is not allowed here.",
    410: "This link has expired or was revoked.",
    413: "The request body is too large.",
    415: "Send JSON with Content-Type: application/json.",
    422: "The input is not valid.",
    429: "Too many requests; please wait a moment and try again.",
}


def wants_json() -> bool:
    """True for API calls, which always answer JSON."""
    return request.path.startswith("/api/")


def _handle_http(exc: HTTPException):
    code = exc.code or 500
    # Werkzeug's stock descriptions are long and generic; ours say what to do next.
    custom = isinstance(exc.description, str) and exc.description != type(exc).description and code != 500
    message = exc.description if custom else MESSAGES.get(code, "Something went wrong; please try again.")
    if isinstance(exc, CSRFError):
        message = "The form expired or was sent without its security token; reload the page and try again."
    if wants_json():
        body = {"error": message}
        extra = getattr(exc, "payload", None)
        if extra:
            body.update(extra)
        return jsonify(body), code
    return render_template("errors/error.html", code=code, message=message), code


def _handle_unexpected(exc: Exception):
    from flask import current_app

    from models.db import Session

    Session.rollback()
    current_app.logger.exception("Unhandled error")
    return _handle_http(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
