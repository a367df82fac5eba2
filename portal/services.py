"""Writes on accounts, users and tokens, shared by the CLI and the admin pages: validate, flush, never commit."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from core.period import FIRST_PERIOD_DAY, LAST_QUERY_DAY
from core.tokens import new_token
from core.validation import FieldErrors, ServiceError, normalise_email, parse_amount, parse_date
from models.accounts import ROLES, Account, ApiToken, User
from models.db import Session, utcnow
from models.revenue import ArrChange
from core.passwords import hash_password, password_problem

EXTERNAL_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$")
STATUSES = ("active", "churned")


class _Checks:
    """Runs every check of a form's values and keeps each complaint, so they are all reported together."""

    def __init__(self):
        self.values: dict = {}
        self.errors: list[ServiceError] = []

    def check(self, key: str, read) -> None:
        """values[key] = read(), or note its ServiceError."""
        try:
            self.values[key] = read()
        except ServiceError as error:
            self.errors.append(error)

    def fail(self, message: str, field: str) -> None:
        """Note a complaint found by comparing values."""
        self.errors.append(ServiceError(message, field))

    def raise_errors(self) -> None:
        """Raise the one complaint, or FieldErrors with all of them."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise FieldErrors(self.errors)


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
    if not name:
        raise ServiceError("Enter the account's name, e.g. Acme Logistics.", "name")
    if len(name) > 200:
        raise ServiceError(f"Shorten the account's name to 200 characters at most (it has {len(name)}).", "name")
    return name


def _required(value, message: str, field: str):
    """The value, or ServiceError(message) when it is empty."""
    if value is None or not str(value).strip():
        raise ServiceError(message, field)
    return value


def _seats(value: str | int) -> int:
    """Licensed seats of an account: at least 1 (seat utilisation is measured against them)."""
    text = str(_required(value, "Enter the number of licensed seats, e.g. 50.", "seats")).strip()
    try:
        seats = int(text)
    except ValueError:
        raise ServiceError(f"The number of licensed seats must be a whole number, e.g. 50, not {text!r}.",
                           "seats") from None
    if seats > 10_000_000:
        raise ServiceError("The number of licensed seats can be at most 10,000,000.", "seats")
    if seats < 1:
        raise ServiceError("An account needs at least 1 licensed seat: enter how many people may use the product.",
                           "seats")
    return seats


def _account_checks(*, name, external_id, arr, seats, csm_email, renewal, since, current: Account | None) -> _Checks:
    """Every editable value of an account checked, each complaint kept."""
    checks = _Checks()
    checks.check("name", lambda: _account_name(name))
    checks.check("external_id", lambda: _free_external_id(external_id, current=current))
    if arr is not None or current is None:
        checks.check("arr", lambda: parse_amount(
            _required(arr, "Enter the ARR, the yearly amount the account pays, e.g. 120000.", "arr"), "ARR", "arr"))
    checks.check("seats", lambda: _seats(seats))
    checks.check("csm", lambda: csm_by_email(csm_email) if csm_email else None)
    checks.check("renewal_date", lambda: parse_date(renewal, "The renewal date", "renewal"))
    checks.check("customer_since", lambda: _since_day(since))
    return checks


def _since_day(since) -> date | None:
    """The customer-since date; a day outside the figures' calendar (cohort ages, comparison periods) is refused."""
    day = parse_date(since, "The customer-since date", "since")
    if day is not None and not FIRST_PERIOD_DAY <= day <= LAST_QUERY_DAY:
        raise ServiceError(f"The customer-since date must be from {FIRST_PERIOD_DAY.isoformat()} to "
                           f"{LAST_QUERY_DAY.isoformat()}, not {day.isoformat()}.", "since")
    return day


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
    """Validate and add an account; every invalid value is reported at once (FieldErrors)."""
    checks = _account_checks(name=name, external_id=external_id, arr=arr, seats=seats, csm_email=csm_email,
                             renewal=renewal, since=since, current=None)
    checks.raise_errors()
    values = checks.values
    values["customer_since"] = values["customer_since"] or utcnow().date()
    account = Account(**values, status="active")
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
    checks = _account_checks(name=name, external_id=external_id, arr=arr, seats=seats, csm_email=csm_email,
                             renewal=renewal, since=since, current=account)
    since_day = checks.values.get("customer_since")
    if "customer_since" in checks.values and since_day is None:
        checks.fail("Enter the customer-since date: the first day the account was a customer.", "since")
    if status not in STATUSES:
        checks.fail("Choose the status: active or churned.", "status")
    checks.check("churned_on", lambda: parse_date(churned_on, "The churn date", "churned_on"))
    churned = checks.values.get("churned_on")
    if status == "churned" and churned is None and "churned_on" in checks.values:
        checks.fail("A churned account needs the day it churned.", "churned_on")
    if status == "churned" and churned and since_day and churned < since_day:
        checks.fail("The churn date cannot be before the customer-since date.", "churned_on")
    checks.raise_errors()
    values = checks.values
    values["status"] = status
    values["churned_on"] = churned if status == "churned" else None
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
