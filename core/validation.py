"""Input checks shared by every service: one error type whose message is a sentence for the user."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email


class ServiceError(ValueError):
    """Input that cannot be accepted; the message is a sentence for the user, `field` the input it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class FieldErrors(ServiceError):
    """Several inputs that cannot be accepted at once; `errors` holds each one, str() all their sentences."""

    def __init__(self, errors: list[ServiceError]):
        super().__init__(" ".join(str(error) for error in errors), errors[0].field)
        self.errors = errors


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


MAX_ROW_ID = 2**63 - 1  # the largest key a BIGINT (and SQLite's INTEGER) holds


def row_id(text: str) -> int:
    """A query-string id or page number for `request.args.get(name, type=row_id)`; ValueError (so the
    default applies) unless it is a whole number from 1 to MAX_ROW_ID, which the database can compare."""
    number = int(text)
    if not 1 <= number <= MAX_ROW_ID:
        raise ValueError(f"{text!r} is not a row id")
    return number


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
