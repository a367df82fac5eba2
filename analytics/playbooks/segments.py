"""Segment rules: validated JSON, compiled to SQL conditions on Account, evaluated in one query.

A segment's rules are {"rules": [rule, ...]}; an account is a member when every rule holds.
Rule kinds (every number is a whole number):

- {"kind": "tier", "in": ["top"|"leveraged"|"scalable", ...]}
- {"kind": "health_band", "in": ["red"|"yellow"|"green", ...]}          latest health score's band
- {"kind": "health_trend", "direction": "down"|"up", "points": P, "days": D}
      latest score moved by at least P points against the score D days before
- {"kind": "seat_utilisation", "op": "<"|">=", "percent": P}            distinct active users in 28 days / seats
- {"kind": "feature_unused" | "feature_used", "feature": KEY, "days": D}  any use of the feature in the last D days
- {"kind": "nps_category", "in": ["promoter"|"passive"|"detractor", ...], "days": D}  an answer of that kind in D days
      (a rule about a person: the account is a member, and its mail reaches only the people who gave such an answer)
- {"kind": "maturity_level", "dimension": "overall"|NAME, "op": "<="|">=", "level": L}  latest assessment
- {"kind": "days_to_renewal", "op": "<="|">=", "days": D}               renewal within D days (not past) / D or more away
- {"kind": "customer_since", "op": "before"|"after", "date": "YYYY-MM-DD"}
- {"kind": "customer_for_days", "op": ">="|"<=", "days": D}
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import and_, distinct, false, func, or_, select
from sqlalchemy.orm import aliased

from core.tiers import tier_by_account
from models.accounts import Account
from models.db import Session, utcnow
from models.health import HealthScore
from models.maturity import AssessmentRound, AssessmentRoundLevel, MaturityDimension, MaturityLevel
from models.surveys import SurveyResponse
from models.usage import KeyFeature, UsageFeatureDay, UsageUserDay

TIERS = ("top", "leveraged", "scalable")
BANDS = ("red", "yellow", "green")
NPS_CATEGORIES = {"promoter": (9, 10), "passive": (7, 8), "detractor": (0, 6)}
UTILISATION_DAYS = 28
MAX_DAYS = 3650
PERSON_KINDS = ("nps_category",)  # rules about a person's own answer, not only about the account
KINDS = ("tier", "health_band", "health_trend", "seat_utilisation", "feature_unused", "feature_used",
         "nps_category", "maturity_level", "days_to_renewal", "customer_since", "customer_for_days")

# A starting point for each kind of rule (the segment editor's "Add a rule").
RULE_EXAMPLES = {
    "tier": {"kind": "tier", "in": ["scalable"]},
    "health_band": {"kind": "health_band", "in": ["yellow", "red"]},
    "health_trend": {"kind": "health_trend", "direction": "down", "points": 10, "days": 30},
    "seat_utilisation": {"kind": "seat_utilisation", "op": "<", "percent": 30},
    "feature_unused": {"kind": "feature_unused", "feature": "FEATURE", "days": 30},
    "feature_used": {"kind": "feature_used", "feature": "FEATURE", "days": 30},
    "nps_category": {"kind": "nps_category", "in": ["detractor"], "days": 90},
    "maturity_level": {"kind": "maturity_level", "dimension": "overall", "op": "<=", "level": 2},
    "days_to_renewal": {"kind": "days_to_renewal", "op": "<=", "days": 90},
    "customer_since": {"kind": "customer_since", "op": "after", "date": "2026-01-01"},
    "customer_for_days": {"kind": "customer_for_days", "op": ">=", "days": 30},
}


class SegmentError(ValueError):
    """Rules that cannot be accepted; the message is a sentence for the user."""


def _number(rule: dict, key: str, low: int, high: int, what: str) -> int:
    value = rule.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SegmentError(f"{what} must be a whole number from {low} to {high}.")
    return value


def _choices(rule: dict, allowed, what: str) -> list[str]:
    values = rule.get("in")
    if not isinstance(values, list) or not values or any(v not in allowed for v in values):
        raise SegmentError(f"{what} must be a list of one or more of: {', '.join(allowed)}.")
    return sorted(set(values), key=list(allowed).index)


def _op(rule: dict, allowed: tuple[str, ...], what: str) -> str:
    if rule.get("op") not in allowed:
        raise SegmentError(f"{what}: 'op' must be one of {', '.join(allowed)}.")
    return rule["op"]


def _known_feature(feature: Any) -> str:
    if not isinstance(feature, str) or not feature.strip():
        raise SegmentError("A feature rule needs 'feature', the key of a feature.")
    feature = feature.strip()
    known = Session.scalar(select(KeyFeature.feature).where(KeyFeature.feature == feature))
    if known is None:
        known = Session.scalar(select(UsageFeatureDay.feature).where(UsageFeatureDay.feature == feature).limit(1))
    if known is None:
        names = list(Session.scalars(select(KeyFeature.feature).order_by(KeyFeature.feature).limit(20)))
        hint = f" Known key features: {', '.join(names)}." if names else " No key feature is defined yet."
        raise SegmentError(f"There is no feature {feature!r}.{hint}")
    return feature


def _known_dimension(dimension: Any) -> str:
    if not isinstance(dimension, str) or not dimension.strip():
        raise SegmentError("A maturity rule needs 'dimension': 'overall' or the name of a dimension.")
    if dimension.strip().lower() == "overall":
        return "overall"
    names = list(Session.scalars(select(MaturityDimension.name).distinct().order_by(MaturityDimension.name)))
    for name in names:
        if name.lower() == dimension.strip().lower():
            return name
    hint = f" Known dimensions: overall, {', '.join(names)}." if names else " Only 'overall' can be used until a maturity model exists."
    raise SegmentError(f"There is no maturity dimension {dimension!r}.{hint}")


def _highest_level() -> int:
    return Session.scalar(select(func.max(MaturityLevel.number))) or 5


def _validate_rule(rule: Any) -> dict:
    if not isinstance(rule, dict) or rule.get("kind") not in KINDS:
        raise SegmentError(f"Every rule needs a 'kind', one of: {', '.join(KINDS)}.")
    kind = rule["kind"]
    if kind == "tier":
        return {"kind": kind, "in": _choices(rule, TIERS, "The tiers")}
    if kind == "health_band":
        return {"kind": kind, "in": _choices(rule, BANDS, "The health bands")}
    if kind == "health_trend":
        if rule.get("direction") not in ("down", "up"):
            raise SegmentError("A health trend rule needs 'direction': down or up.")
        return {"kind": kind, "direction": rule["direction"], "points": _number(rule, "points", 1, 100, "The points"),
                "days": _number(rule, "days", 1, MAX_DAYS, "The days")}
    if kind == "seat_utilisation":
        return {"kind": kind, "op": _op(rule, ("<", ">="), "Seat utilisation"),
                "percent": _number(rule, "percent", 0, 1000, "The percent")}
    if kind in ("feature_unused", "feature_used"):
        return {"kind": kind, "feature": _known_feature(rule.get("feature")),
                "days": _number(rule, "days", 1, MAX_DAYS, "The days")}
    if kind == "nps_category":
        return {"kind": kind, "in": _choices(rule, tuple(NPS_CATEGORIES), "The NPS categories"),
                "days": _number(rule, "days", 1, MAX_DAYS, "The days")}
    if kind == "maturity_level":
        highest = _highest_level()
        return {"kind": kind, "dimension": _known_dimension(rule.get("dimension")),
                "op": _op(rule, ("<=", ">="), "Maturity level"),
                "level": _number(rule, "level", 1, highest, "The maturity level")}
    if kind == "days_to_renewal":
        return {"kind": kind, "op": _op(rule, ("<=", ">="), "Days to renewal"),
                "days": _number(rule, "days", 0, MAX_DAYS, "The days")}
    if kind == "customer_since":
        op = _op(rule, ("before", "after"), "Customer since")
        try:
            day = date.fromisoformat(str(rule.get("date")))
        except ValueError:
            raise SegmentError("A customer-since rule needs 'date' written YYYY-MM-DD.") from None
        return {"kind": kind, "op": op, "date": day.isoformat()}
    return {"kind": kind, "op": _op(rule, (">=", "<="), "Customer for days"),
            "days": _number(rule, "days", 0, MAX_DAYS * 3, "The days")}


def parse_rules(source: str | dict) -> dict:
    """Validated, normalised rules from JSON text or a dict; SegmentError saying what is wrong."""
    if isinstance(source, str):
        try:
            source = json.loads(source or "{}")
        except json.JSONDecodeError as exc:
            raise SegmentError(f"The rules are not valid JSON (line {exc.lineno}, column {exc.colno}).") from None
    if isinstance(source, list):
        source = {"rules": source}
    if not isinstance(source, dict) or not isinstance(source.get("rules"), list):
        raise SegmentError('The rules must look like {"rules": [{"kind": "tier", "in": ["scalable"]}]}.')
    if len(source["rules"]) > 20:
        raise SegmentError("A segment may have at most 20 rules.")
    rules = []
    for position, rule in enumerate(source["rules"], start=1):
        try:
            rules.append(_validate_rule(rule))
        except SegmentError as exc:
            raise SegmentError(f"Rule {position}: {exc}") from None
    return {"rules": rules}


def _latest_health(today: date):
    latest = (select(HealthScore.account_id, func.max(HealthScore.as_of).label("as_of"))
              .where(HealthScore.as_of <= today).group_by(HealthScore.account_id).subquery())
    return latest


def _band_condition(bands: list[str], today: date):
    latest = _latest_health(today)
    return Account.id.in_(
        select(HealthScore.account_id)
        .join(latest, and_(latest.c.account_id == HealthScore.account_id, latest.c.as_of == HealthScore.as_of))
        .where(HealthScore.band.in_(bands)))


def _trend_condition(rule: dict, today: date):
    latest = _latest_health(today)
    earlier = (select(HealthScore.account_id, func.max(HealthScore.as_of).label("as_of"))
               .where(HealthScore.as_of <= today - timedelta(days=rule["days"]))
               .group_by(HealthScore.account_id).subquery())
    now_score, then_score = aliased(HealthScore), aliased(HealthScore)
    change = now_score.score - then_score.score
    moved = change <= -rule["points"] if rule["direction"] == "down" else change >= rule["points"]
    return Account.id.in_(
        select(now_score.account_id)
        .join(latest, and_(latest.c.account_id == now_score.account_id, latest.c.as_of == now_score.as_of))
        .join(earlier, earlier.c.account_id == now_score.account_id)
        .join(then_score, and_(then_score.account_id == earlier.c.account_id, then_score.as_of == earlier.c.as_of))
        .where(moved))


def _utilisation_condition(rule: dict, today: date):
    active = (select(UsageUserDay.account_id, func.count(distinct(UsageUserDay.user_id)).label("users"))
              .where(UsageUserDay.day > today - timedelta(days=UTILISATION_DAYS), UsageUserDay.day <= today)
              .group_by(UsageUserDay.account_id).subquery())
    seated = aliased(Account)  # its own alias: the subquery must not correlate with the outer Account
    users = func.coalesce(active.c.users, 0) * 100
    compared = users < rule["percent"] * seated.seats if rule["op"] == "<" else users >= rule["percent"] * seated.seats
    return Account.id.in_(
        select(seated.id).outerjoin(active, active.c.account_id == seated.id)
        .where(seated.seats > 0, compared))


# Conditions on usage and answers read those tables in uncorrelated subqueries grouped by account_id,
# never in a subquery correlated with `account`: on Citus `account` is a reference table and the usage
# tables are distributed, and Citus refuses a correlated subquery from the one into the other.
def _feature_users(rule: dict, today: date):
    """Subquery: one row per account that used the rule's feature within its days."""
    return (select(UsageFeatureDay.account_id)
            .where(UsageFeatureDay.feature == rule["feature"],
                   UsageFeatureDay.day > today - timedelta(days=rule["days"]), UsageFeatureDay.day <= today,
                   UsageFeatureDay.events > 0)
            .group_by(UsageFeatureDay.account_id).subquery())


