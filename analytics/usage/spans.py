"""Distinct users of any period, overall and per feature, from the span rollups (one bit a day per person).

A period of a year reads about one row per person (two where it crosses a span's end) instead of one per
person and active day. The masks are integers computed here, so the SQL embeds them as literals.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import text

from models.db import Session
from models.usage import SPAN_DAYS, SPAN_EPOCH, SPAN_WORDS, WORD_DAYS


def day_number(day: date) -> int:
    """Whole days from SPAN_EPOCH to day."""
    return (day - SPAN_EPOCH).days


def _bits(low: int, high: int) -> int:
    """The mask of bits low..high (none when high < low)."""
    return ((1 << (high - low + 1)) - 1) << low if high >= low else 0


def span_masks(start: date, end: date) -> dict[int, tuple[int, ...]]:
    """For each span that overlaps [start, end], the mask of the period's days in each of its words."""
    first, last = day_number(start), day_number(end)
    masks = {}
    for span in range(first // SPAN_DAYS, last // SPAN_DAYS + 1):
        words = []
        for k in range(SPAN_WORDS):
            base = span * SPAN_DAYS + k * WORD_DAYS
            words.append(_bits(max(first, base) - base, min(last, base + WORD_DAYS - 1) - base))
        masks[span] = tuple(words)
    return masks


def period_condition(start: date, end: date) -> str:
    """SQL: the span row has a day in [start, end]."""
    masks = span_masks(start, end)
    tests = []
    for span, words in masks.items():
        days = " OR ".join(f"(d{k} & {mask}) <> 0" for k, mask in enumerate(words) if mask)
        tests.append(f"(span = {span} AND ({days}))")
    return f"span BETWEEN {min(masks)} AND {max(masks)} AND ({' OR '.join(tests)})"


def users_sql(start: date, end: date) -> str:
    """SQL counting the distinct users of the account bound as :account with any event from start to end."""
    # A person has one row per span, so a period within one span (any week: spans hold whole weeks) counts rows
    # and needs no sort for DISTINCT.
    counted = "COUNT(*)" if len(span_masks(start, end)) == 1 else "COUNT(DISTINCT user_id)"
    return f"SELECT {counted} FROM usage_user_span WHERE account_id = :account AND {period_condition(start, end)}"


def distinct_users(account_id: int, start: date, end: date) -> int:
    """Distinct users with any event from start to end."""
    if end < start:
        return 0
    return Session.scalar(text(users_sql(start, end)), {"account": account_id}) or 0


def distinct_users_ever(account_id: int) -> int:
    """Distinct users with any event, ever."""
    return Session.scalar(text("SELECT COUNT(DISTINCT user_id) FROM usage_user_span WHERE account_id = :account"),
                          {"account": account_id}) or 0


def feature_users(account_id: int, start: date, end: date) -> dict[str, int]:
    """Distinct users of each feature used from start to end."""
    if end < start:
        return {}
    # One row per feature and person first, then counted: a hash aggregate, cheaper than COUNT(DISTINCT).
    rows = Session.execute(text(
        "SELECT feature, COUNT(*) FROM (SELECT feature, user_id FROM usage_user_feature_span "
        f"WHERE account_id = :account AND {period_condition(start, end)} GROUP BY feature, user_id) people "
        "GROUP BY feature"
    ), {"account": account_id})
    return {feature: int(users) for feature, users in rows}
