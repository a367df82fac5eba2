"""Demo success plans: 2-4 metrics per account, on or off track as the account's story says, with comments."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import insert, select

from analytics.plan.progress import MEASURES, expected_value, is_on_track
from models.db import Session
from models.plans import PlanComment, PlanMetric, PlanReading
from models.usage import UsageAccountDay

# Reported metrics customers track: name, unit, direction, baseline range, relative change of the target, decimals.
REPORTED = (
    ("Lead conversion rate", "%", "higher", (8.0, 15.0), (0.4, 0.8), 1),
    ("Average ticket resolution time", "hours", "lower", (20.0, 48.0), (0.3, 0.5), 1),
    ("Time to onboard a new hire", "days", "lower", (10.0, 30.0), (0.3, 0.5), 0),
    ("Invoices processed without manual work", "%", "higher", (20.0, 50.0), (0.3, 0.6), 1),
    ("Management reports delivered per month", "reports", "higher", (4.0, 12.0), (0.5, 1.0), 0),
    ("Customer churn rate", "%", "lower", (3.0, 8.0), (0.25, 0.4), 2),
)
# Chance that a metric is on track, by the account's story.
ON_TRACK_CHANCE = {"healthy": 0.8, "recovering": 0.5, "declining": 0.2, "new": 0.75}
COMMENTS_CUSTOMER = (
    "We changed our process last month; the next readings should show it.",
    "Can we review this target at the next business review?",
    "The team is using the new reports every Monday now.",
    "This one slipped during the holidays, we are catching up.",
)
COMMENTS_CSM = (
    "Great progress, well ahead of the line. Shall we raise the target?",
    "I shared two knowledge articles that helped other customers with this.",
    "Let's book a working session to get this back on track.",
    "Thanks for the update; I have noted it for our quarterly review.",
)


def _weekly_sums(days: dict[date, tuple[int, int]], end: date, measure: str) -> float:
    """The measure over the 7 days ending on `end`, as plan_queries.usage_values computes it."""
    column = 0 if measure == "logins_per_week" else 1
    return float(sum(days.get(end - timedelta(days=k), (0, 0))[column] for k in range(7)))


def _usage_by_account(ctx) -> dict[int, dict[date, tuple[int, int]]]:
    """Daily logins and reports run of every demo account, from the rollups (one query)."""
    by_account: dict[int, dict[date, tuple[int, int]]] = defaultdict(dict)
    rows = Session.execute(
        select(UsageAccountDay.account_id, UsageAccountDay.day, UsageAccountDay.logins, UsageAccountDay.reports_run)
        .where(UsageAccountDay.account_id.in_([a.id for a in ctx.accounts]),
               UsageAccountDay.day >= ctx.start - timedelta(days=7))
    )
    for row in rows:
        by_account[row.account_id][row.day] = (row.logins or 0, row.reports_run or 0)
    return by_account


def _reported_trajectory(rng, story: str, on_track: bool, baseline: float, target: float,
                         start: date, end: date, today: date, decimals: int, direction: str) -> list[tuple[date, float]]:
    """Readings every two weeks whose last one lands on the wanted side of the straight line."""
    last_day = today - timedelta(days=rng.randint(0, 6))
    days = []
    day = start + timedelta(days=14)
    while day < last_day:
        days.append(day)
        day += timedelta(days=14)
    days.append(last_day)
    final = rng.uniform(1.1, 1.35) if on_track else rng.uniform(0.3, 0.8)
    # How far ahead (>1) or behind (<1) of the line the account runs at first, by story.
    first = {"healthy": 1.1, "recovering": 0.5, "declining": 1.25, "new": 1.0}[story]
    readings = []
    for index, day in enumerate(days):
        share = (index + 1) / len(days)
        pace = first + (final - first) * share
        expected = expected_value(baseline, start, target, end, day)
        noise = 0 if day == last_day else rng.uniform(-0.05, 0.05) * abs(target - baseline)
        value = round(baseline + (expected - baseline) * pace + noise, decimals)
        if day == last_day and is_on_track(direction, value, expected) != on_track:
            # Rounding put a value very near the line on the wrong side: move it one step.
            step = 10 ** -decimals * (1 if (direction == "higher") == on_track else -1)
            value = round(value + step, decimals)
        readings.append((day, max(value, 0.0)))
    return readings


def seed_plans(ctx) -> None:
    """Give every demo account a success plan with 2-4 metrics, readings and a few comments."""
    rng = ctx.rng
    usage = _usage_by_account(ctx)
    planned = []  # (metric, readings, comments) per metric
    for account in ctx.accounts:
        story = ctx.stories[account.id]
        people = ctx.customers[account.id]
        csm_id = account.csm_id
        earliest = max(ctx.start, account.customer_since)
        if story == "new":
            baseline_date = earliest
        else:
            baseline_date = max(earliest, ctx.today - timedelta(days=rng.randint(90, 200)))
        if baseline_date >= ctx.today:
            baseline_date = ctx.today - timedelta(days=1)
        chance = ON_TRACK_CHANCE.get(story, 0.5)
        templates = rng.sample(REPORTED, rng.randint(2, 3))
        account_metrics = []
        for index, (name, unit, direction, (low, high), (less, more), decimals) in enumerate(templates):
            on_track = rng.random() < chance if index else chance >= 0.5
            baseline = round(rng.uniform(low, high), decimals)
            change = rng.uniform(less, more) * baseline
            target = round(baseline + change if direction == "higher" else baseline - change, decimals)
            if target == baseline:
                target = baseline + (1 if direction == "higher" else -1) * 10 ** -decimals
            target_date = ctx.today + timedelta(days=rng.randint(45, 200))
            metric = PlanMetric(
                account_id=account.id, name=name, unit=unit, source="reported", direction=direction,
                baseline_value=baseline, baseline_date=baseline_date, target_value=target, target_date=target_date,
                created_by_id=people[0].id,
            )
            readings = [(baseline_date, baseline, people[0].id, "Baseline")] + [
                (day, value, rng.choice([people[0].id, csm_id]), "")
                for day, value in _reported_trajectory(rng, story, on_track, baseline, target, baseline_date,
                                                       target_date, ctx.today, decimals, direction)
                if day > baseline_date
            ]
            account_metrics.append((metric, readings))
        days = usage.get(account.id)
        if days and len(account_metrics) < 4:
            measure = rng.choice(("logins_per_week", "reports_run_per_week"))
            baseline = _weekly_sums(days, baseline_date, measure)
            growth = {"healthy": 0.25, "recovering": 0.3, "declining": 0.4, "new": 0.6}.get(story, 0.3)
            target = float(max(round(baseline * (1 + growth)), baseline + 5))
            metric = PlanMetric(
                account_id=account.id, name=MEASURES[measure][0], unit=MEASURES[measure][1], source="usage",
                usage_measure=measure, direction="higher", baseline_value=baseline, baseline_date=baseline_date,
                target_value=target, target_date=ctx.today + timedelta(days=rng.randint(60, 180)),
                created_by_id=csm_id,
            )
            readings = [(baseline_date, baseline, None, "Baseline")]
            day = baseline_date + timedelta(days=7)
            while day < ctx.today:
                readings.append((day, _weekly_sums(days, day, measure), None, ""))
                day += timedelta(days=7)
            account_metrics.append((metric, readings))
        for metric, readings in account_metrics:
            planned.append((account, metric, readings))
    Session.add_all([metric for _account, metric, _readings in planned])
    Session.flush()
    reading_rows = []
    comment_rows = []
    for account, metric, readings in planned:
        for day, value, user_id, note in readings:
            reading_rows.append({
                "account_id": account.id, "metric_id": metric.id, "day": day, "value": value,
                "entered_by_id": user_id, "note": note,
                "created_at": datetime.combine(day, time(9, 30), tzinfo=timezone.utc),
            })
    by_account = defaultdict(list)
    for account, metric, _readings in planned:
        by_account[account.id].append((account, metric))
    for account_id, metrics in by_account.items():
        for _ in range(rng.randint(1, 3)):
            account, metric = rng.choice(metrics)
            by_csm = rng.random() < 0.5 and account.csm_id is not None
            author = account.csm_id if by_csm else rng.choice(ctx.customers[account_id][:3]).id
            body = rng.choice(COMMENTS_CSM if by_csm else COMMENTS_CUSTOMER)
            when = datetime.combine(ctx.today - timedelta(days=rng.randint(0, 30)), time(rng.randint(8, 17), rng.randint(0, 59)),
                                    tzinfo=timezone.utc)
            comment_rows.append({"account_id": account_id, "metric_id": metric.id, "author_id": author,
                                 "body": body, "created_at": when})
    if reading_rows:
        Session.execute(insert(PlanReading), reading_rows)
    if comment_rows:
        Session.execute(insert(PlanComment), comment_rows)