def _feature_used(rule: dict, today: date):
    return Account.id.in_(select(_feature_users(rule, today).c.account_id))


def _feature_unused(rule: dict, today: date):
    """An anti-join: the accounts with no row in the users of the feature (NOT IN does not distribute either)."""
    used = _feature_users(rule, today)
    unused = aliased(Account)  # its own alias: the subquery must not correlate with the outer Account
    return Account.id.in_(select(unused.id).outerjoin(used, used.c.account_id == unused.id)
                          .where(used.c.account_id.is_(None)))


def _nps_answers(rule: dict, today: date) -> list:
    """Conditions on SurveyResponse: an answer of the rule's categories within its days."""
    since = datetime.combine(today - timedelta(days=rule["days"] - 1), time(), tzinfo=timezone.utc)
    until = datetime.combine(today + timedelta(days=1), time(), tzinfo=timezone.utc)  # as of `today`, not later
    scores = or_(*[SurveyResponse.score.between(*NPS_CATEGORIES[c]) for c in rule["in"]])
    return [SurveyResponse.ts >= since, SurveyResponse.ts < until, scores]


def _nps_condition(rule: dict, today: date):
    return Account.id.in_(select(SurveyResponse.account_id).where(*_nps_answers(rule, today))
                          .group_by(SurveyResponse.account_id))


