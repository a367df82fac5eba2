"""The success-plan maths: progress, the straight target line, on-track and its sentence."""
from __future__ import annotations

from datetime import date

import pytest

from analytics.plan.progress import assess, capped, expected_value, format_value, mean_capped_progress, progress_pct

START = date(2026, 1, 1)
END = date(2026, 1, 11)  # ten days later: the line moves by a tenth of the gap per day


def test_progress_is_the_share_of_the_way_from_baseline_to_target():
    """Half-way from 40 to 60 is 50%."""
    assert progress_pct(40, 60, 50) == pytest.approx(50.0)


def test_progress_works_when_lower_is_better():
    """From 10 days down to 5 days, 7.5 days is half-way."""
    assert progress_pct(10, 5, 7.5) == pytest.approx(50.0)


def test_progress_is_not_capped_but_capped_progress_is():
    """Overshooting gives more than 100%, going backwards less than 0; the capped value stays 0..100."""
    assert progress_pct(40, 60, 70) == pytest.approx(150.0)
    assert progress_pct(40, 60, 30) == pytest.approx(-50.0)
    assert capped(150.0) == 100.0
    assert capped(-50.0) == 0.0
    assert capped(42.0) == 42.0


def test_mean_capped_progress_caps_each_metric_before_averaging():
    """One metric far past its target cannot hide one going backwards."""
    assert mean_capped_progress([250.0, -80.0]) == pytest.approx(50.0)
    assert mean_capped_progress([]) is None


def test_target_equal_to_baseline_has_no_progress_scale():
    """A target equal to the baseline is refused by the maths too."""
    with pytest.raises(ValueError):
        progress_pct(5, 5, 5)


def test_expected_value_follows_the_straight_line_and_stays_at_its_ends():
    """Baseline before day one, target after the target date, linear between."""
    assert expected_value(100, START, 200, END, date(2025, 12, 1)) == 100
    assert expected_value(100, START, 200, END, START) == 100
    assert expected_value(100, START, 200, END, date(2026, 1, 6)) == pytest.approx(150.0)
    assert expected_value(100, START, 200, END, END) == 200
    assert expected_value(100, START, 200, END, date(2026, 3, 1)) == 200


def test_value_above_the_line_is_on_track_and_below_is_off_track():
    """Higher is better: at least the line's value is on track."""
    day = date(2026, 1, 6)  # the line is at 150
    ahead = assess(baseline=100, baseline_date=START, target=200, target_date=END, direction="higher",
                   current=151, day=day, unit="users")
    behind = assess(baseline=100, baseline_date=START, target=200, target_date=END, direction="higher",
                    current=149, day=day, unit="users")
    assert ahead.on_track and not behind.on_track
    assert ahead.explanation.startswith("On track: 151 users is at or above the 150 users expected on 6 January 2026")
    assert behind.explanation.startswith("Off track: 149 users is below the 150 users expected")
    assert "from 100 users on 1 January 2026 to 200 users by 11 January 2026" in behind.explanation


def test_a_reading_exactly_on_the_line_is_on_track():
    """Equal to the expected value counts as on track, also with floating-point values."""
    day = date(2026, 1, 4)  # three tenths of the way: 0.1 + 0.3 * 0.2
    on_line = expected_value(0.1, START, 0.3, END, day)
    assert on_line == pytest.approx(0.16)
    result = assess(baseline=0.1, baseline_date=START, target=0.3, target_date=END, direction="higher",
                    current=0.16, day=day)
    assert result.on_track
    lower = assess(baseline=10, baseline_date=START, target=5, target_date=END, direction="lower",
                   current=8.5, day=day)
    assert lower.on_track


def test_lower_is_better_is_on_track_at_or_below_the_line():
    """Handling time from 10 days to 5 days: on day 5 the line is at 7.5 days."""
    day = date(2026, 1, 6)
    below = assess(baseline=10, baseline_date=START, target=5, target_date=END, direction="lower",
                   current=7, day=day, unit="days")
    above = assess(baseline=10, baseline_date=START, target=5, target_date=END, direction="lower",
                   current=8, day=day, unit="days")
    assert below.on_track and not above.on_track
    assert below.progress == pytest.approx(60.0)
    assert "7 days is at or below the 7.5 days expected" in below.explanation
    assert "8 days is above the 7.5 days expected" in above.explanation


def test_on_day_one_the_baseline_itself_is_on_track():
    """A metric just created, still at its baseline, is on track with 0% progress."""
    result = assess(baseline=20, baseline_date=START, target=30, target_date=END, direction="higher",
                    current=20, day=START, unit="%")
    assert result.on_track and result.progress == 0
    assert result.explanation.startswith("On track: 20% is at or above the 20% expected")


@pytest.mark.parametrize(
    "value, unit, text",
    [(1250, "leads", "1,250 leads"), (12.5, "%", "12.5%"), (3.0, "", "3"), (2.345, "hours", "2.35 hours")],
)
def test_values_are_written_with_their_unit(value, unit, text):
    """Figures carry their unit and no needless decimals."""
    assert format_value(value, unit) == text
