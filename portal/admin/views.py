"""Admin pages: accounts, users and their API tokens. Writes go through portal.services, as in the CLI."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from wtforms import SelectChoice

from analytics.revenue.history import arr_history
from analytics.revenue.services import record_arr_change
from core.validation import row_id
from models.accounts import Account, ApiToken, User
from models.db import Session
from portal import services
from portal.access import admin_required
from portal.admin.forms import AccountEditForm, AccountForm, ArrChangeForm, TokenForm, UserCreateForm, UserEditForm
from portal.audit.web import audit
from portal.auth.forms import EmptyForm
from portal.auth.reset import queue_reset_mail

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 100


def _csm_choices() -> list[SelectChoice]:
    rows = Session.execute(
        select(User.email, User.name).where(User.role.in_(("csm", "admin")), User.is_active.is_(True)).order_by(User.name)
    ).all()
    return [SelectChoice("", "No CSM")] + [SelectChoice(email, f"{name} ({email})") for email, name in rows]


def _account_choices() -> list[SelectChoice]:
    rows = Session.execute(select(Account.external_id, Account.name).order_by(Account.name)).all()
    return [SelectChoice("", "None (CSMs and admins)")] + [SelectChoice(ext, f"{name} ({ext})") for ext, name in rows]


def _show_service_error(form, error: services.ServiceError) -> None:
    """Put each of a service's complaints on the field it is about (or on the form).

    A field that the form already found wrong keeps its own message: one sentence per field.
    """
    names = {"csm_email": "csm", "account_external_id": "account"}
    for each in getattr(error, "errors", [error]):
        field = getattr(form, names.get(each.field or "", each.field or ""), None)
        if field is None:
            flash(str(each), "danger")
        elif not field.errors:
            field.errors = list(field.errors) + [str(each)]


def _save_account(form, save) -> Account | None:
    """Check the form and the service's rules together, so every error shows at once; the account once saved."""
    if not form.is_submitted():
        return None
    form.validate()
    try:
        account = save()
    except services.ServiceError as error:
        Session.rollback()
        _show_service_error(form, error)
        return None
    if form.errors:  # the service took what the form could read; the form's own complaints still stand
        Session.rollback()
        return None
    Session.commit()
    return account


def _user_or_404(user_id: int) -> User:
    user = Session.get(User, user_id)
    if user is None:
        abort(404, "No such user.")
    return user


MAX_PAGE = 10_000_000  # a page past every row shows none; far beyond, the row offset would overflow an integer


def _page() -> int:
    return min(request.args.get("page", 1, type=row_id), MAX_PAGE)


@bp.get("/")
@admin_required
def index():
    """The admin start page with counts."""
    counts = {
        "accounts": Session.scalar(select(func.count()).select_from(Account)) or 0,
        "users": Session.scalar(select(func.count()).select_from(User)) or 0,
        "tokens": Session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))) or 0,
    }
    return render_template("admin/index.html", counts=counts)


@bp.get("/accounts")
@admin_required
def accounts():
    """Every account, searchable by name or external id."""
    query_text = (request.args.get("q") or "").strip()[:100]
    query = select(Account).order_by(Account.name)
    if query_text:
        pattern = f"%{query_text.lower()}%"
        query = query.where(or_(func.lower(Account.name).like(pattern), func.lower(Account.external_id).like(pattern)))
    page = _page()
    rows = Session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/accounts.html", accounts=rows[:PAGE_SIZE], has_more=len(rows) > PAGE_SIZE,
                           page=page, q=query_text)


@bp.route("/accounts/new", methods=["GET", "POST"])
@admin_required
def account_new():
    """Create an account."""
    form = AccountForm()
    form.csm.choices = _csm_choices()
    account = _save_account(form, lambda: services.create_account(
        name=form.name.data, external_id=form.external_id.data, arr=form.arr.data, seats=form.seats.data,
        csm_email=form.csm.data or None, renewal=form.renewal.data, since=form.since.data))
    if account is not None:
        flash(f"Account {account.name} ({account.external_id}) created.", "success")
        return redirect(url_for("admin.accounts"))
    return render_template("admin/account_form.html", form=form, account=None), (422 if form.errors else 200)


