"""Success-plan writes: validate, flush, never commit (the request or command commits once)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, insert, select

from analytics.plan.progress import MEASURES, format_day, format_value
from analytics.plan.queries import today, usage_values
from models.accounts import Account, User
from models.db import Session, utcnow
from models.plans import DIRECTIONS, SOURCES, PlanComment, PlanMetric, PlanReading

MAX_ABS_VALUE = 1e12


class PlanInputError(ValueError):
    """Input that cannot be accepted; `field` names the form field, the message is a sentence."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _check_value(field: str, value: float, what: str) -> None:
    if value != value or abs(value) >= MAX_ABS_VALUE:  # NaN or absurdly large
        raise PlanInputError(field, f"{what} must be a number between -999,999,999,999 and 999,999,999,999.")


def _touch(account: Account) -> None:
    # The account's figures changed: caches keyed on data_changed_at must refresh.
    account.data_changed_at = utcnow()


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise PlanInputError("name", "Give the metric a name of 1 to 200 characters.")
    return name


def _check_unit(unit: str) -> str:
    unit = (unit or "").strip()
    if len(unit) > 40:
        raise PlanInputError("unit", "Keep the unit to 40 characters or fewer, e.g. %, days or leads.")
    return unit


def _check_target(direction: str, baseline: float, unit: str, target: float, target_date: date, on: date) -> None:
    """The target must move away from the baseline in the better direction, by a date after today."""
    _check_value("target", target, "The target")
    if target == baseline:
        raise PlanInputError(
            "target", f"The target equals the baseline ({format_value(baseline, unit)}); set a value to move to."
        )
    if direction == "higher" and target < baseline:
        raise PlanInputError(
            "target", f"Higher is better, so the target must be above the baseline ({format_value(baseline, unit)})."
        )
    if direction == "lower" and target > baseline:
        raise PlanInputError(
            "target", f"Lower is better, so the target must be below the baseline ({format_value(baseline, unit)})."
        )
    if target_date <= on:
        raise PlanInputError("target_date", f"The target date must be after today ({format_day(on)}).")


def create_metric(
    account: Account, author: User | None, *, name: str, source: str, direction: str, target: float,
    target_date: date, usage_measure: str | None = None, unit: str = "", baseline: float | None = None,
    on: date | None = None,
) -> PlanMetric:
    """Add a metric whose baseline is taken on day one (`on`, default today): read from usage or as entered."""
    on = on or today()
    name = _check_name(name)
    if source not in SOURCES:
        raise PlanInputError("source", "Choose whether the metric is measured from usage or reported.")
    if direction not in DIRECTIONS:
        raise PlanInputError("direction", "Choose whether higher or lower values are better.")
    if source == "usage":
        if usage_measure not in MEASURES:
            raise PlanInputError("usage_measure", "Choose the usage measure this metric reads.")
        unit = MEASURES[usage_measure][1]
        baseline = usage_values([account.id], on)[(account.id, usage_measure)]
    else:
        usage_measure = None
        unit = _check_unit(unit)
        if baseline is None:
            raise PlanInputError("baseline", "Enter the value the metric has today (the baseline).")
        _check_value("baseline", baseline, "The baseline")
    _check_target(direction, baseline, unit, target, target_date, on)
    metric = PlanMetric(
        account_id=account.id, name=name, unit=unit, source=source, usage_measure=usage_measure,
        direction=direction, baseline_value=baseline, baseline_date=on, target_value=target,
        target_date=target_date, created_by_id=author.id if author else None,
    )
    Session.add(metric)
    Session.flush()
    Session.add(PlanReading(
        account_id=account.id, metric_id=metric.id, day=on, value=baseline,
        entered_by_id=author.id if author and source == "reported" else None, note="Baseline",
    ))
    _touch(account)
    Session.flush()
    return metric


