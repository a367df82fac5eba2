"""Sign-in, sign-out, the landing redirect and passwords (forgotten, reset, changed)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select

from models.accounts import User
from models.db import Session, utcnow
from portal.auth.forms import ChangePasswordForm, EmptyForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from core.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from portal.auth.reset import queue_reset_mail, user_for_reset_token
from portal.auth.sso.start import continue_to, provider_sign_out_url, sso_redirect_for_login
from portal.audit.web import audit
from portal.auth.two_factor_views import begin_second_step
from portal.extensions import limiter
from portal.navigation import landing_url
from portal.security import start_session

bp = Blueprint("auth", __name__)

GENERIC_FAILURE = "That e-mail and password do not match an account. Check both and try again."
RESET_SENT = ("If an account uses that e-mail address, a link to set a new password is on its way. "
              "It works once, for one hour.")
# Sign-in and reset requests are limited per client address and per e-mail address.
PER_ADDRESS = "20 per minute; 100 per hour"
PER_EMAIL = "10 per minute; 50 per hour"


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    return target


def _email_key() -> str:
    # The limiter needs its key before the form is validated; only the raw address is read here.
    return (request.form.get("email") or "").strip().lower()[:254] or "-"


def _user_by_email(email: str) -> User | None:
    return Session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(PER_ADDRESS, methods=["POST"])
@limiter.limit(PER_EMAIL, methods=["POST"], key_func=_email_key, scope="login-email")
def login():
    """Show and handle the sign-in form."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or landing_url(current_user))
    form = LoginForm()
    sso_redirect = sso_redirect_for_login(form)  # a person whose company signs in with single sign-on goes there
    if sso_redirect is not None:
        return sso_redirect
    # End the lookup's transaction (it only read): finding a domain reads every shard of sso_domain on Citus,
    # and a transaction that did so may no longer write `user` (a reference table), as signing in does.
    Session.commit()
    if form.validate_on_submit():
        user = _user_by_email(form.email.data)
        if user is None:
            dummy_verify()
        if user is not None and user.is_active and verify_password(user.password_hash, form.password.data):
            user.last_login_at = utcnow()
            if needs_rehash(user.password_hash):  # hashed with older parameters: upgrade while we hold the password
                user.password_hash = hash_password(form.password.data)
            second_step = begin_second_step(user, form.remember.data, safe_next(request.args.get("next")))
            if second_step is not None:  # the sign-in is audited when the code is checked
                Session.commit()
                return second_step
            audit("signin.success", actor=user, account=user.account, detail="Password.")
            Session.commit()
            start_session(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or landing_url(user))
        audit("signin.failure", actor=user, actor_email=form.email.data.strip().lower()[:254],
              account=user.account if user else None, detail="A wrong e-mail or password, or a deactivated user.")
        Session.commit()
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
    provider_sign_out = provider_sign_out_url()  # read before the session ends
    logout_user()
    flash("You are signed out.", "info")
    if provider_sign_out:
        return continue_to(provider_sign_out, "You are signed out of the portal. Signing you out of your provider too.")
    return redirect(url_for("auth.login"))


@bp.route("/")
@login_required
def index():
    """Send each role to its home page."""
    return redirect(landing_url(current_user))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(PER_ADDRESS, methods=["POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=_email_key, scope="reset-email")
def forgot_password():
    """Ask for a reset link; the answer is the same whether the address is known or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = _user_by_email(form.email.data)
        if user is not None and user.is_active:
            queue_reset_mail(user)
            Session.commit()
        flash(RESET_SENT, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), (422 if form.errors else 200)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(PER_ADDRESS, methods=["POST"])
def reset_password(token: str):
    """Set a new password from an e-mailed link; the link then stops working, and so do all sessions."""
    user = user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        user.password_hash = hash_password(form.password.data)
        user.session_version += 1
        Session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash("Your password is set. Sign in with it now.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user), (422 if form.errors else 200)


def _user_key() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else "-"


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(PER_EMAIL, methods=["POST"], key_func=_user_key, scope="change-password")
def change_password():
    """Change one's own password; every other session and remember-me cookie ends, this one goes on."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = Session.get(User, current_user.id)
        if user is None:
            abort(404)
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            user.password_hash = hash_password(form.password.data)
            user.session_version += 1
            Session.commit()
            start_session(user, remember="remember_token" in request.cookies)
            flash("Your password is changed. You were signed out everywhere else.", "success")
            return redirect(landing_url(user))
    return render_template("auth/change_password.html", form=form), (422 if form.errors else 200)
