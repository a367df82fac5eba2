"""The level rule, combining respondents, disagreement, peer quartiles and usage inference (pure functions)."""
from __future__ import annotations

import pytest

from surveys.maturity import scoring
from surveys.maturity.document import DocumentError, default_document, parse, render

NAMES = {1: "Initial", 2: "Developing", 3: "Defined", 4: "Managed", 5: "Optimising"}


@pytest.mark.parametrize("levels, expected", [([3], 3), ([3, 4], 3), ([4, 4, 5], 4), ([1, 5], 3), ([2, 2, 2, 5], 2)])
def test_dimension_level_is_the_mean_of_answer_levels_rounded_down(levels, expected):
    assert scoring.floor_mean(levels) == expected


def test_respondents_combine_into_one_level_per_dimension_and_overall():
    # Two respondents: Adoption answers 4, 3 and 5, 4 (mean 4.0); Process answers 2 and 3 (mean 2.5).
    result = scoring.combine([(1, 4), (1, 3), (1, 5), (1, 4), (2, 2), (2, 3)])
    assert result.dimension_levels == {1: 4, 2: 2}
    assert result.dimension_means == {1: 4.0, 2: 2.5}
    assert result.overall == 3  # mean of 4 and 2


def test_overall_level_rounds_down_the_mean_of_dimension_levels():
    result = scoring.combine([(1, 5), (2, 4), (3, 4)])
    assert result.overall == 4  # 13 / 3 = 4.33


def test_no_answers_give_no_result():
    assert scoring.combine([]) is None


def test_disagreement_is_a_gap_of_more_than_one_level_on_a_question():
    found = scoring.disagreements([(10, 1, 2), (11, 1, 4), (10, 2, 3), (11, 2, 4), (12, 2, 3)])
    assert [d.question for d in found] == [1]
    assert (found[0].lowest, found[0].highest) == (2, 4)
    assert found[0].levels_by_respondent == {10: 2, 11: 4}


def test_a_single_respondent_never_disagrees():
    assert scoring.disagreements([(10, 1, 1), (10, 2, 5)]) == []


def test_quartiles_of_peer_levels():
    assert scoring.quartiles([1, 2, 3, 4, 5]) == (1.5, 3.0, 4.5)
    assert scoring.quartiles([2, 2, 3, 4]) == (2.0, 2.5, 3.5)
    assert scoring.quartiles([3]) == (3.0, 3.0, 3.0)


def _cohort(others: int) -> dict[int, dict[str, int]]:
    cohort = {1: {"Adoption": 5, "Overall": 5}}
    cohort.update({100 + n: {"Adoption": 1 + n % 5, "Overall": 1 + n % 5} for n in range(others)})
    return cohort


def test_benchmark_is_hidden_with_four_other_accounts():
    assert scoring.benchmark(_cohort(4), own_account=1) is None


def test_benchmark_is_shown_with_five_other_accounts_and_leaves_the_account_itself_out():
    result = scoring.benchmark(_cohort(5), own_account=1)
    # Others are levels 1..5; the account's own 5 is not part of its peers.
    assert result["Adoption"] == (1.5, 3.0, 4.5, 5)
    assert result["Overall"] == (1.5, 3.0, 4.5, 5)


def test_benchmark_leaves_out_a_dimension_too_few_peers_rated():
    cohort = _cohort(5)
    cohort[100]["Integration"] = 3
    assert "Integration" not in scoring.benchmark(cohort, own_account=1)


def test_usage_suggests_the_highest_level_whose_features_and_all_below_were_used():
    links = [(2, "Reports"), (3, "Scheduled reports"), (4, "Alerts")]
    assert scoring.infer_level(links, {"Reports", "Scheduled reports", "Alerts"}).level == 4
    inference = scoring.infer_level(links, {"Reports", "Alerts"})
    assert inference.level == 2
    assert inference.missing_level == 3 and inference.missing_features == ("Scheduled reports",)
    assert scoring.infer_level(links, set()).level == 1
    assert scoring.infer_level([], {"Reports"}).level is None


def test_sentence_explains_a_self_rating_above_what_usage_shows():
    inference = scoring.infer_level([(2, "Reports"), (3, "Scheduled reports")], {"Reports"})
    sentence = scoring.difference_sentence("Measurement", 4, inference, NAMES)
    assert sentence == ("You rate Measurement as Managed; your usage suggests Developing: nobody used "
                        "Scheduled reports in the last 90 days, which Defined relies on.")


def test_sentence_when_usage_shows_more_than_the_self_rating_and_none_when_they_agree():
    inference = scoring.infer_level([(2, "Reports"), (3, "Alerts")], {"Reports", "Alerts"})
    assert "your team used Alerts and Reports" in scoring.difference_sentence("Measurement", 1, inference, NAMES)
    assert scoring.difference_sentence("Measurement", 3, inference, NAMES) is None


def test_default_model_document_round_trips():
    spec = parse(default_document())
    assert [name for _, name in spec.levels] == ["Initial", "Developing", "Defined", "Managed", "Optimising"]
    assert len(spec.dimensions) == 5 and all(d.questions for d in spec.dimensions)
    assert render(spec) == default_document()


def test_a_level_gap_is_refused_with_the_missing_level_named():
    text = default_document().replace("Level 3: Defined\n", "")
    with pytest.raises(DocumentError) as error:
        parse(text)
    assert "level 3 is missing" in str(error.value)


def test_a_dimension_without_questions_is_refused():
    text = default_document() + "\nDimension: Governance\nBehaviour 1: Nobody owns the product.\n"
    with pytest.raises(DocumentError) as error:
        parse(text)
    assert "The dimension 'Governance' has no question" in str(error.value)


def test_an_unreadable_line_and_an_option_for_an_unknown_level_are_refused():
    text = default_document() + "\nDimension: Extra\nQuestion: Which?\n- 1: One\n- 7: Seven\nsomething else\n"
    with pytest.raises(DocumentError) as error:
        parse(text)
    assert "option level 7 is not a level of the model" in str(error.value)
    assert "'something else' is not a Model, Level" in str(error.value)
