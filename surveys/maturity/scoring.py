"""Maturity scoring: the level rule, combining respondents, disagreement, peer quartiles, usage inference.

Pure functions on plain data; no Flask, no database. The same rule is used by the
pages, the dashboard card, the health score feed and the demo.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median

RULE_TEXT = (
    "The level of a dimension is the mean of the levels of every answer given to its questions by every "
    "respondent of the round, rounded down; the overall level is the mean of the dimension levels, rounded down."
)
MIN_PEERS = 5  # the benchmark needs at least this many OTHER accounts of the tier, so none can be singled out
DISAGREEMENT_GAP = 2  # respondents disagree when their answers to a question are this many levels apart or more


def floor_mean(levels: list[int]) -> int:
    """The mean of whole levels, rounded down (exact integer arithmetic, no float surprises)."""
    if not levels:
        raise ValueError("no levels to average")
    return sum(levels) // len(levels)


@dataclass(frozen=True)
class RoundResult:
    """A round's combined result: level and unrounded mean per dimension, and the overall level."""

    dimension_levels: dict[int, int]
    dimension_means: dict[int, float]
    overall: int


def combine(answers: list[tuple[int, int]]) -> RoundResult | None:
    """Combine (dimension key, answer level) pairs of every respondent into the round's result."""
    by_dimension: dict[int, list[int]] = {}
    for dimension, level in answers:
        by_dimension.setdefault(dimension, []).append(level)
    if not by_dimension:
        return None
    levels = {dimension: floor_mean(values) for dimension, values in by_dimension.items()}
    means = {dimension: sum(values) / len(values) for dimension, values in by_dimension.items()}
    return RoundResult(levels, means, floor_mean(list(levels.values())))


@dataclass(frozen=True)
class Disagreement:
    """A question on which respondents' answers are more than one level apart."""

    question: int
    lowest: int
    highest: int
    levels_by_respondent: dict[int, int]


def disagreements(answers: list[tuple[int, int, int]]) -> list[Disagreement]:
    """(respondent, question, level) triples -> the questions where answers differ by more than one level."""
    by_question: dict[int, dict[int, int]] = {}
    for respondent, question, level in answers:
        by_question.setdefault(question, {})[respondent] = level
    found = []
    for question, levels in by_question.items():
        lowest, highest = min(levels.values()), max(levels.values())
        if highest - lowest >= DISAGREEMENT_GAP:
            found.append(Disagreement(question, lowest, highest, levels))
    return found


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """First quartile, median and third quartile (medians of the lower and upper halves)."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("no values")
    half = n // 2
    lower = ordered[:half] if n > 1 else ordered
    upper = ordered[half + (n % 2):] if n > 1 else ordered
    return float(median(lower)), float(median(ordered)), float(median(upper))


def benchmark(cohort: dict[int, dict[str, int]], own_account: int) -> dict[str, tuple[float, float, float, int]] | None:
    """Per key (dimension name or "overall"): (Q1, median, Q3, accounts) over the OTHER accounts of the cohort.

    None when fewer than MIN_PEERS other accounts have a result, so no account can be identified.
    """
    others = {account: levels for account, levels in cohort.items() if account != own_account}
    if len(others) < MIN_PEERS:
        return None
    by_key: dict[str, list[int]] = {}
    for levels in others.values():
        for key, level in levels.items():
            by_key.setdefault(key, []).append(level)
    return {key: (*quartiles(values), len(values)) for key, values in by_key.items() if len(values) >= MIN_PEERS}


@dataclass(frozen=True)
class Inference:
    """The level usage suggests in a dimension and the features that hold it back."""

    level: int | None  # None: no behaviour of this dimension is tied to a key feature
    missing_level: int | None  # the first level whose features were not all used
    missing_features: tuple[str, ...]  # those unused features (display names)
    used_features: tuple[str, ...]  # tied features that were used


def infer_level(behaviours: list[tuple[int, str]], used: set[str]) -> Inference:
    """(level, feature name) links of one dimension and the features used -> the level usage suggests.

    The suggested level is the highest level with tied features such that every feature tied to it
    and to every lower level was used; 1 when even the lowest tied level is not met.
    """
    by_level: dict[int, set[str]] = {}
    for level, feature in behaviours:
        by_level.setdefault(level, set()).add(feature)
    if not by_level:
        return Inference(None, None, (), ())
    inferred = 1
    for level in sorted(by_level):
        missing = sorted(by_level[level] - used)
        if missing:
            used_names = tuple(sorted(f for features in by_level.values() for f in features if f in used))
            return Inference(inferred, level, tuple(missing), used_names)
        inferred = max(inferred, level)
    return Inference(inferred, None, (), tuple(sorted(f for features in by_level.values() for f in features)))


def _names(items: tuple[str, ...]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def difference_sentence(dimension: str, own: int, inference: Inference, level_names: dict[int, str],
                        window_days: int = 90) -> str | None:
    """A sentence when the self-assessed and the usage-suggested levels differ; None when they agree."""
    if inference.level is None or inference.level == own:
        return None
    own_name = level_names.get(own, str(own))
    data_name = level_names.get(inference.level, str(inference.level))
    if inference.level < own and inference.missing_features:
        needed = level_names.get(inference.missing_level, str(inference.missing_level))
        return (f"You rate {dimension} as {own_name}; your usage suggests {data_name}: nobody used "
                f"{_names(inference.missing_features)} in the last {window_days} days, which {needed} relies on.")
    if inference.level < own:
        # Every tied feature is in use, but none is tied to a level above: usage cannot show more than this.
        used = (f"your team used {_names(inference.used_features)} in the last {window_days} days"
                if inference.used_features else f"in the last {window_days} days")
        return (f"You rate {dimension} as {own_name}; your usage suggests {data_name}: {used}, and no key feature "
                f"is tied to the levels above {data_name}, so usage cannot show more.")
    return (f"You rate {dimension} as {own_name}, but your usage suggests {data_name}: your team used "
            f"{_names(inference.used_features)} in the last {window_days} days.")
