"""Who is signed in, session limits, and the security headers of every response."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask, abort, current_app, g, has_request_context, redirect, request, session, url_for
from flask_login import current_user, logout_user

from models.accounts import User
from models.db import Session
from portal.extensions import login_manager

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

# Pages reached through a secret link: search engines must not index them (meta robots and X-Robots-Tag).
TOKEN_PAGE_PREFIXES = ("/s/", "/share/", "/reset-password/", "/embed", "/unsubscribe/")
PUBLIC_FILE_ENDPOINTS = ("static", "bokehjs.bokeh_js", "misc.robots_txt")


@login_manager.user_loader
def _load_user(session_id: str):
    try:
        user_id, version, *signed_in_at = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    if len(signed_in_at) > 1 or (
            signed_in_at and _now_ts() - signed_in_at[0] > current_app.config["REMEMBER_COOKIE_DURATION"].total_seconds()):
        return None  # a remember-me cookie past its lifetime, however long the browser kept it
    user = Session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


def _now_ts() -> float:
    return datetime.now(timezone.utc).timestamp()


def start_session(user: User, remember: bool) -> None:
    """Sign a user in on a fresh session (no fixation) with its time limits."""
    from flask_login import login_user

    session.clear()
    user.signed_in_at = _now_ts()  # goes into the session id and the remember-me cookie (see User.get_id)
    login_user(user, remember=remember)
    session.permanent = True
    session["signed_in_at"] = _now_ts()
    session["seen_at"] = _now_ts()


def _enforce_session_limits():
    """End a session that has been idle too long or open longer than its absolute lifetime."""
    if not current_user.is_authenticated or request.path.startswith("/api/"):
        return None
    now = _now_ts()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    seen_at = session.get("seen_at", now)
    signed_in_at = session.get("signed_in_at", now)
    if now - seen_at > idle or now - signed_in_at > absolute:
        logout_user()
        session.clear()
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session["seen_at"] = now
    if "signed_in_at" not in session:  # restored from a remember-me cookie
        session["signed_in_at"] = now
    return None


def _refuse_nul_characters():
    """No stored text may hold NUL (PostgreSQL refuses it): answer clearly before any view reads the input."""
    if "\x00" in request.path:
        abort(404)  # no page or account id holds one
    if request.path.startswith("/api/"):
        return None  # the API reports where in the JSON the character is (portal/api/core.py)
    sources = [request.args, request.form] if request.method == "POST" else [request.args]
    if any("\x00" in value for source in sources for _key, values in source.lists() for value in values):
        abort(400, "The request holds a NUL character (\\0), which cannot be stored; remove it and try again.")
    return None


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]:  # the embed view sets its own
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["PORTAL_ENV"] == "production":
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # A signed-in user's pages, the API's answers (a token's account data) and the link pages (a review, a
    # survey) hold customer data: no browser or proxy keeps a copy. Public files (BokehJS, robots.txt) do not.
    link_page = request.path.startswith(("/api/", "/share/", "/s/")) and not request.path.endswith("/openapi.json")
    public_file = request.endpoint in PUBLIC_FILE_ENDPOINTS
    if not public_file and (getattr(g, "no_store", False) or link_page
                            or (current_user and current_user.is_authenticated)):
        response.headers["Cache-Control"] = "no-store"
    if is_token_page(request.path):
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def is_token_page(path: str) -> bool:
    """Is this a page opened by a secret link (survey, review, unsubscribe, password reset)? Never indexed."""
    return path.startswith(TOKEN_PAGE_PREFIXES) or "/unsubscribe" in path


def _page_meta() -> dict:
    """`noindex` for the templates: base.html adds the robots meta tag on token pages (mails have no request)."""
    return {"noindex": has_request_context() and is_token_page(request.path)}


def init_app(app: Flask) -> None:
    """Wire sign-in and response hardening into the app."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(_refuse_nul_characters)
    app.before_request(_enforce_session_limits)
    app.after_request(_security_headers)
    app.context_processor(_page_meta)
