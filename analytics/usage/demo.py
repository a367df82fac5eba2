"""Demo usage: a year of daily events per customer user that follows each account's story.

healthy: high, steady use; declining: active users fall over the last eight weeks;
recovering: a dip some months ago, then a recovery; new: starts at customer_since
and ramps up. Weekends are quiet. Raw events are written in bulk (COPY on
PostgreSQL) and the rollups computed from them in SQL.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, insert, select

from analytics.usage.partitions import ensure_partitions
from analytics.usage.rollups import rebuild_rollups
from models.db import Session, is_postgres, utcnow
from models.usage import KeyFeature

# (feature key, name, maturity level, share of users who adopt it on a healthy account, description)
KEY_FEATURES = (
    ("dashboards", "Dashboards", 1, 0.85, "Everyone sees the same up-to-date numbers."),
    ("team_invites", "Team invitations", 2, 0.6, "Colleagues join and share work."),
    ("scheduled_reports", "Scheduled reports", 3, 0.45, "Reports arrive by themselves, on time."),
    ("integrations", "Integrations", 3, 0.35, "Data flows in from the tools you already use."),
    ("automations", "Automations", 4, 0.22, "Routine steps run without anyone clicking."),
    ("api_access", "API access", 5, 0.1, "Your own systems work with the product directly."),
)
OTHER_FEATURES = ("search", "exports", "comments")
ADOPTION_BY_STORY = {"healthy": 1.0, "recovering": 0.8, "declining": 0.6, "new": 0.45}
MAX_EVENTS = 300_000  # keeps the demo quick to seed


def story_factor(story: str, days_before_today: int, days_as_customer: int) -> float:
    """How active the account is on a day, 0..1, by its story."""
    if story == "declining" and days_before_today < 56:
        return 0.3 + 0.7 * days_before_today / 56  # falls over the last eight weeks
    if story == "recovering":
        if 60 <= days_before_today < 150:
            return 0.35
        if 30 <= days_before_today < 60:
            return 0.35 + 0.65 * (60 - days_before_today) / 30
    if story == "new":
        return min(1.0, 0.25 + days_as_customer / 40)
    return 1.0


def _dormant_days(story: str, rng: random.Random) -> tuple[int, int] | None:
    """Days before today when this user stays away: how a story loses (and wins back) whole people."""
    if story == "declining" and rng.random() < 0.45:
        return (0, rng.randint(0, 55))  # stopped at some point in the last eight weeks
    if story == "recovering" and rng.random() < 0.5:
        return (rng.randint(45, 75), rng.randint(120, 150))  # away during the dip, back since
    return None


def _ensure_key_features() -> None:
    """Create the demo key features unless some exist already."""
    if Session.scalar(select(func.count()).select_from(KeyFeature)):
        return
    Session.execute(insert(KeyFeature), [
        {"feature": key, "name": name, "maturity_level": level, "description": text, "created_at": utcnow()}
        for key, name, level, _share, text in KEY_FEATURES
    ])


CHURN_DECLINE_DAYS = 120  # an account that churns declines over this long before its churn day


def story_end(ctx, account) -> date:
    """The last day of the account's story: the day before it churned, else today."""
    churned = getattr(ctx, "churn_on", {}).get(account.id)
    return churned - timedelta(days=1) if churned else ctx.today


def _story_days(ctx, account, end: date, day: date) -> int:
    """Days before the end of the story, on the clock of story_factor (a churn's decline is slower and longer)."""
    before = (end - day).days
    return before * 56 // CHURN_DECLINE_DAYS if account.id in getattr(ctx, "churn_on", {}) else before


def _day_plan(ctx, account, now: datetime) -> list[tuple[date, float, datetime]]:
    """(day, activity factor, midnight) for each day the account was a customer in the demo period."""
    story = ctx.stories[account.id]
    day = max(ctx.start, account.customer_since)
    end = story_end(ctx, account)
    plan = []
    while day <= end:
        factor = (1.0 if day.weekday() < 5 else 0.12) * story_factor(
            story, _story_days(ctx, account, end, day), (day - account.customer_since).days)
        if account.id in getattr(ctx, "churn_on", {}):
            factor *= 0.4 + 0.6 * min(1.0, (end - day).days / CHURN_DECLINE_DAYS)  # deeper: it ends in churn
        midnight = datetime.combine(day, time(), tzinfo=timezone.utc)
        if midnight <= now:
            plan.append((day, factor, midnight))
        day += timedelta(days=1)
    return plan