@bp.route("/accounts/<ext>/edit", methods=["GET", "POST"])
@admin_required
def account_edit(ext: str):
    """Edit an account, including its status and churn date."""
    account = services.account_by_external_id(ext)
    if account is None:
        abort(404, "No such account.")
    form = AccountEditForm(obj=None if request.method == "POST" else _account_values(account))
    form.csm.choices = _csm_choices()
    saved = _save_account(form, lambda: services.update_account(
        account, name=form.name.data, external_id=form.external_id.data, arr=None,
        seats=form.seats.data, csm_email=form.csm.data or None, renewal=form.renewal.data,
        since=form.since.data, status=form.status.data, churned_on=form.churned_on.data))
    if saved is not None:
        flash(f"Account {saved.name} saved.", "success")
        return redirect(url_for("admin.accounts"))
    return render_template("admin/account_form.html", form=form, account=account, arr_form=ArrChangeForm(),
                           history=arr_history(account.id)), (422 if form.errors else 200)


@bp.post("/accounts/<ext>/arr")
@admin_required
def account_arr(ext: str):
    """Record a change of the account's ARR from an effective date; the history is kept."""
    account = services.account_by_external_id(ext)
    if account is None:
        abort(404, "No such account.")
    arr_form = ArrChangeForm()
    if arr_form.validate_on_submit():
        try:
            change = record_arr_change(account.external_id, arr_form.arr.data, arr_form.effective.data)
        except services.ServiceError as error:
            Session.rollback()
            _show_service_error(arr_form, error)
        else:
            Session.commit()
            flash(f"ARR of {account.name} is {change.arr:,.2f} from {change.effective_on.isoformat()} on.", "success")
            return redirect(url_for("admin.account_edit", ext=account.external_id))
    form = AccountEditForm(obj=_account_values(account))
    form.csm.choices = _csm_choices()
    return render_template("admin/account_form.html", form=form, account=account, arr_form=arr_form,
                           history=arr_history(account.id)), 422


class _Values:
    """Attribute bag to pre-fill a form."""

    def __init__(self, **values):
        self.__dict__.update(values)


def _account_values(account: Account) -> _Values:
    return _Values(
        name=account.name, external_id=account.external_id, arr=f"{account.arr:.2f}", seats=str(account.seats),
        csm=account.csm.email if account.csm else "", renewal=account.renewal_date, since=account.customer_since,
        status=account.status, churned_on=account.churned_on,
    )


