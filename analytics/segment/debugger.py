"""The admin's view of the Segment source: event-name mappings and the live debugger's last 100 messages."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from analytics.segment.messages import MAX_KEY, snake_case
from models.db import Session
from models.segment import SegmentLog, SegmentMapping, SegmentParked
from models.usage import KeyFeature

if TYPE_CHECKING:  # only for the annotation; source imports this module
    from analytics.segment.source import Outcome

KEPT = 100  # messages the debugger shows


class MappingRefused(ValueError):
    """A mapping that cannot be saved; the message is a sentence for the admin."""


def mappings() -> dict[str, str]:
    """Every admin-defined mapping: event name -> feature key."""
    return dict(Session.execute(select(SegmentMapping.event_name, SegmentMapping.feature)).all())


def mapping_rows() -> list[SegmentMapping]:
    """Mappings in event-name order, for the admin page."""
    return list(Session.scalars(select(SegmentMapping).order_by(SegmentMapping.event_name)))


def key_features() -> list[KeyFeature]:
    """The key features an event may be mapped to."""
    return list(Session.scalars(select(KeyFeature).order_by(KeyFeature.name)))


def set_mapping(event_name: str, feature: str) -> SegmentMapping:
    """Map a track event name to a feature key (replacing an earlier mapping of that name); flushes."""
    event_name = (event_name or "").strip()
    feature = (feature or "").strip()
    if not event_name or len(event_name) > MAX_KEY:
        raise MappingRefused("Give the event name exactly as your tracking sends it (1 to 200 characters).")
    if event_name in ("Signed In", "Logged In", "Report Run"):
        raise MappingRefused(f"'{event_name}' always counts as a sign-in or a report run; it cannot be mapped.")
    if not feature or len(feature) > MAX_KEY:
        raise MappingRefused("Choose the feature the event counts as.")
    row = Session.get(SegmentMapping, event_name)
    if row is None:
        row = SegmentMapping(event_name=event_name, feature=feature)
        Session.add(row)
    else:
        row.feature = feature
    Session.flush()
    return row


def remove_mapping(event_name: str) -> bool:
    """Forget a mapping (the event counts as its snake-case name again); False when there was none."""
    row = Session.get(SegmentMapping, event_name)
    if row is None:
        return False
    Session.delete(row)
    Session.flush()
    return True


def default_feature(event_name: str) -> str:
    """The feature an unmapped event counts as."""
    return snake_case(event_name)


def record(outcomes: list["Outcome"]) -> None:
    """Keep the newest outcomes for the debugger (at most KEPT rows in all)."""
    if not outcomes:
        return
    rows = [{"message_id": o.message.message_id, "call": o.message.call, "event": o.message.event[:MAX_KEY],
             "user_key": o.message.user_key, "account_external_id": o.account, "outcome": o.outcome,
             "mapped_as": o.mapped_as[:300], "reason": o.reason, "ts": o.message.ts}
            for o in outcomes[-KEPT:]]
    Session.execute(SegmentLog.__table__.insert(), rows)
    cutoff = Session.scalar(select(SegmentLog.id).order_by(SegmentLog.id.desc()).offset(KEPT - 1).limit(1))
    if cutoff is not None:
        Session.execute(delete(SegmentLog).where(SegmentLog.id < cutoff))


def recent() -> list[SegmentLog]:
    """The last 100 messages, newest first."""
    return list(Session.scalars(select(SegmentLog).order_by(SegmentLog.id.desc()).limit(KEPT)))


def parked_count() -> int:
    """Messages waiting for their user's group call."""
    return Session.scalar(select(func.count()).select_from(SegmentParked)) or 0
