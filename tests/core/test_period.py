"""A period and the one it is compared with."""
from __future__ import annotations

from datetime import date

import pytest

from core.period import Period


@pytest.mark.parametrize("start, end, before_start, before_end", [
    (date(2026, 7, 1), date(2026, 9, 30), date(2026, 4, 1), date(2026, 6, 30)),   # a quarter: the quarter before
    (date(2026, 3, 1), date(2026, 3, 31), date(2026, 2, 1), date(2026, 2, 28)),   # a month: the month before
    (date(2026, 1, 1), date(2026, 12, 31), date(2025, 1, 1), date(2025, 12, 31)),  # a year: the year before
    (date(2026, 1, 1), date(2026, 3, 31), date(2025, 10, 1), date(2025, 12, 31)),  # across the new year
    (date(2026, 11, 5), date(2026, 12, 4), date(2026, 10, 6), date(2026, 11, 4)),  # 30 days: the 30 days before
    (date(2026, 3, 1), date(2026, 3, 15), date(2026, 2, 14), date(2026, 2, 28)),   # half a month: same length
])
def test_a_period_is_compared_with_the_calendar_period_before(start, end, before_start, before_end):
    assert Period(start, end).previous() == Period(before_start, before_end)


def test_labels_say_the_dates_and_the_length():
    period = Period(date(2026, 7, 1), date(2026, 9, 30))
    assert period.label() == "1 Jul 2026 – 30 Sep 2026 (92 days)"
    assert period.short_label() == "1 Jul – 30 Sep 2026"
    assert Period(date(2025, 12, 1), date(2026, 1, 31)).short_label() == "1 Dec 2025 – 31 Jan 2026"
