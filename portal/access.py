"""The one access rule: who may see which account, and who may use which page.

Every page, chart, share link and API route asks here; none re-implements it.
An account the user may not see answers exactly like an unknown one (404).
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, select, true

from models.accounts import Account, User
from models.db import Session


def visible_accounts_clause(user: User):
    """A SQL condition on Account that holds for the accounts this user may see."""
    if user.role == "admin":
        return true()
    if user.role == "csm":
        return Account.csm_id == user.id
    return Account.id == user.account_id


def visible_accounts(user: User) -> Select:
    """select(Account) limited to the accounts this user may see."""
    return select(Account).where(visible_accounts_clause(user))


def visible_account_ids(user: User) -> list[int]:
    """The ids of the accounts this user may see, as values to look rows up by (account_id IN ids, id).

    Values, not a subquery: with them PostgreSQL probes a table's primary key (account_id, id) once per
    account, where `account_id IN (SELECT ...)` leaves it to scan the table for the id; and Citus sends
    the lookup only to the shards of these accounts.
    """
    return list(Session.scalars(select(Account.id).where(visible_accounts_clause(user)).order_by(Account.id)))


def may_see_account(user: User, account: Account) -> bool:
    """May this user see this account's data?"""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if user.role == "admin":
        return True
    if user.role == "csm":
        return account.csm_id == user.id
    return account.id == user.account_id


def account_for(user: User, external_id: str) -> Account | None:
    """The account with this external id if the user may see it, else None."""
    account = Session.scalar(select(Account).where(Account.external_id == external_id))
    if account is None or not may_see_account(user, account):
        return None
    return account


def account_or_404(external_id: str) -> Account:
    """The signed-in user's view of an account; 404 when unknown or not theirs."""
    account = account_for(current_user, external_id)
    if account is None:
        abort(404, "No such account.")
    return account


def roles_required(*roles: str, message: str | None = None):
    """Page decorator: signed in (else to /login) and one of these roles (else 403, with `message` when given)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403, message)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required("csm", "admin")
admin_required = roles_required("admin")


# Ownership: does this row belong to an account the user may see? One rule, so no view writes its own.

def owned_or_404(model, object_id: int, account: Account, message: str = "Not found."):
    """The `model` row `object_id` if it belongs to `account` (already checked visible); 404 like an unknown id."""
    row = Session.scalar(select(model).where(model.id == object_id, model.account_id == account.id))
    if row is None:
        abort(404, message)
    return row


def visible_or_404(model, object_id: int, message: str = "Not found."):
    """The `model` row `object_id` if its account is one the signed-in user may see; 404 like an unknown id."""
    row = Session.scalar(select(model).where(model.account_id.in_(visible_account_ids(current_user)),
                                             model.id == object_id))
    if row is None:
        abort(404, message)
    return row


def require_customer_of(account: Account, message: str) -> None:
    """403 unless the signed-in user is one of this account's own customers (staff may look, not answer)."""
    if current_user.role != "customer" or current_user.account_id != account.id:
        abort(403, message)
