"""Success-plan maths: progress from baseline to target, the straight target line, on-track.

Pure functions of plain values; nothing here knows Flask or the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Usage measures a metric may be read from: label, unit and the window of days it sums over.
MEASURES: dict[str, tuple[str, str, int]] = {
    "weekly_active_users": ("Weekly active users", "users", 7),
    "reports_run_per_week": ("Reports run per week", "reports per week", 7),
    "logins_per_week": ("Logins per week", "logins per week", 7),
    "seat_utilisation_pct": ("Seat utilisation (active users in 28 days over licensed seats)", "%", 28),
}

# Two values closer than this count as equal (floating point from the database).
TOLERANCE = 1e-9


def progress_pct(baseline: float, target: float, current: float) -> float:
    """How far the current value has come from baseline to target, in % (not capped; may be < 0 or > 100)."""
    if target == baseline:
        raise ValueError("the target must differ from the baseline")
    return (current - baseline) / (target - baseline) * 100.0


def capped(progress: float) -> float:
    """Progress limited to 0..100 (for bars and averages)."""
    return max(0.0, min(100.0, progress))


def expected_value(baseline: float, baseline_date: date, target: float, target_date: date, day: date) -> float:
    """The value on the straight line from (baseline date, baseline) to (target date, target) on a day.

    Before the baseline date the line is the baseline; after the target date it stays at the target.
    """
    if target_date <= baseline_date:
        raise ValueError("the target date must be after the baseline date")
    if day <= baseline_date:
        return baseline
    if day >= target_date:
        return target
    share = (day - baseline_date).days / (target_date - baseline_date).days
    return baseline + (target - baseline) * share


def is_on_track(direction: str, current: float, expected: float) -> bool:
    """At least the line's value (at most, when lower is better); a value exactly on the line is on track."""
    slack = TOLERANCE * max(1.0, abs(expected))
    if direction == "lower":
        return current <= expected + slack
    return current >= expected - slack


def format_value(value: float, unit: str = "") -> str:
    """A value for people: thousands separated, at most two decimals, with its unit."""
    if abs(value - round(value)) < 0.005:
        text = f"{round(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if not unit:
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def format_day(day: date) -> str:
    """A date for people, e.g. 5 March 2027."""
    return f"{day.day} {day.strftime('%B %Y')}"


@dataclass(frozen=True)
class Assessment:
    """Where a metric stands on a day, with the sentence that explains it."""

    current: float
    expected: float
    progress: float  # % from baseline to target, not capped
    on_track: bool
    explanation: str

    @property
    def progress_capped(self) -> float:
        """Progress limited to 0..100."""
        return capped(self.progress)


def assess(
    *, baseline: float, baseline_date: date, target: float, target_date: date,
    direction: str, current: float, day: date, unit: str = "",
) -> Assessment:
    """Progress and on-track of a metric's current value on a day, explained in one sentence."""
    expected = expected_value(baseline, baseline_date, target, target_date, day)
    progress = progress_pct(baseline, target, current)
    on_track = is_on_track(direction, current, expected)
    better = "at or below" if direction == "lower" else "at or above"
    worse = "above" if direction == "lower" else "below"
    line = (
        f"the {format_value(expected, unit)} expected on {format_day(day)} on the straight line from "
        f"{format_value(baseline, unit)} on {format_day(baseline_date)} to {format_value(target, unit)} "
        f"by {format_day(target_date)}"
    )
    if on_track:
        explanation = f"On track: {format_value(current, unit)} is {better} {line}."
    else:
        explanation = f"Off track: {format_value(current, unit)} is {worse} {line}."
    return Assessment(current=current, expected=expected, progress=progress, on_track=on_track, explanation=explanation)


def mean_capped_progress(progresses: list[float]) -> float | None:
    """The mean of progress values capped to 0..100; None when there are none."""
    if not progresses:
        return None
    return sum(capped(p) for p in progresses) / len(progresses)


def usage_value(measure: str, *, window_total: float, distinct_users: int, seats: int) -> float:
    """A usage measure's value from its window's aggregates (sum of a counter, distinct users, seats)."""
    if measure == "weekly_active_users":
        return float(distinct_users)
    if measure == "seat_utilisation_pct":
        return 100.0 * distinct_users / seats if seats else 0.0
    return float(window_total)
