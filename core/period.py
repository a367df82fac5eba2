"""A review or dashboard period: an inclusive range of UTC calendar days, and the period it is compared with."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

DATE_FORMAT = "%-d %b %Y"
# The figures look a week past a period's end (the day after it, the Sunday of its week), which the
# calendar cannot do in its last days; query dates after this day are refused with a sentence instead.
LAST_QUERY_DAY = date(9998, 12, 31)
# A period shown beside the one before it (dashboard, review links) must leave that one room in the calendar;
# no product usage predates this day.
FIRST_PERIOD_DAY = date(1900, 1, 1)


def _add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) day's month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """An inclusive range of UTC calendar days."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    def whole_months(self) -> int:
        """How many calendar months the period covers when it starts on a 1st and ends on a month's last day, else 0."""
        last_of_month = calendar.monthrange(self.end.year, self.end.month)[1]
        if self.start.day != 1 or self.end.day != last_of_month:
            return 0
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> "Period":
        """The period it is compared with: the same calendar months before (a quarter against the quarter
        before), else the same number of days just before."""
        months = self.whole_months()
        end = self.start - timedelta(days=1)
        if months:
            return Period(_add_months(self.start, -months), end)
        return Period(end - timedelta(days=self.days - 1), end)

    def label(self) -> str:
        """'1 Jul 2026 – 30 Sep 2026 (92 days)'."""
        return f"{self.start.strftime(DATE_FORMAT)} – {self.end.strftime(DATE_FORMAT)} ({self.days} days)"

    def short_label(self) -> str:
        """'1 Jul – 30 Sep 2026' (years shown on both sides only when they differ)."""
        if self.start.year == self.end.year:
            return f"{self.start.strftime('%-d %b')} – {self.end.strftime(DATE_FORMAT)}"
        return f"{self.start.strftime(DATE_FORMAT)} – {self.end.strftime(DATE_FORMAT)}"
