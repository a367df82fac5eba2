"""Placing Segment messages: account from context.groupId or the user's latest group, parking, identify.

Usage messages go through the same ingestion as POST /api/v1/events (analytics.ingest), so every
figure is computed one way. `receive()` flushes, never commits: the caller commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from analytics.usage.ingest import BatchInvalid, _among, _synthetic_email, store_items, validate_batch
from analytics.segment import debugger
from analytics.segment.messages import Message, usage_of
from models.accounts import Account, User
from models.db import Session, is_postgres, utcnow
from models.segment import SegmentGroup, SegmentParked
from models.usage import UsageEvent


@dataclass
class Outcome:
    """What became of one message, for the debugger."""

    message: Message
    outcome: str
    account: str | None = None
    mapped_as: str = ""
    reason: str = ""


@dataclass
class ReceiveResult:
    """Counts of one request: usage events stored, messages parked, skipped (with reasons in the debugger)."""

    stored: int = 0
    parked: int = 0
    skipped: int = 0
    outcomes: list[Outcome] = field(default_factory=list)


def _accounts_by_ext(exts: set[str]) -> dict[str, Account]:
    if not exts:
        return {}
    return {a.external_id: a for a in Session.scalars(select(Account).where(Account.external_id.in_(exts)))}


def _apply_groups(groups: list[Message], result: ReceiveResult) -> set[str]:
    """Record each group call (the latest timestamp wins); return the user keys that joined an account."""
    accounts = _accounts_by_ext({m.group_id for m in groups})
    joined: set[str] = set()
    for message in groups:
        account = accounts.get(message.group_id)
        if account is None:
            result.outcomes.append(Outcome(message, "skipped", reason=f"No account has the external id "
                                           f"{message.group_id!r}; create it first, then send the group call again."))
            continue
        row = Session.get(SegmentGroup, (account.id, message.user_key))
        if row is None:
            Session.add(SegmentGroup(account_id=account.id, user_key=message.user_key, ts=message.ts))
        elif _aware(row.ts) < message.ts:
            row.ts = message.ts
        joined.add(message.user_key)
        result.outcomes.append(Outcome(message, "updated", account=account.external_id,
                                       mapped_as=f"user {message.user_key} in account {account.external_id}"))
    Session.flush()
    return joined


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _latest_groups(user_keys: set[str]) -> dict[str, str]:
    """user key -> external id of the account of that user's latest group call."""
    if not user_keys:
        return {}
    rows = Session.execute(
        select(SegmentGroup.user_key, Account.external_id, SegmentGroup.ts)
        .join(Account, Account.id == SegmentGroup.account_id)
        .where(SegmentGroup.user_key.in_(user_keys))
        .order_by(SegmentGroup.ts, SegmentGroup.account_id)
    )
    return {row.user_key: row.external_id for row in rows}  # later rows (newer groups) overwrite older ones


def _park(messages: list[Message], result: ReceiveResult) -> None:
    """Keep messages that cannot be placed yet (a resent one is kept once)."""
    if not messages:
        return
    insert = postgres_insert if is_postgres(Session) else sqlite_insert
    rows = {m.message_id: {"message_id": m.message_id, "user_key": m.user_key, "payload_json": m.as_json()}
            for m in messages}
    Session.execute(insert(SegmentParked.__table__).on_conflict_do_nothing(index_elements=["message_id"]),
                    list(rows.values()))
    for message in messages:
        result.parked += 1
        result.outcomes.append(Outcome(message, "parked", reason=(
            f"Waiting for a group call of user {message.user_key!r} (or a context.groupId) to tell its account.")))


def _identify(message: Message, account: Account) -> Outcome:
    """Create or update the person: name and e-mail from the traits."""
    user = Session.scalar(select(User).where(User.account_id == account.id, User.external_id == message.user_key,
                                             User.role == "customer").order_by(User.id))
    # A userId that is an e-mail is how the event API knows the person too (analytics.ingest).
    email = (message.traits.get("email") or (message.user_key if "@" in message.user_key else "")).lower()[:254]
    name = (message.traits.get("name") or "")[:200]
    owner = Session.scalar(select(User).where(User.email == email)) if email else None
    reason = ""
    if owner is not None and owner is not user:
        if user is None and owner.account_id == account.id and owner.role == "customer" and not owner.external_id:
            owner.external_id = message.user_key  # a person already in the portal, now known by the vendor's id
            user = owner
        else:
            reason = f"The e-mail {email} already belongs to another person; it was not changed."
        email = ""
    if user is None:
        user = User(email=email or _synthetic_email(account.id, message.user_key), name=name or message.user_key,
                    role="customer", account_id=account.id, external_id=message.user_key, password_hash=None)
        Session.add(user)
    else:
        if name:
            user.name = name
        if email:
            user.email = email
    Session.flush()
    return Outcome(message, "updated", account=account.external_id, reason=reason,
                   mapped_as=f"person {user.email}" + (f" ({user.name})" if user.name else ""))


