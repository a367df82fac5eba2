"""Writes on accounts, users and tokens, shared by the CLI and the admin pages: validate, flush, never commit."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from models.accounts import ROLES, Account, ApiToken, User
from models.db import Session, utcnow
from models.revenue import ArrChange
from portal.auth.passwords import hash_password, password_problem

EXTERNAL_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$")
STATUSES = ("active", "churned")


class ServiceError(ValueError):
    """Input that cannot be accepted; the message is a sentence for the user, `field` the input it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def parse_date(value: str | date | None, what: str, field: str | None = None) -> date | None:
    """A YYYY-MM-DD date or None; ServiceError naming the field otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ServiceError(f"{what} must be a date written YYYY-MM-DD, not {value!r}.", field) from None


def parse_amount(value: str | Decimal, what: str, field: str | None = None) -> Decimal:
    """A non-negative money amount."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ServiceError(f"{what} must be a number, not {value!r}.", field) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ServiceError(f"{what} must be a number between 0 and 999,999,999,999.", field)
    return amount.quantize(Decimal("0.01"))


def parse_count(value: str | int, what: str, field: str | None = None) -> int:
    """A non-negative whole number."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ServiceError(f"{what} must be a whole number, not {value!r}.", field) from None
    if number < 0 or number > 10_000_000:
        raise ServiceError(f"{what} must be between 0 and 10,000,000.", field)
    return number


def normalise_email(value: str) -> str:
    """A syntactically valid e-mail address, lower-cased."""
    try:
        return validate_email(value.strip(), check_deliverability=False, test_environment=True).normalized.lower()
    except EmailNotValidError:
        raise ServiceError(f"{value!r} is not a valid e-mail address.", "email") from None


def user_by_email(email: str) -> User | None:
    """The user with this e-mail (case-insensitive)."""
    return Session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def account_by_external_id(external_id: str) -> Account | None:
    """The account with this external id."""
    return Session.scalar(select(Account).where(Account.external_id == external_id))


def csm_by_email(email: str) -> User:
    """The CSM (or admin) with this e-mail, or ServiceError."""
    user = user_by_email(email)
    if user is None or user.role not in ("csm", "admin"):
        raise ServiceError(f"No CSM has the e-mail {email!r}; create the CSM first with 'users create --role csm'.", "csm")
    return user


def _account_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ServiceError("The account name must be 1 to 200 characters.", "name")
    return name


def _free_external_id(external_id: str | None, current: Account | None = None) -> str:
    external_id = (external_id or "").strip()
    if not EXTERNAL_ID_PATTERN.match(external_id):
        raise ServiceError(
            "The external id must be 1 to 100 letters, digits, '.', '_', '~' or '-', starting with a letter or digit.",
            "external_id",
        )
    other = account_by_external_id(external_id)
    if other is not None and other is not current:
        raise ServiceError(f"An account with external id {external_id!r} already exists.", "external_id")
    return external_id


def create_account(
    *, name: str, external_id: str, arr: str, seats: str, csm_email: str | None = None,
    renewal: str | None = None, since: str | None = None,
) -> Account:
    """Validate and add an account."""
    account = Account(
        name=_account_name(name),
        external_id=_free_external_id(external_id),
        arr=parse_amount(arr, "ARR", "arr"),
        seats=parse_count(seats, "Seats", "seats"),
        csm=csm_by_email(csm_email) if csm_email else None,
        renewal_date=parse_date(renewal, "The renewal date", "renewal"),
        customer_since=parse_date(since, "The customer-since date", "since") or utcnow().date(),
        status="active",
    )
    Session.add(account)
    Session.flush()
    # The ARR history starts with the ARR the account was created with, effective from its customer-since day.
    Session.add(ArrChange(account_id=account.id, effective_on=account.customer_since, arr=account.arr))
    Session.flush()
    return account


def update_account(
    account: Account, *, name: str, external_id: str, arr: str | None, seats: str, csm_email: str | None,
    renewal: str | date | None, since: str | date | None, status: str, churned_on: str | date | None,
) -> Account:
    """Validate and change every editable field of an account; a churned account needs its churn date.

    `arr` None leaves the ARR alone: the admin page changes it with an effective date (the ARR history).
    """
    values = {
        "name": _account_name(name),
        "external_id": _free_external_id(external_id, current=account),
        "seats": parse_count(seats, "Seats", "seats"),
        "csm": csm_by_email(csm_email) if csm_email else None,
        "renewal_date": parse_date(renewal, "The renewal date", "renewal"),
        "customer_since": parse_date(since, "The customer-since date", "since"),
    }
    if values["customer_since"] is None:
        raise ServiceError("The customer-since date is required.", "since")
    if status not in STATUSES:
        raise ServiceError(f"The status must be active or churned, not {status!r}.", "status")
    churned = parse_date(churned_on, "The churn date", "churned_on")
    if status == "churned" and churned is None:
        raise ServiceError("A churned account needs the day it churned.", "churned_on")
    if status == "churned" and churned < values["customer_since"]:
        raise ServiceError("The churn date cannot be before the customer-since date.", "churned_on")
    values["status"] = status
    values["churned_on"] = churned if status == "churned" else None
    if arr is not None:
        values["arr"] = parse_amount(arr, "ARR", "arr")
    for key, value in values.items():
        setattr(account, key, value)
    account.data_changed_at = utcnow()
    Session.flush()
    return account


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise ServiceError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.", "role")
    return role


def _account_for_role(role: str, account_external_id: str | None) -> Account | None:
    if role == "customer":
        if not account_external_id:
            raise ServiceError("A customer user needs --account, the external id of their account.", "account")
        account = account_by_external_id(account_external_id)
        if account is None:
            raise ServiceError(f"No account has the external id {account_external_id!r}.", "account")
        return account
    if account_external_id:
        raise ServiceError("Only customer users belong to an account; leave --account out for CSMs and admins.", "account")
    return None


def checked_password_hash(password: str) -> str:
    """The hash of a password that meets the policy, or ServiceError saying why not."""
    problem = password_problem(password)
    if problem:
        raise ServiceError(problem, "password")
    return hash_password(password)


def create_user(
    *, email: str, password: str | None, role: str, account_external_id: str | None = None, name: str | None = None,
) -> User:
    """Validate and add a user."""
    email = normalise_email(email or "")
    role = _checked_role(role)
    if user_by_email(email) is not None:
        raise ServiceError(f"A user with the e-mail {email} already exists.", "email")
    account = _account_for_role(role, account_external_id)
    password_hash = checked_password_hash(password) if password is not None else None
    user = User(email=email, name=(name or "").strip()[:200] or email.split("@")[0], role=role,
                account=account, password_hash=password_hash)
    Session.add(user)
    Session.flush()
    return user


def update_user(
    user: User, *, email: str, name: str | None, role: str, account_external_id: str | None, is_active: bool,
) -> User:
    """Validate and change a user; deactivating or changing the role ends the user's sessions."""
    email = normalise_email(email or "")
    role = _checked_role(role)
    other = user_by_email(email)
    if other is not None and other is not user:
        raise ServiceError(f"A user with the e-mail {email} already exists.", "email")
    account = _account_for_role(role, account_external_id)
    if role == "customer" and user.role != "customer":
        looked_after = Session.scalar(select(func.count()).select_from(Account).where(Account.csm_id == user.id)) or 0
        if looked_after:
            raise ServiceError(
                f"This user is the CSM of {looked_after} account(s); assign them another CSM before making this user a customer.",
                "role",
            )
    if (not is_active and user.is_active) or role != user.role:
        user.session_version += 1
    user.email = email
    user.name = (name or "").strip()[:200] or email.split("@")[0]
    user.role = role
    user.account = account
    user.is_active = bool(is_active)
    Session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Give a user a new password (policy checked) and end every session and remember-me cookie of theirs."""
    user.password_hash = checked_password_hash(password)
    user.session_version += 1
    Session.flush()


def create_token(*, email: str, name: str | None = None) -> str:
    """Add an API token for a user and return it (it is shown once and only its hash is kept)."""
    from portal.api.core import new_token

    user = user_by_email(email or "")
    if user is None:
        raise ServiceError(f"No user has the e-mail {email!r}.", "email")
    token, token_hash = new_token()
    Session.add(ApiToken(user=user, name=(name or "").strip()[:100], token_hash=token_hash))
    Session.flush()
    return token


def revoke_token(token: ApiToken) -> None:
    """Stop a token from working (kept for the record)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        Session.flush()
