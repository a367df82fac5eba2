"""Two-factor pages: the second sign-in step, enrolment, turning it off, and an admin's reset."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from models.accounts import User
from models.db import Session, utcnow
from portal.access import admin_required
from portal.audit.web import audit
from portal.auth import two_factor
from portal.auth.forms import EmptyForm
from portal.extensions import limiter
from portal.security import start_session
from core.settings import get_setting, set_setting

bp = Blueprint("two_factor", __name__)

REQUIRE_FOR_ADMINS = "auth.require_2fa_admins"  # setting: admins must turn two-factor sign-in on
PENDING = "2fa_pending"  # session key: a correct password waiting for its second step
PENDING_SECONDS = 300
ENROL_SECRET = "2fa_enrol_secret"  # session key: the secret shown in the QR code until it is confirmed
# Code checks are limited per person waiting for the second step and per client address.
PER_PERSON = "5 per minute; 20 per hour"
PER_ADDRESS = "20 per minute"
WRONG_CODE = "That code is not right. Type the 6 digits your authenticator app shows now, or a recovery code."
REPLAYED_CODE = "That code was already used. Wait for the next code (up to 30 seconds) and type it."
# Pages an admin without two-factor sign-in may still reach while the setting requires it.
OPEN_WHEN_REQUIRED = {"two_factor.setup", "auth.logout", "static", "view_as.end"}


class CodeForm(FlaskForm):
    """A 6-digit code from the authenticator app (or, at sign-in, a recovery code)."""

    code = StringField("Code", validators=[DataRequired("Enter the 6-digit code from your app, or a recovery code."), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True})


class SecurityForm(FlaskForm):
    """Portal-wide sign-in rules."""

    require_admins = BooleanField("Admins must use two-factor sign-in")


def _now() -> float:
    return datetime.now(timezone.utc).timestamp()


def begin_second_step(user: User, remember: bool, next_url: str | None):
    """After a correct password: when the user has two factors, ask for the code; else None."""
    if not two_factor.is_enrolled(user.id):
        return None
    session.clear()
    session[PENDING] = {"user": user.id, "version": user.session_version, "remember": bool(remember),
                        "at": _now(), "next": next_url}
    return redirect(url_for("two_factor.verify"))


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not pending or _now() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = Session.get(User, pending["user"])
    if user is None or not user.is_active or user.session_version != pending["version"]:
        return None
    return user


def _pending_key() -> str:
    pending = session.get(PENDING) or {}
    return f"2fa:{pending.get('user', '-')}"


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(PER_ADDRESS, methods=["POST"])
@limiter.limit(PER_PERSON, methods=["POST"], key_func=_pending_key, scope="2fa-person")
def verify():
    """The second sign-in step: a code from the authenticator app or a recovery code."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Sign in again: the second step waits five minutes at most.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        outcome = two_factor.check_code(user.id, form.code.data)
        if outcome in (two_factor.CodeCheck.TOTP, two_factor.CodeCheck.RECOVERY):
            pending = session.pop(PENDING)
            recovery = outcome == two_factor.CodeCheck.RECOVERY
            user.last_login_at = utcnow()
            left = two_factor.recovery_codes_left(user.id) if recovery else None
            audit("signin.recovery_code" if recovery else "signin.2fa_success", actor=user, account=user.account,
                  detail=f"{left} recovery codes left." if recovery else "Password and authenticator code.")
            Session.commit()
            start_session(user, remember=pending["remember"])
            if recovery:
                flash(f"You signed in with a recovery code; it is spent. {left} remain.", "warning")
            return redirect(pending.get("next") or url_for("auth.index"))
        audit("signin.2fa_failure", actor=user, account=user.account,
              detail="A code that was already used." if outcome == two_factor.CodeCheck.REPLAYED else "A wrong code.")
        Session.commit()
        form.code.errors.append(REPLAYED_CODE if outcome == two_factor.CodeCheck.REPLAYED else WRONG_CODE)
    return render_template("auth/two_factor_verify.html", form=form), (422 if form.errors else 200)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def setup():
    """Turn two-factor sign-in on: scan the QR code, confirm with a code, keep the recovery codes."""
    user = Session.get(User, current_user.id)
    enrolled = two_factor.is_enrolled(user.id)
    if enrolled:
        return render_template("auth/two_factor_status.html", form=CodeForm(),
                               left=two_factor.recovery_codes_left(user.id),
                               required=user.role == "admin" and get_setting(REQUIRE_FOR_ADMINS, False))
    secret = session.get(ENROL_SECRET) or two_factor.new_secret()
    session[ENROL_SECRET] = secret
    form = CodeForm()
    if form.validate_on_submit():
        codes = two_factor.enrol(user, secret, form.code.data)
        if codes is not None:
            session.pop(ENROL_SECRET, None)
            audit("2fa.enrolled", account=user.account, target=f"user {user.email}")
            Session.commit()
            return render_template("auth/two_factor_codes.html", codes=codes)
        form.code.errors.append(WRONG_CODE)
    uri = two_factor.provisioning_uri(secret, user.email)
    return render_template("auth/two_factor_setup.html", form=form, qr=two_factor.qr_svg(uri), secret=secret), (
        422 if form.errors else 200)