def _place(messages: list[Message], parked_ids: set[str], result: ReceiveResult) -> None:
    """Place messages in their accounts; park those whose account is not known yet; store their usage."""
    latest = _latest_groups({m.user_key for m in messages if not m.group_id})
    wanted = {m.group_id or latest.get(m.user_key) for m in messages} - {None}
    accounts = _accounts_by_ext(wanted)
    mappings = debugger.mappings()
    waiting: list[Message] = []
    usage: list[tuple[Message, dict, str]] = []
    for message in messages:
        if message.call == "alias":  # the portal keys people by userId; an alias changes nothing here
            result.outcomes.append(Outcome(message, "skipped",
                                           reason="An alias call carries no usage; nothing to store."))
            continue
        ext = message.group_id or latest.get(message.user_key)
        if ext is None:
            if message.message_id not in parked_ids:
                waiting.append(message)
            continue
        account = accounts.get(ext)
        if account is None:
            result.skipped += 1
            result.outcomes.append(Outcome(message, "skipped", reason=f"No account has the external id {ext!r}."))
            continue
        if message.call == "identify":
            result.outcomes.append(_identify(message, account))
            continue
        event_type, feature = usage_of(message, mappings)
        item = {"id": message.message_id, "account": ext, "user": message.user_key, "type": event_type,
                "ts": message.ts.isoformat()}
        if feature:
            item["feature"] = feature
        usage.append((message, item, f"{event_type}: {feature}" if feature else event_type))
    _park(waiting, result)
    _store_usage(usage, parked_ids, result)
    placed = [m.message_id for m in messages if m.message_id in parked_ids]
    if placed:
        Session.execute(delete(SegmentParked).where(SegmentParked.message_id.in_(placed)))


def _store_usage(usage: list[tuple[Message, dict, str]], parked_ids: set[str], result: ReceiveResult) -> None:
    """Store through the event API's ingestion; a message it refuses is skipped with its reason."""
    while usage:
        try:
            items = validate_batch([item for _, item, _ in usage])
        except BatchInvalid as exc:
            refused: dict[int, str] = {}
            for error in exc.errors:
                refused.setdefault(error["index"], error["message"])
            for index, reason in refused.items():
                result.skipped += 1
                message, item, _ = usage[index]
                result.outcomes.append(Outcome(message, "skipped", account=item["account"], reason=reason))
            usage = [entry for index, entry in enumerate(usage) if index not in refused]
            continue
        started = utcnow()
        stored = store_items(items)
        result.stored += stored.accepted
        # Which ones were resends matters only to the debugger; look only when the batch was a mix.
        if stored.accepted == 0:
            known = {item.client_id for item in items}
        elif stored.duplicates:
            known = _stored_before(items, started)
        else:
            known = set()
        for message, item, mapped_as in usage:
            if message.message_id in known:
                outcome = "duplicate"
            else:
                outcome = "placed" if message.message_id in parked_ids else "stored"
            result.outcomes.append(Outcome(message, outcome, account=item["account"], mapped_as=mapped_as))
        return


def _stored_before(items, started: datetime) -> set[str]:
    """Message ids among items that were stored before this request began (resends)."""
    found: set[str] = set()
    by_account: dict[int, list[str]] = {}
    for item in items:
        by_account.setdefault(item.account_id, []).append(item.client_id)
    for account_id, client_ids in by_account.items():
        found.update(Session.scalars(select(UsageEvent.client_id).where(
            UsageEvent.account_id == account_id, _among(UsageEvent.client_id, client_ids),
            UsageEvent.received_at < started)))
    return found


def receive(messages: list[Message]) -> ReceiveResult:
    """Apply group calls, then place every other message (and parked ones of users who just joined a group)."""
    result = ReceiveResult()
    joined = _apply_groups([m for m in messages if m.call == "group"], result)
    others = [m for m in messages if m.call != "group"]
    parked_ids: set[str] = set()
    if joined:
        rows = Session.scalars(select(SegmentParked).where(SegmentParked.user_key.in_(joined))).all()
        fresh_ids = {m.message_id for m in others}
        parked = [Message.from_json(row.payload_json) for row in rows if row.message_id not in fresh_ids]
        parked_ids = {row.message_id for row in rows}
        others = parked + others
    _place(others, parked_ids, result)
    debugger.record(result.outcomes)
    return result
