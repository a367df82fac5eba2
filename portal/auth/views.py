"""Sign-in, sign-out and the landing redirect."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select

from models.accounts import Account, User
from models.db import Session, utcnow
from portal.auth.forms import EmptyForm, LoginForm
from portal.auth.passwords import dummy_verify, verify_password
from portal.extensions import limiter
from portal.security import start_session

bp = Blueprint("auth", __name__)

GENERIC_FAILURE = "That e-mail and password do not match an account. Check both and try again."


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def landing_url(user: User) -> str:
    """Where a user lands: a customer on their account, staff on the portfolio."""
    if user.role == "customer":
        external_id = Session.scalar(select(Account.external_id).where(Account.id == user.account_id))
        return url_for("dashboard.overview", ext=external_id)
    return url_for("csm.portfolio")


def _email_key() -> str:
    return (request.form.get("email") or "").strip().lower()[:254] or "-"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute; 100 per hour", methods=["POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=_email_key)
def login():
    """Show and handle the sign-in form."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or landing_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = Session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            dummy_verify()
        if user is not None and user.is_active and verify_password(user.password_hash, form.password.data):
            user.last_login_at = utcnow()
            Session.commit()
            start_session(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or landing_url(user))
        form.password.errors.append(GENERIC_FAILURE)
    return render_template("auth/login.html", form=form), (422 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out on every device: bump the session version so old cookies stop working."""
    form = EmptyForm()
    if form.validate_on_submit():
        current_user.session_version += 1
        Session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
@login_required
def index():
    """Send each role to its home page."""
    return redirect(landing_url(current_user))
