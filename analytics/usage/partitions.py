"""Monthly partitions of the raw events on PostgreSQL, and the pruned horizon they leave behind.

`usage_event` is partitioned by the month of `ts`. A batch makes the partitions it needs before it
inserts (once per month; an advisory lock keeps two batches from making the same one). Pruning drops
whole partitions and records the first day still held (`events.pruned_before`); from then on an event
dated before that day is refused, so a resent old event can never be counted twice.

Ingestion takes PRUNE_LOCK shared and a prune takes it exclusively: a prune waits for the batches in
flight, and a batch that starts during a prune sees the new horizon.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Iterable, Optional

from sqlalchemy import func, select, text

from core.settings import get_setting
from models.db import Session, is_postgres

PRUNED_BEFORE = "events.pruned_before"  # setting: ISO day; raw events before it were dropped
PRUNE_LOCK = 7_240_311  # advisory lock: shared by ingestion, exclusive for a prune
PARTITION_LOCK = 7_240_312  # advisory lock: making a partition
_known: set[str] = set()  # partitions this process has seen exist (per database name)


def month_start(day: date) -> date:
    """The first day of day's month."""
    return day.replace(day=1)


def next_month(month: date) -> date:
    """The first day of the month after month."""
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    """The table that holds one month of raw events."""
    return f"usage_event_{month.year:04d}{month.month:02d}"


def pruned_before() -> Optional[date]:
    """The first day whose raw events are still held, when a prune has run; None otherwise."""
    value = get_setting(PRUNED_BEFORE)
    return date.fromisoformat(value) if value else None


def hold_against_prune() -> None:
    """Ingestion: keep a prune from dropping months until this transaction ends (PostgreSQL)."""
    if is_postgres(Session):
        Session.execute(select(func.pg_advisory_xact_lock_shared(PRUNE_LOCK)))


def ensure_partitions(timestamps: Iterable[datetime]) -> None:
    """Make the monthly partitions these event times fall in, where missing (PostgreSQL only)."""
    if not is_postgres(Session):
        return
    database = Session.connection().engine.url.database
    utc, pairs = timezone.utc, set()
    for ts in timestamps:
        if ts.tzinfo is not utc:  # ingestion's are UTC already; a conversion per event costs a millisecond a batch
            ts = ts.astimezone(utc)
        pairs.add((ts.year, ts.month))
    months = {date(year, month, 1) for year, month in pairs}
    missing = [m for m in sorted(months) if (database, partition_name(m)) not in _known]
    if not missing:
        return
    existing = set(Session.scalars(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'usage_event'::regclass")))
    to_make = [m for m in missing if partition_name(m) not in existing]
    if to_make:
        Session.execute(select(func.pg_advisory_xact_lock(PARTITION_LOCK)))
        for month in to_make:
            Session.execute(text(
                f"CREATE TABLE IF NOT EXISTS {partition_name(month)} PARTITION OF usage_event "
                f"FOR VALUES FROM ('{month.isoformat()} 00:00:00+00') TO ('{next_month(month).isoformat()} 00:00:00+00')"))
    _known.update((database, partition_name(m)) for m in missing)


def forget_known_partitions() -> None:
    """Forget which partitions exist (after a prune dropped some, or a test emptied the database)."""
    _known.clear()


def partitions() -> list[tuple[str, date]]:
    """(table, month) of every partition of usage_event, oldest first (PostgreSQL)."""
    names = Session.scalars(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'usage_event'::regclass ORDER BY c.relname")).all()
    return [(name, date(int(name[-6:-2]), int(name[-2:]), 1)) for name in names if name[-6:].isdigit()]