def person_targets(rules: dict, account_ids: list[int], today: date | None = None) -> dict[int, set[int]] | None:
    """Per account, the people every person rule holds for (their own answer); None when no rule is about a person."""
    person_rules = [rule for rule in rules["rules"] if rule["kind"] in PERSON_KINDS]
    if not person_rules:
        return None
    today = today or utcnow().date()
    targets: dict[int, set[int]] | None = None
    for rule in person_rules:
        rows = Session.execute(select(SurveyResponse.account_id, SurveyResponse.user_id).distinct().where(
            SurveyResponse.account_id.in_(account_ids or [-1]), SurveyResponse.user_id.is_not(None),
            *_nps_answers(rule, today))).all()
        found: dict[int, set[int]] = {}
        for account_id, user_id in rows:
            found.setdefault(account_id, set()).add(user_id)
        targets = found if targets is None else {a: targets.get(a, set()) & found.get(a, set()) for a in targets}
    return targets


def _maturity_condition(rule: dict):
    if rule["dimension"] == "overall":
        ranked = (select(AssessmentRound.account_id, AssessmentRound.overall_level.label("level"),
                         func.row_number().over(partition_by=AssessmentRound.account_id,
                                                order_by=(AssessmentRound.opened_at.desc(), AssessmentRound.id.desc()))
                         .label("rank"))
                  .where(AssessmentRound.overall_level.is_not(None)).subquery())
    else:
        ranked = (select(AssessmentRoundLevel.account_id, AssessmentRoundLevel.level.label("level"),
                         func.row_number().over(partition_by=AssessmentRoundLevel.account_id,
                                                order_by=(AssessmentRound.opened_at.desc(), AssessmentRound.id.desc()))
                         .label("rank"))
                  .join(AssessmentRound, and_(AssessmentRound.account_id == AssessmentRoundLevel.account_id,
                                              AssessmentRound.id == AssessmentRoundLevel.round_id))
                  .join(MaturityDimension, MaturityDimension.id == AssessmentRoundLevel.dimension_id)
                  .where(MaturityDimension.name == rule["dimension"]).subquery())
    compared = ranked.c.level <= rule["level"] if rule["op"] == "<=" else ranked.c.level >= rule["level"]
    return Account.id.in_(select(ranked.c.account_id).where(ranked.c.rank == 1, compared))


