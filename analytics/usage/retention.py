"""Pruning raw events: whole months dropped, the rollups kept, every figure shown unchanged.

Dashboards, health and the API read rollups only, so dropping raw events changes no figure. What
is lost is the ability to rebuild those months' rollups from raw events, so a rebuild leaves them
alone, and an event dated before the horizon is refused from then on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, select, text

from analytics.usage.partitions import (PRUNE_LOCK, PRUNED_BEFORE, forget_known_partitions, month_start,
                                        partitions, pruned_before)
from core.settings import get_setting, set_setting
from core.validation import ServiceError
from models.db import Session, is_postgres
from models.usage import UsageEvent

RETENTION_DAYS = "events.retention_days"  # setting: raw events younger than this are never pruned
DEFAULT_RETENTION_DAYS = 365


@dataclass
class PruneReport:
    """What one prune did."""

    horizon: date  # raw events before this day are gone
    months_dropped: int  # whole months dropped
    events_dropped: int  # raw events dropped

    def summary(self) -> str:
        """One line for people."""
        return (f"Dropped {self.events_dropped} raw events in {self.months_dropped} whole month(s) before "
                f"{self.horizon.isoformat()}; the rollups and every figure shown are unchanged. Events dated "
                f"before {self.horizon.isoformat()} are refused from now on.")


def retention_days() -> int:
    """How many days of raw events a prune always keeps."""
    return int(get_setting(RETENTION_DAYS, DEFAULT_RETENTION_DAYS))


def prune_events(before: date, today: date) -> PruneReport:
    """Drop the raw events of every whole month before `before` (flushes; the caller commits).

    ServiceError when `before` is younger than the retention setting allows.
    """
    keep = retention_days()
    if before > today - timedelta(days=keep):
        raise ServiceError(f"Raw events of the last {keep} days are kept (the retention setting); choose a date "
                           f"on or before {(today - timedelta(days=keep)).isoformat()}.")
    horizon = month_start(before)
    if is_postgres(Session):
        # Waits for the batches in flight; a batch that starts now waits for this prune and sees the horizon.
        Session.execute(select(func.pg_advisory_xact_lock(PRUNE_LOCK)))
    current = pruned_before()
    if current is not None and horizon <= current:
        return PruneReport(current, 0, 0)
    if is_postgres(Session):
        doomed = [name for name, month in partitions() if month < horizon]
        dropped = 0
        for name in doomed:
            dropped += Session.scalar(text(f"SELECT count(*) FROM {name}"))
            Session.execute(text(f"DROP TABLE {name}"))
        forget_known_partitions()
        months = len(doomed)
    else:
        start = select(func.min(UsageEvent.ts)).where(UsageEvent.ts < horizon)
        oldest = Session.scalar(start)
        dropped = Session.execute(delete(UsageEvent).where(UsageEvent.ts < horizon)).rowcount or 0
        months = 0 if oldest is None else (horizon.year - oldest.year) * 12 + horizon.month - oldest.month
    set_setting(PRUNED_BEFORE, horizon.isoformat())
    return PruneReport(horizon, months, dropped)