def update_metric(
    metric: PlanMetric, account: Account, *, name: str, target: float, target_date: date, unit: str | None = None,
    on: date | None = None,
) -> PlanMetric:
    """Rename a metric or move its target; the baseline, source and direction of day one stay as they were."""
    on = on or today()
    name = _check_name(name)
    unit = metric.unit if metric.source == "usage" or unit is None else _check_unit(unit)
    _check_target(metric.direction, metric.baseline_value, unit, target, target_date, on)
    metric.name, metric.unit, metric.target_value, metric.target_date = name, unit, target, target_date
    _touch(account)
    Session.flush()
    return metric


def delete_metric(metric: PlanMetric, account: Account) -> None:
    """Remove a metric with its readings and comments."""
    Session.execute(delete(PlanComment).where(PlanComment.account_id == metric.account_id,
                                              PlanComment.metric_id == metric.id))
    Session.execute(delete(PlanReading).where(PlanReading.account_id == metric.account_id,
                                              PlanReading.metric_id == metric.id))
    Session.delete(metric)
    _touch(account)
    Session.flush()


def add_reading(
    metric: PlanMetric, account: Account, author: User, *, value: float, day: date, note: str = "",
    on: date | None = None,
) -> PlanReading:
    """Record the value of a reported metric on a day; a second reading for the same day replaces the first."""
    on = on or today()
    if metric.source != "reported":
        raise PlanInputError("value", "This metric is measured from usage automatically; it takes no readings.")
    _check_value("value", value, "The value")
    if day > on:
        raise PlanInputError("day", f"The date cannot be in the future; today is {format_day(on)}.")
    if day <= metric.baseline_date:
        raise PlanInputError(
            "day", f"The baseline holds for {format_day(metric.baseline_date)}; enter readings for later days."
        )
    note = (note or "").strip()
    if len(note) > 500:
        raise PlanInputError("note", "Keep the note to 500 characters or fewer.")
    reading = Session.scalar(select(PlanReading).where(PlanReading.account_id == metric.account_id,
                                                       PlanReading.metric_id == metric.id, PlanReading.day == day))
    if reading is None:
        reading = PlanReading(account_id=metric.account_id, metric_id=metric.id, day=day)
        Session.add(reading)
    reading.value = value
    reading.note = note
    reading.entered_by_id = author.id
    reading.created_at = utcnow()
    _touch(account)
    Session.flush()
    return reading


def add_comment(metric: PlanMetric, author: User, body: str) -> PlanComment:
    """Add a comment on a metric."""
    body = (body or "").strip()
    if not body:
        raise PlanInputError("body", "Write a comment before sending it.")
    if len(body) > 2000:
        raise PlanInputError("body", "Keep the comment to 2,000 characters or fewer.")
    comment = PlanComment(account_id=metric.account_id, metric_id=metric.id, author_id=author.id, body=body)
    Session.add(comment)
    Session.flush()
    return comment


def record_usage_readings(as_of: date | None = None) -> int:
    """Store each usage metric's measured value on as_of as a reading (for history charts); returns how many."""
    as_of = as_of or today()
    metrics = list(Session.scalars(
        select(PlanMetric).where(PlanMetric.source == "usage", PlanMetric.baseline_date < as_of)
    ))
    if not metrics:
        return 0
    existing = set(Session.scalars(
        select(PlanReading.metric_id).where(PlanReading.account_id.in_(sorted({m.account_id for m in metrics})),
                                            PlanReading.metric_id.in_([m.id for m in metrics]), PlanReading.day == as_of)
    ))
    values = usage_values([m.account_id for m in metrics], as_of)
    rows = [
        {"account_id": m.account_id, "metric_id": m.id, "day": as_of,
         "value": values[(m.account_id, m.usage_measure)], "note": "", "created_at": utcnow()}
        for m in metrics if m.id not in existing
    ]
    if rows:
        Session.execute(insert(PlanReading), rows)
    return len(rows)
