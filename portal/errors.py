"""Error pages: JSON for the API, friendly HTML for people; never a stack trace."""
from __future__ import annotations

import sqlite3
from contextlib import suppress

import psycopg
from flask import Flask, current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from models.db import Session

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
DB_UNAVAILABLE = "The database is unavailable right now; retry in a few seconds."
RETRY_AFTER_SECONDS = 5


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


def _rollback_quietly() -> None:
    # After a lost connection the rollback fails too; the session is discarded at teardown all the same.
    with suppress(sa_exc.SQLAlchemyError, psycopg.Error, sqlite3.Error):
        Session.rollback()


def _handle_unexpected(exc: Exception):
    if database_unavailable(exc):
        return _database_unavailable(exc)
    _rollback_quietly()
    current_app.logger.exception("Unhandled error")
    return _handle_http(InternalServerError())


def _driver_unavailable(exc: BaseException) -> bool:
    """The same test for an error straight from the driver (raw cursors, such as COPY, are not wrapped)."""
    if isinstance(exc, sqlite3.OperationalError):
        # SQLite reports a missing table as an OperationalError too; only a lock held too long is passing.
        message = str(exc).lower()
        return "locked" in message or "busy" in message
    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))


def database_unavailable(exc: BaseException) -> bool:
    """True when an error means the database cannot be reached now, so the same request may succeed later."""
    if isinstance(exc, sa_exc.TimeoutError):  # every pooled connection stayed busy
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        return exc.connection_invalidated or _driver_unavailable(exc.orig)
    return _driver_unavailable(exc)


def _database_unavailable(exc: BaseException):
    _rollback_quietly()
    current_app.logger.warning("Database unavailable: %s", (str(exc).splitlines() or [type(exc).__name__])[0])
    # Later hooks ask who is signed in; without this they would try the same database again and fail.
    # The session cookie is left alone, so nobody is signed out by a database restart.
    g._login_user = current_app.login_manager.anonymous_user()
    g.no_store = True
    if wants_json():
        response = jsonify({"error": DB_UNAVAILABLE})
    else:
        response = current_app.make_response(render_template("errors/error.html", code=503, message=DB_UNAVAILABLE))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