def _renewal_condition(rule: dict, today: date):
    limit = today + timedelta(days=rule["days"])
    if rule["op"] == "<=":
        return and_(Account.renewal_date.is_not(None), Account.renewal_date >= today, Account.renewal_date <= limit)
    return and_(Account.renewal_date.is_not(None), Account.renewal_date >= limit)


def compile_rule(rule: dict, today: date, tiers: dict[int, str] | None = None):
    """One validated rule as a SQL condition on Account."""
    kind = rule["kind"]
    if kind == "tier":
        if tiers is None:
            tiers = tier_by_account()
        return Account.id.in_(sorted(i for i, tier in tiers.items() if tier in rule["in"]) or [-1])
    if kind == "health_band":
        return _band_condition(rule["in"], today)
    if kind == "health_trend":
        return _trend_condition(rule, today)
    if kind == "seat_utilisation":
        return _utilisation_condition(rule, today)
    if kind == "feature_used":
        return _feature_used(rule, today)
    if kind == "feature_unused":
        return _feature_unused(rule, today)
    if kind == "nps_category":
        return _nps_condition(rule, today)
    if kind == "maturity_level":
        return _maturity_condition(rule)
    if kind == "days_to_renewal":
        return _renewal_condition(rule, today)
    if kind == "customer_since":
        day = date.fromisoformat(rule["date"])
        return Account.customer_since < day if rule["op"] == "before" else Account.customer_since >= day
    limit = today - timedelta(days=rule["days"])
    return Account.customer_since <= limit if rule["op"] == ">=" else Account.customer_since >= limit


