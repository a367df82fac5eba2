"""Health-score maths: components, scaling of missing ones, contributions, bands, validation."""
from __future__ import annotations

from datetime import date

import pytest

from analytics.health.scoring import (
    AccountInputs, Component, band_for, biggest_lever, combine, rescore, score_account, validate_bands, validate_weights,
)


def test_missing_components_are_left_out_and_the_rest_scaled_up():
    """With only usage and sentiment, their weights 30 and 15 become 66.7% and 33.3%."""
    result = combine([Component("usage", 60, "u."), Component("sentiment", 90, "s.")])
    assert [c.weight for c in result.components] == [66.7, 33.3]
    assert result.score == pytest.approx(60 * 30 / 45 + 90 * 15 / 45, abs=0.05)
    assert set(result.missing) == {"adoption", "engagement", "plan", "maturity"}
    assert "no data yet for" in result.components[0].explanation


def test_contributions_add_up_to_the_score():
    """Every combination of component scores: contributions sum to the score within 0.5."""
    inputs = AccountInputs(seats=37, users_28d=23, user_days_28d=301, user_days_prev_28d=377, key_features=7,
                           key_features_used_28d=3, nps=13.3, nps_responses=15, engagement_90d=7,
                           plan_progress=41.7, maturity_level=3)
    result = score_account(inputs)
    assert len(result.components) == 6
    assert abs(sum(c.contribution for c in result.components) - result.score) <= 0.5
    assert sum(c.weight for c in result.components) == pytest.approx(100, abs=0.2)
    assert all(c.explanation.endswith(".") for c in result.components)


def test_usage_component_by_hand():
    """20 of 25 seats (80%) and user-days up 10%: 0.6 × 100 + 0.4 × 60 = 84."""
    result = score_account(AccountInputs(seats=25, users_28d=20, user_days_28d=440, user_days_prev_28d=400))
    usage = result.components[0]
    assert usage.score == 84.0
    assert "20 of 25 licensed seats (80%)" in usage.explanation
    assert "up 10%" in usage.explanation
    assert result.score == 84.0 and result.band == "green"


def test_a_scored_day_names_its_windows_by_date():
    """A score stored for 30 Sep is read in a review months later: its sentences say "to 30 Sep 2026"."""
    inputs = AccountInputs(seats=10, users_28d=4, key_features=2, key_features_used_28d=1, key_feature_share=0.3,
                           nps=20, nps_responses=5, engagement_90d=3, as_of=date(2026, 9, 30))
    sentences = " ".join(c.explanation for c in score_account(inputs).components)
    assert "4 of 10 licensed seats (40%) were used in the 28 days to 30 Sep 2026" in sentences
    assert "over the 12 months to 30 Sep 2026" in sentences and "in the 90 days to 30 Sep 2026" in sentences
    assert "last" not in sentences


@pytest.mark.parametrize("score, band", [(0, "red"), (39.9, "red"), (40, "yellow"), (69.9, "yellow"), (70, "green"), (100, "green")])
def test_bands_follow_the_thresholds(score, band):
    """Red below 40, yellow below 70, green from 70."""
    assert band_for(score) == band


def test_other_band_thresholds_move_accounts():
    """A score of 65 is yellow by default but green when green starts at 60."""
    assert band_for(65, {"red_below": 30, "green_from": 60}) == "green"


def test_rescore_with_other_weights():
    """Stored components scored again with usage alone give the usage score."""
    stored = combine([Component("usage", 30, "u."), Component("sentiment", 90, "s.")]).as_dicts()
    result = rescore(stored, {"usage": 1, "adoption": 0, "sentiment": 0, "engagement": 0, "plan": 0, "maturity": 0},
                     {"red_below": 40, "green_from": 70})
    assert result.score == 30 and result.band == "red"


def test_biggest_lever_names_the_component_worth_most():
    """Usage at 20 with weight 66.7 can add 53.3 points, more than sentiment can."""
    result = combine([Component("usage", 20, "u."), Component("sentiment", 80, "s.")])
    component, gain = biggest_lever(result)
    assert component.name == "usage" and gain == pytest.approx(53.4, abs=0.1)


def test_weights_and_bands_validation():
    """Negative or all-zero weights and thresholds out of order are refused."""
    assert validate_weights({"usage": -1, "plan": 5})
    assert validate_weights({"usage": 0, "plan": 0})
    assert validate_weights({"usage": 10, "plan": 0}) == []
    assert validate_bands({"red_below": 70, "green_from": 40})
    assert validate_bands({"red_below": 40, "green_from": 101})
    assert validate_bands({"red_below": 40, "green_from": 70}) == []
