"""NPS maths on plain data, checked against hand-computed figures."""
from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest

from surveys.nps.score import distribution, latest_scores, nps_from_answers, nps_from_counts, nps_from_scores, score_class


def ts(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=timezone.utc)


@pytest.mark.parametrize("score, expected", [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"),
                                             (9, "promoter"), (10, "promoter")])
def test_scores_fall_into_the_three_classes_at_the_documented_bounds(score, expected):
    assert score_class(score) == expected


def test_nps_of_a_hand_computed_set():
    # 5 promoters, 3 passives, 2 detractors: p = 0.5, d = 0.2, NPS = 30
    result = nps_from_scores([10, 9, 9, 10, 9, 7, 8, 7, 0, 6])
    assert (result.promoters, result.passives, result.detractors, result.responses) == (5, 3, 2, 10)
    assert result.nps == pytest.approx(30.0)
    assert result.margin_of_error == pytest.approx(1.96 * math.sqrt((0.5 + 0.2 - 0.3 ** 2) / 10) * 100)
    assert result.margin_of_error == pytest.approx(48.41, abs=0.01)


def test_no_answers_give_null_nps_and_margin():
    result = nps_from_counts(0, 0, 0)
    assert result.nps is None and result.margin_of_error is None and result.responses == 0


def test_all_promoters_have_nps_100_and_zero_margin():
    result = nps_from_scores([9, 10, 10])
    assert result.nps == 100 and result.margin_of_error == 0


def test_only_each_respondents_latest_answer_counts():
    answers = [("ann", ts(1), 1, 0), ("ann", ts(5), 2, 10), ("bob", ts(3), 3, 9), ("bob", ts(2), 4, 2)]
    assert sorted(latest_scores(answers)) == [9, 10]
    assert nps_from_answers(answers).nps == 100


def test_answers_at_the_same_moment_are_decided_by_the_later_stored_one():
    answers = [("ann", ts(1), 7, 3), ("ann", ts(1), 8, 9)]
    assert latest_scores(answers) == [9]


def test_small_samples_are_marked_below_30_answers():
    assert nps_from_scores([9] * 29).small_sample
    assert not nps_from_scores([9] * 30).small_sample


def test_distribution_counts_each_score():
    assert distribution([0, 10, 10, 7]) == [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2]