@bp.post("/account/two-factor/disable")
@login_required
@limiter.limit(PER_PERSON, key_func=lambda: f"2fa-off:{current_user.get_id()}", scope="2fa-disable")
def disable():
    """Turn one's own two-factor sign-in off, confirmed with a current code."""
    user = Session.get(User, current_user.id)
    if user.role == "admin" and get_setting(REQUIRE_FOR_ADMINS, False):
        flash("Admins must use two-factor sign-in here; it cannot be turned off.", "warning")
        return redirect(url_for("two_factor.setup"))
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.check_code(user.id, form.code.data) in (two_factor.CodeCheck.TOTP, two_factor.CodeCheck.RECOVERY):
            two_factor.turn_off(user.id)
            audit("2fa.disabled", account=user.account, target=f"user {user.email}")
            Session.commit()
            flash("Two-factor sign-in is off. Signing in now needs only your password.", "success")
            return redirect(url_for("two_factor.setup"))
        flash(WRONG_CODE, "danger")
    return redirect(url_for("two_factor.setup"))


@bp.post("/admin/users/<int:user_id>/two-factor/reset")
@admin_required
def admin_reset(user_id: int):
    """An admin removes a person's two-factor enrolment (lost phone); they enrol again at next sign-in."""
    user = Session.get(User, user_id)
    if user is None:
        abort(404, "No such user.")
    if not EmptyForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    if two_factor.turn_off(user.id):
        user.session_version += 1  # sessions made with the old second factor end
        audit("2fa.reset", account=user.account, target=f"user {user.email}")
        Session.commit()
        flash(f"Two-factor sign-in of {user.email} is reset; they sign in with their password and may enrol again.",
              "success")
    else:
        flash(f"{user.email} has no two-factor sign-in to reset.", "info")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/admin/security", methods=["GET", "POST"])
@admin_required
def admin_security():
    """Portal-wide sign-in rules: whether admins must use two-factor sign-in."""
    current = bool(get_setting(REQUIRE_FOR_ADMINS, False))
    form = SecurityForm(data={"require_admins": current})
    if form.validate_on_submit():
        wanted = bool(form.require_admins.data)
        if wanted != current:
            set_setting(REQUIRE_FOR_ADMINS, wanted)
            audit("settings.security", detail="Admins must use two-factor sign-in." if wanted
                  else "Admins may sign in without two-factor sign-in.")
            Session.commit()
        flash("Sign-in rules saved.", "success")
        return redirect(url_for("two_factor.admin_security"))
    return render_template("auth/admin_security.html", form=form)


@bp.before_app_request
def _admins_enrol_first():
    """While the setting requires it, an admin without two factors may only enrol (or sign out)."""
    if not current_user.is_authenticated or current_user.role != "admin" or request.path.startswith("/api/"):
        return None
    if request.endpoint in OPEN_WHEN_REQUIRED or not get_setting(REQUIRE_FOR_ADMINS, False):
        return None
    if two_factor.is_enrolled(current_user.id):
        return None
    flash("Admins must turn on two-factor sign-in before going on.", "warning")
    return redirect(url_for("two_factor.setup"))
