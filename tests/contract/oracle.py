"""The contract's figures computed from its own words, on plain data (no code of the portal).

Each function takes what a client sent (accounts and their ARR history, survey responses, events)
and answers what CONTRACT.md, "Rules that clients rely on", says the API must answer.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal


# --- Revenue -------------------------------------------------------------------------------------------


@dataclass
class Book:
    """One account as recorded through the CLI: customer-since, ARR per effective day (a second change on
    the same day replaced the first), churn day, CSM."""

    external_id: str
    since: date
    arr_by_day: dict[date, Decimal]
    churned_on: date | None = None
    csm: str | None = None

    def arr_on(self, day: date) -> Decimal:
        """Its last recorded ARR effective on or before that day, 0 from its churn day on."""
        if self.churned_on is not None and day >= self.churned_on:
            return Decimal(0)
        effective = [d for d in self.arr_by_day if d <= day]
        return self.arr_by_day[max(effective)] if effective else Decimal(0)

    def active_on(self, day: date) -> bool:
        """Customer-since on or before the day, and not churned on or before it."""
        return self.since <= day and not (self.churned_on is not None and self.churned_on <= day)


def revenue(books: list[Book], start: date, end: date) -> dict:
    """The eleven fields of GET /api/v1/metrics/revenue over [start, end]."""
    arr_start = sum((b.arr_on(start) for b in books if b.active_on(start)), Decimal(0))
    arr_end = sum((b.arr_on(end) for b in books if b.active_on(end)), Decimal(0))
    base = [b for b in books if b.active_on(start)]
    expansion = contraction = churned = Decimal(0)
    accounts_churned = 0
    for b in base:
        if b.churned_on is not None and b.churned_on <= end:
            churned += b.arr_on(start)
            accounts_churned += 1
            continue
        d = b.arr_on(end) - b.arr_on(start)
        if d > 0:
            expansion += d
        elif d < 0:
            contraction += -d
    new_arr = sum((b.arr_on(end) for b in books if start < b.since <= end), Decimal(0))
    empty = not base
    return {
        "arr_start": arr_start, "arr_end": arr_end, "new_arr": new_arr, "expansion_arr": expansion,
        "contraction_arr": contraction, "churned_arr": churned,
        # A base with a zero ARR sum is not empty; the contract divides by arr_start all the same.
        "nrr": None if empty or arr_start == 0 else (arr_start + expansion - contraction - churned) / arr_start,
        "grr": None if empty or arr_start == 0 else (arr_start - contraction - churned) / arr_start,
        "accounts_start": len(base), "accounts_churned": accounts_churned,
        "logo_churn": None if empty else Decimal(accounts_churned) / len(base),
    }


# --- NPS -----------------------------------------------------------------------------------------------


def utc_day(moment: datetime) -> date:
    """The UTC calendar day of an aware moment."""
    return moment.astimezone(timezone.utc).date()


def nps(responses: list[dict], start: date, end: date) -> dict:
    """GET /accounts/{ext}/nps from the stored responses of one account: {"respondent", "score", "moment"}."""
    latest: dict[str, dict] = {}
    for response in responses:
        if not start <= utc_day(response["moment"]) <= end:
            continue
        seen = latest.get(response["respondent"])
        if seen is None or response["moment"] > seen["moment"]:
            latest[response["respondent"]] = response
    scores = [r["score"] for r in latest.values()]
    n = len(scores)
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    passives = n - promoters - detractors
    if n == 0:
        return {"nps": None, "responses": 0, "promoters": 0, "passives": 0, "detractors": 0, "margin_of_error": None}
    p, d = promoters / n, detractors / n
    return {
        "nps": (p - d) * 100, "responses": n, "promoters": promoters, "passives": passives, "detractors": detractors,
        "margin_of_error": 1.96 * math.sqrt((p + d - (p - d) ** 2) / n) * 100,
    }


# --- Usage ---------------------------------------------------------------------------------------------


@dataclass
class Feature:
    """A feature's figures over a period."""

    users: set = field(default_factory=set)
    events: int = 0


def usage(events: list[dict], start: date, end: date) -> dict:
    """GET /accounts/{ext}/usage from the stored events of one account: {"user", "type", "feature", "moment"}.

    Every day of the period is listed (zeros too); features are those with feature_used events in it.
    """
    days = {start + timedelta(days=n): {"users": set(), "logins": 0, "events": 0} for n in range((end - start).days + 1)}
    features: dict[str, Feature] = defaultdict(Feature)
    for event in events:
        day = days.get(utc_day(event["moment"]))
        if day is None:
            continue
        day["users"].add(event["user"])
        day["events"] += 1
        day["logins"] += event["type"] == "login"
        if event["type"] == "feature_used":
            features[event["feature"]].users.add(event["user"])
            features[event["feature"]].events += 1
    return {
        "days": [{"date": d.isoformat(), "active_users": len(v["users"]), "logins": v["logins"], "events": v["events"]}
                 for d, v in sorted(days.items())],
        "features": {name: {"users": len(f.users), "events": f.events} for name, f in features.items()},
    }
