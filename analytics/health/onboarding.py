"""Onboarding: an account with too little data to score, and its checklist drawn from real data.

An account is onboarding until `onboarding.min_days` (default 14) days have passed since its first event
(or, while no event has arrived, since its customer-since date: an old account that never used the
product is at risk, not new); it then gets a health band like any other. Until then it shows no band, is not "at risk", and its page
shows what has happened so far.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from analytics.usage.spans import distinct_users_ever
from models.accounts import Account, User
from models.db import Session, utcnow
from models.maturity import AssessmentRound
from models.plans import PlanMetric
from models.usage import KeyFeature, UsageAccountDay, UsageFeatureDay
from core.settings import get_setting

DEFAULT_MIN_DAYS = 14


def min_days() -> int:
    """Days of data an account needs before it is scored (a setting)."""
    return int(get_setting("onboarding.min_days", DEFAULT_MIN_DAYS) or DEFAULT_MIN_DAYS)


def first_event_days(account_ids: list[int]) -> dict[int, date]:
    """Each account's first day with usage (accounts without any are left out)."""
    if not account_ids:
        return {}
    return dict(Session.execute(
        select(UsageAccountDay.account_id, func.min(UsageAccountDay.day))
        .where(UsageAccountDay.account_id.in_(account_ids)).group_by(UsageAccountDay.account_id)).all())


def _counted_from(first_event: date | None, customer_since: date | None, today: date) -> date:
    return first_event or customer_since or today


def onboarding_ids(accounts: list[Account], today: date | None = None) -> set[int]:
    """The ids of the accounts among these that are still onboarding on `today` (one query)."""
    return onboarding_on({account.id: account.customer_since for account in accounts}, today or utcnow().date())


def onboarding_on(customer_since: dict[int, date | None], as_of: date) -> set[int]:
    """Of these accounts (id -> customer-since day), those still onboarding on as_of, counting only the
    usage received up to that day, so a recompute of an earlier day sees what was known then (one query)."""
    if not customer_since:
        return set()
    first = dict(Session.execute(
        select(UsageAccountDay.account_id, func.min(UsageAccountDay.day))
        .where(UsageAccountDay.account_id.in_(list(customer_since)), UsageAccountDay.day <= as_of)
        .group_by(UsageAccountDay.account_id)).all())
    needed = min_days()
    return {account_id for account_id, since in customer_since.items()
            if (as_of - _counted_from(first.get(account_id), since, as_of)).days < needed}


def onboarding_state(account: Account, today: date | None = None) -> dict:
    """Whether the account is onboarding, and its checklist: plain, JSON-ready data."""
    today = today or utcnow().date()
    first = first_event_days([account.id]).get(account.id)
    needed = min_days()
    days = None if first is None else (today - first).days
    invited = Session.scalar(select(func.count(User.id)).where(User.account_id == account.id,
                                                               User.role == "customer")) or 0
    active = distinct_users_ever(account.id)
    key_total = Session.scalar(select(func.count(KeyFeature.id))) or 0
    key_tried = Session.scalar(
        select(func.count(func.distinct(UsageFeatureDay.feature))).join(KeyFeature, KeyFeature.feature == UsageFeatureDay.feature)
        .where(UsageFeatureDay.account_id == account.id)) or 0
    assessed = Session.scalar(select(func.count(AssessmentRound.id)).where(AssessmentRound.account_id == account.id)) or 0
    goals = Session.scalar(select(func.count(PlanMetric.id)).where(PlanMetric.account_id == account.id)) or 0
    steps = [
        {"key": "first_events", "done": first is not None,
         "text": f"First usage received on {first.strftime('%-d %b %Y')}." if first
         else "No usage received yet: it appears as soon as the product sends its first events."},
        {"key": "people", "done": active > 0,
         "text": f"{invited} {'person' if invited == 1 else 'people'} invited to the portal, "
                 f"{active} {'person' if active == 1 else 'people'} active in the product."},
        {"key": "key_features", "done": key_total > 0 and key_tried == key_total,
         "text": f"{key_tried} of {key_total} key features tried." if key_total
         else "No key features are marked yet."},
        {"key": "assessment", "done": assessed > 0,
         "text": "Maturity self-assessment taken." if assessed else "Maturity self-assessment not taken yet."},
        {"key": "plan_goal", "done": goals > 0,
         "text": f"{goals} success-plan goal{'s' if goals != 1 else ''} set." if goals
         else "No success-plan goal set yet."},
    ]
    counted_from = _counted_from(first, account.customer_since, today)
    onboarding = (today - counted_from).days < needed
    if days is None:
        until = f"A health score follows {needed} days after the first usage arrives."
    else:
        scored_from = first + timedelta(days=needed)
        until = f"A health score follows on {scored_from.strftime('%-d %b %Y')}, {needed} days after the first usage."
    scored_from = (first + timedelta(days=needed)).isoformat() if onboarding and first else None
    return {"onboarding": onboarding, "days_of_data": days, "min_days": needed, "until": until, "steps": steps,
            "scored_from": scored_from}