@bp.get("/users")
@admin_required
def users():
    """Every user, filtered by role or searched by e-mail or name."""
    query_text = (request.args.get("q") or "").strip()[:100]
    role = request.args.get("role", "")
    query = select(User).order_by(User.role, User.email)
    if role in ("customer", "csm", "admin"):
        query = query.where(User.role == role)
    if query_text:
        pattern = f"%{query_text.lower()}%"
        query = query.where(or_(func.lower(User.email).like(pattern), func.lower(User.name).like(pattern)))
    page = _page()
    rows = Session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    accounts_by_id = dict(Session.execute(
        select(Account.id, Account.external_id).where(Account.id.in_({u.account_id for u in rows if u.account_id}))
    ).all())
    return render_template("admin/users.html", users=rows[:PAGE_SIZE], has_more=len(rows) > PAGE_SIZE, page=page,
                           q=query_text, role=role, accounts_by_id=accounts_by_id, reset_form=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    """Create a user, with a password or a mailed link to set one."""
    form = UserCreateForm()
    form.account.choices = _account_choices()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data, password=form.password.data or None, role=form.role.data,
                account_external_id=form.account.data or None, name=form.name.data,
            )
            if not form.password.data:
                queue_reset_mail(user)
            audit("user.created", account=user.account, target=f"user {user.email}", detail=f"Role {user.role}.")
        except services.ServiceError as error:
            Session.rollback()
            _show_service_error(form, error)
        else:
            Session.commit()
            sent = "" if form.password.data else " A link to set a password is on its way to them."
            flash(f"User {user.email} created.{sent}", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), (422 if form.errors else 200)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    """Edit a user's e-mail, name, role, account and whether they may sign in."""
    user = _user_or_404(user_id)
    values = _Values(email=user.email, name=user.name, role=user.role, is_active=user.is_active,
                     account=user.account.external_id if user.account else "")
    form = UserEditForm(obj=None if request.method == "POST" else values)
    form.account.choices = _account_choices()
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or not form.is_active.data):
            form.role.errors = list(form.role.errors) + [
                "You cannot take away your own admin rights or deactivate yourself; ask another admin."]
        else:
            try:
                before = _user_facts(user)
                services.update_user(user, email=form.email.data, name=form.name.data, role=form.role.data,
                                     account_external_id=form.account.data or None, is_active=form.is_active.data)
                _audit_user_change(user, before)
            except services.ServiceError as error:
                Session.rollback()
                _show_service_error(form, error)
            else:
                Session.commit()
                flash(f"User {user.email} saved.", "success")
                return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), (422 if form.errors else 200)


def _user_facts(user: User) -> dict:
    return {"e-mail": user.email, "name": user.name, "role": user.role,
            "account": user.account.external_id if user.account else "", "active": user.is_active}


def _audit_user_change(user: User, before: dict) -> None:
    """One entry for a saved user: a role change when the role changed, else a user change (if anything did)."""
    Session.flush()
    after = _user_facts(user)
    changed = [f"{key} {before[key]!s} → {after[key]!s}" for key in before if before[key] != after[key]]
    if changed:
        action = "user.role_changed" if before["role"] != after["role"] else "user.changed"
        audit(action, account=user.account, target=f"user {user.email}", detail="; ".join(changed) + ".")


@bp.post("/users/<int:user_id>/reset-password")
@admin_required
def user_reset(user_id: int):
    """Send a user a link to set a new password."""
    user = _user_or_404(user_id)
    if EmptyForm().validate_on_submit():
        if not user.is_active:
            flash(f"{user.email} is deactivated; activate the user before sending a link.", "warning")
        else:
            queue_reset_mail(user)
            Session.commit()
            flash(f"A link to set a new password is on its way to {user.email}; it works for one hour.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/tokens", methods=["GET", "POST"])
@admin_required
def user_tokens(user_id: int):
    """A user's API tokens: create one (shown once) and see or revoke the others."""
    user = _user_or_404(user_id)
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = services.create_token(email=user.email, name=form.name.data)
        audit("token.created", account=user.account, target=f"user {user.email}", detail=f"Token “{form.name.data or ''}”.")
        Session.commit()
        form = TokenForm(formdata=None)
    tokens = Session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    return render_template("admin/tokens.html", user=user, tokens=tokens, form=form, new_token=new_token,
                           revoke_form=EmptyForm()), (422 if form.errors else 200)


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@admin_required
def token_revoke(user_id: int, token_id: int):
    """Revoke one of this user's tokens (a token of another user answers 404)."""
    user = _user_or_404(user_id)
    token = Session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None:
        abort(404, "No such token.")
    if EmptyForm().validate_on_submit():
        services.revoke_token(token)
        audit("token.revoked", account=user.account, target=f"user {user.email}",
              detail=f"Token “{token.name or token.id}”.")
        Session.commit()
        flash(f"Token {token.name or token.id} revoked; requests made with it now get 401.", "success")
    return redirect(url_for("admin.user_tokens", user_id=user.id))