def members_query(rules: dict, scope=None, today: date | None = None, tiers: dict[int, str] | None = None):
    """select(Account) of the active accounts in `scope` (a condition on Account) that match every rule."""
    today = today or utcnow().date()
    conditions = [compile_rule(rule, today, tiers) for rule in rules["rules"]]
    query = select(Account).where(Account.status == "active", *conditions)
    if scope is not None:
        query = query.where(scope)
    return query.order_by(Account.name, Account.id)


def members(rules: dict, scope=None, today: date | None = None, tiers: dict[int, str] | None = None) -> list[Account]:
    """The member accounts, by name."""
    return list(Session.scalars(members_query(rules, scope, today, tiers)))


def scope_count(scope=None) -> int:
    """How many active accounts the scope holds (to tell a segment that matches every account)."""
    query = select(func.count()).select_from(Account).where(Account.status == "active")
    if scope is not None:
        query = query.where(scope)
    return Session.scalar(query) or 0


def owner_scope(owner):
    """The accounts a segment of this owner covers: everything for an admin, a CSM's own accounts, else none.

    A segment whose owner is gone or is no longer staff covers no account, so it can never widen to all.
    """
    if owner is not None and owner.role == "admin":
        return None
    if owner is not None and owner.role == "csm":
        return Account.csm_id == owner.id
    return false()


def describe_rule(rule: dict) -> str:
    """One readable sentence fragment for a validated rule."""
    kind = rule["kind"]
    if kind in ("tier", "health_band"):
        return f"{kind.replace('_', ' ')} is {' or '.join(rule['in'])}"
    if kind == "health_trend":
        return f"health score {rule['direction']} by {rule['points']}+ points over {rule['days']} days"
    if kind == "seat_utilisation":
        return f"seat utilisation (28 days) {rule['op']} {rule['percent']}%"
    if kind == "feature_unused":
        return f"feature {rule['feature']} not used in the last {rule['days']} days"
    if kind == "feature_used":
        return f"feature {rule['feature']} used in the last {rule['days']} days"
    if kind == "nps_category":
        return f"a {' or '.join(rule['in'])} answer in the last {rule['days']} days"
    if kind == "maturity_level":
        return f"maturity level ({rule['dimension']}) {rule['op']} {rule['level']}"
    if kind == "days_to_renewal":
        return f"renewal {'within' if rule['op'] == '<=' else 'at least'} {rule['days']} days away"
    if kind == "customer_since":
        return f"customer since {rule['op']} {rule['date']}"
    return f"customer for {rule['op']} {rule['days']} days"
