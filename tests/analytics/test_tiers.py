"""Tiers follow ARR: the top holds at least 40%, the scalable tail at most the last 20%."""
from decimal import Decimal

from core.tiers import assign_tiers


def test_top_tier_is_the_smallest_set_holding_forty_percent():
    arr = {1: Decimal(50), 2: Decimal(20), 3: Decimal(10), 4: Decimal(10), 5: Decimal(5), 6: Decimal(5)}
    tiers = assign_tiers(arr)
    assert [a for a, t in tiers.items() if t == "top"] == [1]
    # 5 + 5 + 10 = 20 = the last 20%; adding the next 10 would pass it
    assert sorted(a for a, t in tiers.items() if t == "scalable") == [4, 5, 6] or sorted(
        a for a, t in tiers.items() if t == "scalable"
    ) == [3, 5, 6]
    assert tiers[2] == "leveraged"


def test_top_tier_needs_several_accounts_when_revenue_is_even():
    arr = {n: Decimal(10) for n in range(1, 11)}
    tiers = assign_tiers(arr)
    assert sum(1 for t in tiers.values() if t == "top") == 4
    assert sum(1 for t in tiers.values() if t == "scalable") == 2
    assert sum(1 for t in tiers.values() if t == "leveraged") == 4


def test_no_revenue_leaves_everyone_leveraged():
    assert set(assign_tiers({1: Decimal(0), 2: Decimal(0)}).values()) == {"leveraged"}
