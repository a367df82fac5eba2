"""Writes on review share links: validate, flush, never commit."""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from core.webhooks.outbox import emit
from models.accounts import Account, User
from models.db import Session, utcnow
from models.health import ShareLink, ShareVisit
from core.period import FIRST_PERIOD_DAY, Period
from portal.services import ServiceError
from portal.share.snapshot import take_snapshot

MAX_EXPIRY_DAYS = 90
DEFAULT_EXPIRY_DAYS = 14


def hash_link_token(token: str) -> str:
    """Hex SHA-256 of a link token (256 bits of randomness make a fast hash enough)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_link(account: Account, user: User, start: date, end: date, note: str = "",
                expires_in_days: int = DEFAULT_EXPIRY_DAYS) -> tuple[str, ShareLink]:
    """A new link with a frozen snapshot; returns the token (shown once) and the row."""
    today = utcnow().date()
    if start > end:
        raise ServiceError("The first day of the period must not be after its last day.")
    if end > today:
        raise ServiceError(f"The period cannot end in the future; pick a last day up to today ({today.isoformat()}).")
    if start < FIRST_PERIOD_DAY:
        raise ServiceError(f"The first day of the period must be on or after {FIRST_PERIOD_DAY.isoformat()}.")
    if (end - start).days + 1 > 366:
        raise ServiceError("A review period may be at most 366 days long.")
    if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ServiceError(f"A link may stay valid for 1 to {MAX_EXPIRY_DAYS} days.")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    link = ShareLink(token_hash=hash_link_token(token), account_id=account.id, period_start=start, period_end=end,
                     note=(note or "").strip()[:2000], created_by_id=user.id, created_at=now,
                     expires_at=now + timedelta(days=expires_in_days),
                     snapshot_json=json.dumps(take_snapshot(account, Period(start, end))))
    Session.add(link)
    Session.flush()
    return token, link


def revoke_link(link: ShareLink) -> None:
    """End a link now."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
    Session.flush()


def link_state(link: ShareLink | None, now: datetime | None = None) -> str:
    """'valid', 'revoked', 'expired' or 'unknown'."""
    if link is None:
        return "unknown"
    if link.revoked_at is not None:
        return "revoked"
    expires = link.expires_at if link.expires_at.tzinfo else link.expires_at.replace(tzinfo=utcnow().tzinfo)
    return "expired" if expires <= (now or utcnow()) else "valid"


def link_for_token(token: str) -> ShareLink | None:
    """The link with this token, whatever its state."""
    return Session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_link_token(token)))


def log_visit(link: ShareLink, ip: str, user_agent: str) -> None:
    """Record a visit with a keyed hash of the address (the address itself is not kept)."""
    key = str(current_app.config.get("SECRET_KEY", "")).encode("utf-8")
    ip_hash = hashlib.sha256(key + (ip or "").encode("utf-8")).hexdigest()
    Session.add(ShareVisit(link_id=link.id, account_id=link.account_id, ip_hash=ip_hash, user_agent=(user_agent or "")[:300]))
    emit("share.viewed", link.account_id, Session.get(Account, link.account_id).external_id, link_id=link.id,
         period_start=link.period_start.isoformat(), period_end=link.period_end.isoformat(),
         viewed_at=utcnow().isoformat())
    Session.flush()


def previous_link(link: ShareLink) -> ShareLink | None:
    """The account's link created just before this one."""
    return Session.scalars(
        select(ShareLink).where(ShareLink.account_id == link.account_id, ShareLink.created_at < link.created_at)
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc()).limit(1)).first()
