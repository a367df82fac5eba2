"""Demo health history: a year of scores computed from the demo's own rollups, then today's warnings."""
from __future__ import annotations

from datetime import timedelta

from analytics.health.recompute import recompute


def history_days(today, days: int) -> list:
    """The days that get a stored score: weekly over the history, and yesterday (oldest first, today excluded)."""
    start = today - timedelta(days=days - 1)
    wanted = {today - timedelta(days=1)} if days > 1 else set()
    day = today - timedelta(days=7)
    while day >= start:
        wanted.add(day)
        day -= timedelta(days=7)
    return sorted(wanted)


def seed_health(ctx) -> None:
    """Store the health history the stories produce (declines and recoveries), then score today with warnings."""
    for day in history_days(ctx.today, ctx.days):
        recompute(day, warnings=False)
    recompute(ctx.today, warnings=True)
