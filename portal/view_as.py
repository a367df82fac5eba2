""""View as customer": a CSM or admin sees the portal exactly as one customer of an account sees it.

While it lasts, the request's user is that customer, so every page, chart and access rule answers as
for them (another account is unknown to them, staff pages refuse them). It is read-only: every POST
but the one that ends it is refused, and a page's own bookkeeping (visit counts, search logs) is
rolled back instead of committed. Start and end are audited under the staff member's name.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import InputRequired

from models.accounts import Account, User
from models.db import Session
from portal.access import account_or_404, may_see_account
from portal.audit.web import audit

bp = Blueprint("view_as", __name__)

STATE = "view_as"  # session key: {"staff", "customer", "account"} ids
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
READ_ONLY = ("You are viewing the portal as a customer, so nothing can be changed. "
             "End the customer view (the button at the top) to act as yourself again.")


class ViewAsForm(FlaskForm):
    """Which customer of the account to see the portal as."""

    customer = SelectField("Customer", coerce=int, validators=[InputRequired("Choose the customer whose view you want to see.")],
                           invalid_value_message="Choose one of the customers in the list.",
                           invalid_choice_message="Choose one of the customers in the list.",
                           # A select always holds a choice; HTML's `required` would ask for an empty first option.
                           render_kw={"required": False})


def _customers(account: Account) -> list[User]:
    return list(Session.scalars(select(User).where(User.account_id == account.id, User.role == "customer",
                                                   User.is_active.is_(True)).order_by(User.name, User.email)))


@bp.route("/accounts/<ext>/view-as", methods=["GET", "POST"])
@login_required
def start(ext: str):
    """Pick a customer of this account and see the portal as they do."""
    account = account_or_404(ext)
    if current_user.role not in ("csm", "admin"):
        abort(403)
    customers = _customers(account)
    form = ViewAsForm()
    form.customer.choices = [(c.id, f"{c.name} ({c.email})" if c.name else c.email) for c in customers]
    if form.validate_on_submit():
        customer = next(c for c in customers if c.id == form.customer.data)
        session[STATE] = {"staff": current_user.id, "customer": customer.id, "account": account.id}
        audit("view_as.start", account=account, target=f"customer {customer.email}")
        Session.commit()
        return redirect(url_for("dashboard.overview", ext=account.external_id))
    return render_template("view_as/start.html", account=account, form=form, customers=customers), (
        422 if form.errors else 200)


@bp.post("/view-as/end")
@login_required
def end():
    """Stop viewing as the customer and be oneself again (the one POST allowed meanwhile)."""
    state = session.pop(STATE, None)
    viewing = g.get("view_as")
    if state is None or viewing is None:
        return redirect(url_for("auth.index"))
    audit("view_as.end", actor=viewing["staff"], account=viewing["account"],
          target=f"customer {viewing['customer'].email}")
    Session.commit()
    flash("You are yourself again.", "info")
    return redirect(url_for("dashboard.overview", ext=viewing["account"].external_id))


def _read_only_session() -> None:
    # Pages may record their own bookkeeping (a visit, a search); none of it is the customer's act.
    db = Session()
    db.commit = db.rollback


@bp.before_app_request
def _apply_view_as():
    """Swap in the customer for this request while a staff member views as them; refuse changes."""
    state = session.get(STATE)
    if not state or request.path.startswith("/api/") or not current_user.is_authenticated:
        return None
    staff = current_user._get_current_object()
    customer = Session.get(User, state.get("customer"))
    account = Session.get(Account, state.get("account"))
    if (staff.id != state.get("staff") or staff.role not in ("csm", "admin") or customer is None
            or account is None or not customer.is_active or customer.role != "customer"
            or customer.account_id != account.id or not may_see_account(staff, account)):
        session.pop(STATE, None)  # the right to it is gone (reassigned account, deactivated customer)
        return None
    g.view_as = {"staff": staff, "customer": customer, "account": account}
    g.view_as_staff = staff
    g._login_user = customer  # Flask-Login's current user for the rest of this request
    if request.method not in SAFE_METHODS and request.endpoint != "view_as.end":
        abort(403, READ_ONLY)
    if request.endpoint != "view_as.end":
        _read_only_session()
    return None
