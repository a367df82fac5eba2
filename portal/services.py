"""Writes on accounts, users and tokens, shared by the CLI and the admin pages: validate, flush, never commit."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from models.accounts import ROLES, Account, ApiToken, User
from models.db import Session, utcnow
from portal.auth.passwords import hash_password, password_problem

EXTERNAL_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$")


class ServiceError(ValueError):
    """Input that cannot be accepted; the message is a sentence for the user."""


def parse_date(value: str | None, what: str) -> date | None:
    """A YYYY-MM-DD date or None; ServiceError naming the field otherwise."""
    if value is None or value == "":
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ServiceError(f"{what} must be a date written YYYY-MM-DD, not {value!r}.") from None


def parse_amount(value: str, what: str) -> Decimal:
    """A non-negative money amount."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ServiceError(f"{what} must be a number, not {value!r}.") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ServiceError(f"{what} must be a number between 0 and 999,999,999,999.")
    return amount.quantize(Decimal("0.01"))


def parse_count(value: str, what: str) -> int:
    """A non-negative whole number."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ServiceError(f"{what} must be a whole number, not {value!r}.") from None
    if number < 0 or number > 10_000_000:
        raise ServiceError(f"{what} must be between 0 and 10,000,000.")
    return number


def normalise_email(value: str) -> str:
    """A syntactically valid e-mail address, lower-cased."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ServiceError(f"{value!r} is not a valid e-mail address.") from None


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
        raise ServiceError(f"No CSM has the e-mail {email!r}; create the CSM first with 'users create --role csm'.")
    return user


def create_account(
    *, name: str, external_id: str, arr: str, seats: str, csm_email: str | None = None,
    renewal: str | None = None, since: str | None = None,
) -> Account:
    """Validate and add an account."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ServiceError("The account name must be 1 to 200 characters.")
    external_id = (external_id or "").strip()
    if not EXTERNAL_ID_PATTERN.match(external_id):
        raise ServiceError("The external id must be 1 to 100 letters, digits, '.', '_', '~' or '-', starting with a letter or digit.")
    if account_by_external_id(external_id) is not None:
        raise ServiceError(f"An account with external id {external_id!r} already exists.")
    account = Account(
        name=name,
        external_id=external_id,
        arr=parse_amount(arr, "ARR"),
        seats=parse_count(seats, "Seats"),
        csm=csm_by_email(csm_email) if csm_email else None,
        renewal_date=parse_date(renewal, "The renewal date"),
        customer_since=parse_date(since, "The customer-since date") or utcnow().date(),
        status="active",
    )
    Session.add(account)
    Session.flush()
    return account


def create_user(
    *, email: str, password: str | None, role: str, account_external_id: str | None = None, name: str | None = None,
) -> User:
    """Validate and add a user."""
    email = normalise_email(email or "")
    if role not in ROLES:
        raise ServiceError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
    if user_by_email(email) is not None:
        raise ServiceError(f"A user with the e-mail {email} already exists.")
    account = None
    if role == "customer":
        if not account_external_id:
            raise ServiceError("A customer user needs --account, the external id of their account.")
        account = account_by_external_id(account_external_id)
        if account is None:
            raise ServiceError(f"No account has the external id {account_external_id!r}.")
    elif account_external_id:
        raise ServiceError("Only customer users belong to an account; leave --account out for CSMs and admins.")
    password_hash = None
    if password is not None:
        problem = password_problem(password)
        if problem:
            raise ServiceError(problem)
        password_hash = hash_password(password)
    user = User(email=email, name=(name or "").strip()[:200] or email.split("@")[0], role=role,
                account=account, password_hash=password_hash)
    Session.add(user)
    Session.flush()
    return user


def create_token(*, email: str, name: str | None = None) -> str:
    """Add an API token for a user and return it (it is shown once and only its hash is kept)."""
    from portal.api.core import new_token

    user = user_by_email(email or "")
    if user is None:
        raise ServiceError(f"No user has the e-mail {email!r}.")
    token, token_hash = new_token()
    Session.add(ApiToken(user=user, name=(name or "").strip()[:100], token_hash=token_hash))
    Session.flush()
    return token
