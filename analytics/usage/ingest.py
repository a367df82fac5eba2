"""Usage ingestion: validate a batch of events, match or create their users, store them with rollups.

A batch is all or nothing: every item is checked before anything is written, and the
caller commits once. Storing is set-based (a staging table, one INSERT ... ON CONFLICT
DO NOTHING RETURNING, then rollup upserts), so the cost barely depends on Python loops.
"""
from __future__ import annotations

import gc
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable

from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY

from analytics.usage.partitions import hold_against_prune, pruned_before
from analytics.usage.rollups import store_rows
from core.validation import ServiceError, normalise_email
from models.accounts import Account, User
from models.db import Session, is_postgres, utcnow
from models.usage import EVENT_TYPES

MAX_BATCH = 10_000
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_TEXT = 200  # longest id, user or feature key we store
FIELDS = ("id", "account", "user", "type", "feature", "ts")
_TYPES = frozenset(EVENT_TYPES)
SYNTHETIC_EMAIL_DOMAIN = "vendor-users.invalid"


class BatchInvalid(ValueError):
    """The batch holds invalid items; `errors` lists them as {"index", "field", "message"}."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} invalid event(s)")
        self.errors = errors


@dataclass(frozen=True)
class IngestResult:
    """What a batch did: events newly stored and events already known."""

    accepted: int
    duplicates: int


@dataclass(slots=True)
class _Item:
    index: int
    client_id: str
    account_ext: str
    user_key: str
    type: str
    feature: str | None
    ts: datetime
    account_id: int = 0
    user_id: int = 0


def parse_timestamp(value: Any) -> datetime:
    """An ISO 8601 timestamp with a UTC offset, as an aware UTC datetime; ValueError otherwise."""
    if not isinstance(value, str) or not value or len(value) > 64:
        raise ValueError("'ts' must be an ISO 8601 timestamp string with a UTC offset, like 2026-01-31T09:30:00Z.")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"'ts' {value[:40]!r} is not an ISO 8601 timestamp; write it like 2026-01-31T09:30:00Z.") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("'ts' needs a UTC offset (Z or +hh:mm), like 2026-01-31T09:30:00Z.")
    try:
        return parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise ValueError("'ts' is out of the range of dates the portal can store.") from None


def _text(item: dict, name: str, required: bool = True) -> tuple[str | None, str | None]:
    """(value, problem) for a string field."""
    value = item.get(name)
    if value is None:
        return None, (f"'{name}' is required." if required else None)
    if not isinstance(value, str):
        return None, f"'{name}' must be a string."
    if not value.strip():
        return None, (f"'{name}' must not be empty." if required else None)
    if len(value) > MAX_TEXT:
        return None, f"'{name}' must be at most {MAX_TEXT} characters."
    return value, None


def _check_items(raw_items: list, index_offset: int, errors: list[dict]) -> list[_Item]:
    """Field checks that need no database, for every item; append problems to errors."""
    # One loop with the common, valid item inline (a function call and a UTC conversion per item cost a
    # fifth of a 10,000-event batch); anything unusual gets the detailed checks of _check_item_in_detail.
    items: list[_Item] = []
    append, parse, utc, types = items.append, datetime.fromisoformat, timezone.utc, _TYPES
    for index, raw in enumerate(raw_items, index_offset):
        if type(raw) is dict:
            get = raw.get
            client_id, account_ext, user_key, kind, feature, ts = (
                get("id"), get("account"), get("user"), get("type"), get("feature"), get("ts"))
            if (type(client_id) is str and type(account_ext) is str and type(user_key) is str and type(ts) is str
                    and type(kind) is str and kind in types
                    and (feature is None if kind != "feature_used" else type(feature) is str)
                    and 0 < len(client_id) <= MAX_TEXT and 0 < len(account_ext) <= MAX_TEXT
                    and 0 < len(user_key) <= MAX_TEXT and 0 < len(ts) <= 64
                    and (feature is None or (0 < len(feature) <= MAX_TEXT and not feature.isspace()))
                    and not client_id.isspace() and not account_ext.isspace() and not user_key.isspace()):
                try:
                    parsed = parse(ts)
                    if parsed.tzinfo is not utc:  # "Z" and "+00:00" parse to timezone.utc itself
                        parsed = parsed.astimezone(utc) if parsed.utcoffset() is not None else None
                except (ValueError, OverflowError):
                    parsed = None
                if parsed is not None:
                    append(_Item(index, client_id, account_ext, user_key.strip(), kind, feature, parsed))
                    continue
        item = _check_item_in_detail(index, raw, errors)
        if item is not None:
            append(item)
    return items


def _check_item_in_detail(index: int, item: Any, errors: list[dict]) -> _Item | None:
    """Every field check, each problem reported with its field."""
    def fail(field: str, message: str) -> None:
        errors.append({"index": index, "field": field, "message": message})

    if not isinstance(item, dict):
        fail("", "Each event must be a JSON object with id, account, user, type and ts.")
        return None
    before = len(errors)
    client_id, problem = _text(item, "id")
    if problem:
        fail("id", problem)
    account_ext, problem = _text(item, "account")
    if problem:
        fail("account", problem)
    user_key, problem = _text(item, "user")
    if problem:
        fail("user", problem)
    kind = item.get("type")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        fail("type", f"'type' must be one of {', '.join(EVENT_TYPES)}.")
    feature, problem = _text(item, "feature", required=kind == "feature_used")
    if problem:
        fail("feature", problem if kind != "feature_used" or item.get("feature") is not None
             else "'feature' is required when the type is feature_used.")
    ts = None
    try:
        ts = parse_timestamp(item.get("ts"))
    except ValueError as exc:
        fail("ts", str(exc))
    if len(errors) > before:
        return None
    return _Item(index, client_id, account_ext, user_key.strip(), kind, feature, ts)


def _among(column, values: list[str]):
    """column IN values; on PostgreSQL one array parameter, which stays cheap for thousands of values."""
    if is_postgres(Session):
        return column == any_(bindparam(None, values, type_=ARRAY(String)))
    return column.in_(values)


def _synthetic_email(account_id: int, vendor_id: str) -> str:
    # Users known only by the vendor's id still need a unique e-mail; .invalid never delivers.
    digest = hashlib.sha256(f"{account_id}\x1f{vendor_id}".encode()).hexdigest()[:24]
    return f"u-{digest}@{SYNTHETIC_EMAIL_DOMAIN}"


def _resolve_users(items: list[_Item], errors: list[dict]) -> list[dict]:
    """Set user_id on items whose user exists; return the users still to create (one per key)."""
    # Grouped by (account, key) first: a batch names each person many times, so the checks below run per person.
    groups: dict[tuple[int, str], list[_Item]] = {}
    for item in items:
        key = (item.account_id, item.user_key)
        group = groups.get(key)
        if group is None:
            groups[key] = [item]
        else:
            group.append(item)
    by_email: dict[str, list[_Item]] = {}
    by_vendor_id: dict[tuple[int, str], list[_Item]] = {}
    for key, group in groups.items():
        if "@" in key[1]:
            by_email.setdefault(key[1].lower(), []).extend(group)
        else:
            by_vendor_id[key] = group
    to_create: list[dict] = []
    if by_email:
        found = {
            row.email: row
            for row in Session.execute(
                select(User.id, User.email, User.account_id, User.role).where(_among(User.email, list(by_email)))
            )
        }
        for email, group in by_email.items():
            row = found.get(email)
            if row is not None:
                for item in group:
                    if row.account_id != item.account_id or row.role != "customer":
                        errors.append({"index": item.index, "field": "user",
                                       "message": f"The e-mail {email} belongs to a person outside account {item.account_ext}."})
                    else:
                        item.user_id = row.id
                continue
            accounts = {item.account_id for item in group}
            if len(accounts) > 1:
                for item in group:
                    errors.append({"index": item.index, "field": "user",
                                   "message": f"The e-mail {email} is used for more than one account in this batch."})
                continue
            try:
                normalised = normalise_email(email)
            except ServiceError:
                for item in group:
                    errors.append({"index": item.index, "field": "user",
                                   "message": f"'user' {email[:80]!r} contains '@' but is not a valid e-mail address."})
                continue
            if normalised != email:
                for item in group:
                    item.user_key = normalised
            to_create.append({"email": normalised, "name": normalised.split("@")[0][:200], "role": "customer",
                              "account_id": group[0].account_id, "external_id": None, "password_hash": None})
    if by_vendor_id:
        account_ids = {account_id for account_id, _ in by_vendor_id}
        vendor_ids = list({vendor_id for _, vendor_id in by_vendor_id})
        found_ids: dict[tuple[int, str], int] = {}
        for row in Session.execute(
            select(User.id, User.account_id, User.external_id)
            .where(User.account_id.in_(account_ids), _among(User.external_id, vendor_ids), User.role == "customer")
            .order_by(User.id.desc())
        ):
            found_ids[(row.account_id, row.external_id)] = row.id  # the oldest wins
        for key, group in by_vendor_id.items():
            if key in found_ids:
                for item in group:
                    item.user_id = found_ids[key]
            else:
                to_create.append({"email": _synthetic_email(*key), "name": key[1][:200], "role": "customer",
                                  "account_id": key[0], "external_id": key[1], "password_hash": None})
    return to_create


def _create_users(items: list[_Item], to_create: list[dict]) -> None:
    """Insert the missing users (a concurrent batch may have created some) and set user_id on items."""
    if not to_create:
        return
    if is_postgres(Session):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = utcnow()
    # In e-mail order, so two batches creating the same people lock them in the same order (no deadlock).
    rows = [{**row, "session_version": 1, "is_active": True, "created_at": now}
            for row in sorted(to_create, key=lambda row: row["email"])]
    Session.execute(insert(User.__table__).on_conflict_do_nothing(index_elements=["email"]), rows)
    emails = [row["email"] for row in to_create]
    ids = dict(Session.execute(select(User.email, User.id).where(_among(User.email, emails))).all())
    by_key: dict[tuple[int, str], int] = {}
    for item in items:
        if item.user_id:
            continue
        key = (item.account_id, item.user_key)
        if key not in by_key:
            by_key[key] = ids[item.user_key.lower() if "@" in item.user_key else _synthetic_email(*key)]
        item.user_id = by_key[key]


def validate_batch(raw_items: list, now: datetime | None = None, index_offset: int = 0) -> list[_Item]:
    """Check every item and resolve accounts and users; BatchInvalid lists every problem.

    Users who do not exist yet are created only when the whole batch is valid.
    """
    now = now or utcnow()
    errors: list[dict] = []
    items = _check_items(raw_items, index_offset, errors)
    account_exts = list({item.account_ext for item in items})
    accounts: dict[str, tuple[int, date]] = {}
    if account_exts:
        accounts = {
            row.external_id: (row.id, row.customer_since)
            for row in Session.execute(
                select(Account.id, Account.external_id, Account.customer_since).where(Account.external_id.in_(account_exts))
            )
        }
    latest = now + FUTURE_TOLERANCE
    hold_against_prune()
    horizon = pruned_before()
    # Per account, the earliest moment it may store: its first customer day, or the pruned horizon if later.
    earliest = {ext: (account_id, datetime.combine(max(since, horizon or since), time.min, timezone.utc))
                for ext, (account_id, since) in accounts.items()}
    known: list[_Item] = []
    append = known.append
    for item in items:
        account = earliest.get(item.account_ext)
        if account is None:
            errors.append({"index": item.index, "field": "account",
                           "message": f"No account has the external id {item.account_ext[:100]!r}."})
            continue
        item.account_id, first_moment = account
        if first_moment <= item.ts <= latest:
            append(item)
        elif item.ts > latest:
            errors.append({"index": item.index, "field": "ts",
                           "message": "The event is more than 5 minutes in the future; check the sender's clock."})
        elif horizon is not None and item.ts.date() < horizon:
            errors.append({"index": item.index, "field": "ts",
                           "message": f"Raw events before {horizon.isoformat()} have been pruned, so an event dated "
                                      "before then can no longer be stored (the figures of those days are final)."})
        else:
            errors.append({"index": item.index, "field": "ts",
                           "message": f"The event is before the account became a customer on "
                                      f"{accounts[item.account_ext][1].isoformat()}."})
    to_create = _resolve_users(known, errors)
    if errors:
        errors.sort(key=lambda error: error["index"])
        raise BatchInvalid(errors)
    _create_users(known, to_create)
    return known


def store_items(items: Iterable[_Item]) -> IngestResult:
    """Store validated items and update the rollups (flushes nothing else; the caller commits)."""
    rows = [(n, item.account_id, item.client_id, item.user_id, item.type, item.feature, item.ts)
            for n, item in enumerate(items)]
    total = len(rows)
    # An id repeated within the batch is a duplicate of its first occurrence: only that one is staged,
    # so the store statement finds each key once (a hash join instead of a DISTINCT ON sort).
    if len({(row[1], row[2]) for row in rows}) < total:
        seen: set[tuple[int, str]] = set()
        rows = [row for row in rows if (row[1], row[2]) not in seen and not seen.add((row[1], row[2]))]
    accepted = store_rows(rows)
    return IngestResult(accepted=accepted, duplicates=total - accepted)


def ingest_events(raw_items: list, now: datetime | None = None, index_offset: int = 0) -> IngestResult:
    """Validate a batch and store it with its rollups, or raise BatchInvalid and store nothing."""
    # A batch allocates tens of thousands of small acyclic objects; cyclic GC passes over them only cost time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        items = validate_batch(raw_items, now, index_offset)
        return store_items(items)
    finally:
        if was_enabled:
            gc.enable()