def _events_for(ctx, account, activity_scale: float, now: datetime) -> list[tuple]:
    """(account_id, client_id, user_id, type, feature, ts) rows of one account."""
    rng: random.Random = ctx.rng
    random_number = rng.random
    plan = _day_plan(ctx, account, now)
    if not plan:
        return []
    first_day = plan[0][0]
    end = story_end(ctx, account)
    adoption = ADOPTION_BY_STORY.get(ctx.stories[account.id], 1.0)
    prefix = f"demo-{account.external_id}-"
    rows: list[tuple] = []
    append = rows.append
    minute = timedelta(minutes=1)
    for user in ctx.customers[account.id]:
        engagement = rng.uniform(0.25, 0.85) * activity_scale  # chance of being active on a weekday
        adopted = [key for key, _name, _level, share, _text in KEY_FEATURES if random_number() < share * adoption]
        adopted += [key for key in OTHER_FEATURES if random_number() < 0.3]
        # Each user adopts their features at some point; early for long-standing accounts.
        span = max(0, (ctx.today - first_day).days // 2)
        adopt_day = {key: first_day + timedelta(days=rng.randint(0, span)) for key in adopted}
        user_id = user.id
        dormant = _dormant_days(ctx.stories[account.id], rng)  # (from, to) days before today the user stays away
        for day, factor, midnight in plan:
            if random_number() >= engagement * factor:
                continue
            if dormant and dormant[0] <= _story_days(ctx, account, end, day) <= dormant[1]:
                continue
            moment = midnight + minute * int(420 + 650 * random_number())
            append((account.id, f"{prefix}{len(rows)}", user_id, "login" if random_number() < 0.7 else "page_view",
                    None, moment))
            if adopted and random_number() < 0.55:
                usable = [key for key in adopted if adopt_day[key] <= day]
                if usable:
                    append((account.id, f"{prefix}{len(rows)}", user_id, "feature_used",
                            usable[int(random_number() * len(usable))], moment + 7 * minute))
            if random_number() < 0.18:
                append((account.id, f"{prefix}{len(rows)}", user_id, "report_run", None, moment + 21 * minute))
    return [row for row in rows if row[5] <= now]


def _write(rows: list[tuple]) -> None:
    """Bulk-insert raw events (COPY on PostgreSQL, the driver's executemany on SQLite)."""
    received = utcnow()
    ensure_partitions(row[5] for row in rows)
    if is_postgres(Session):
        cursor = Session.connection().connection.driver_connection.cursor()
        with cursor.copy("COPY usage_event (account_id, client_id, user_id, type, feature, ts, received_at) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, received))
        with cursor.copy("COPY usage_event_key (account_id, client_id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row[:2])
        cursor.close()
        return
    # SQLite keeps timestamps as SQLAlchemy writes them: naive UTC text.
    stamp = "%Y-%m-%d %H:%M:%S.%f"
    received_text = received.strftime(stamp)
    connection = Session.connection().connection.driver_connection
    connection.executemany(
        "INSERT INTO usage_event (account_id, client_id, user_id, type, feature, ts, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*row[:5], row[5].strftime(stamp), received_text) for row in rows],
    )
    connection.executemany("INSERT INTO usage_event_key (account_id, client_id) VALUES (?, ?)", [row[:2] for row in rows])


def _expected_events(ctx) -> float:
    """A rough count of the events the demo would write at full activity."""
    total = 0.0
    for account in ctx.accounts:
        days = (ctx.today - max(ctx.start, account.customer_since)).days + 1
        total += len(ctx.customers[account.id]) * max(days, 0) * 0.55 * 0.75 * 1.8
    return total


def seed_usage(ctx) -> None:
    """Key features, and a year of usage per account that follows its story (raw events and rollups)."""
    _ensure_key_features()
    Session.flush()
    expected = _expected_events(ctx)
    activity_scale = min(1.0, MAX_EVENTS / expected) if expected else 1.0
    now = utcnow()
    for account in ctx.accounts:
        rows = _events_for(ctx, account, activity_scale, now)
        if rows:
            _write(rows)
    rebuild_rollups([account.id for account in ctx.accounts])
