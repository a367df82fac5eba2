"""/embed: the vendor's application shows a customer's dashboard in an iframe, signed in by a one-time token."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.accounts import Account
from models.db import Session
from portal.audit.web import audit
from portal.auth.sso.one_time import AlreadyUsed, use_once
from portal.auth.sso.people import SignInRefused, customer_for_embed
from portal.embed.cookies import EMBED_SESSION_KEY, EmbedAwareSessionInterface
from portal.embed.tokens import EmbedTokenError, read_embed_token
from portal.extensions import limiter
from portal.security import CSP, start_session

bp = Blueprint("embed", __name__)

SESSION_KEY = EMBED_SESSION_KEY  # the external id of the one account an embedded session may show
SIGN_IN_LIMIT = "60 per minute"  # per client address
OUT_OF_FRAME = "This page is not part of the embedded view. Open the portal in its own window to see it."


@bp.record_once
def _install(state) -> None:
    # Embedded sessions need a third-party cookie (SameSite=None; Secure in production); the rest keep Lax.
    state.app.session_interface = EmbedAwareSessionInterface()


EMBED = "embedded in the vendor's application"


def _refuse(message: str, status: int, account: Account | None = None):
    """Refuse an embed sign-in: nothing of it is kept but one audit entry saying why."""
    Session.rollback()
    audit("signin.failure", account=account, actor_email="", detail=f"{EMBED}: {message}")
    Session.commit()
    return render_template("embed/refused.html", message=message), status


@bp.get("/embed")
@limiter.limit(SIGN_IN_LIMIT)
def embed():
    """Sign the token's person in (created on first use) and show their dashboard, framed by the vendor only."""
    secret = current_app.config.get("PORTAL_EMBED_SECRET")
    if not secret:
        abort(404)
    try:
        claims = read_embed_token(request.args.get("token", ""), secret)
    except EmbedTokenError as error:
        return _refuse(error.message, error.status)
    account = Session.scalar(select(Account).where(Account.external_id == claims.account_external_id))
    if account is None or account.status != "active":
        return _refuse("The account in this embed link is not known to the portal.", 404)
    try:
        use_once(account.id, "embed", claims.jti, claims.expires_at)
        user = customer_for_embed(account, claims.email, claims.name)
    except (AlreadyUsed, IntegrityError):  # IntegrityError: the same token used at the same moment elsewhere
        return _refuse("This embed link was already used. Reload the page in your application to get a new one.", 410,
                       account)
    except SignInRefused as error:
        return _refuse(error.message, error.status, account)
    audit("signin.success", actor=user, account=account, detail=EMBED)
    Session.commit()
    start_session(user, remember=False)
    session[SESSION_KEY] = account.external_id
    return redirect(url_for("dashboard.overview", ext=account.external_id))


def _inside_the_account(path: str, external_id: str) -> bool:
    allowed = (f"/accounts/{external_id}/", "/static/", "/embed")
    return path.startswith(allowed)


@bp.before_app_request
def _keep_embedded_sessions_in_their_account():
    """An embedded session reaches only its account's pages (and static files); anything else is refused."""
    external_id = session.get(SESSION_KEY)
    if external_id and not _inside_the_account(request.path, external_id):
        abort(403, OUT_OF_FRAME)


def _frame_ancestors() -> str:
    origins = [o for o in current_app.config.get("PORTAL_EMBED_ORIGINS", []) if re.fullmatch(r"https?://[^\s;,']+", o)]
    return " ".join(origins) or "'none'"


@bp.after_app_request
def _frame_only_for_the_vendor(response):
    """The embed page and an embedded session's account pages may be framed by the listed origins, nothing else."""
    embedded = request.path == "/embed" or (
        session.get(SESSION_KEY) and _inside_the_account(request.path, session[SESSION_KEY]))
    if embedded and current_app.config.get("PORTAL_EMBED_SECRET"):
        response.headers["Content-Security-Policy"] = CSP.replace(
            "frame-ancestors 'none'", f"frame-ancestors {_frame_ancestors()}")
    return response
