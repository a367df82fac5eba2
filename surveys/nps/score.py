"""NPS maths on plain data: classes of scores, the score itself and its 95% margin of error.

NPS = % promoters (9-10) minus % detractors (0-6), over each respondent's latest answer.
Margin of error (95%, in NPS points) = 1.96 × sqrt((p + d − (p − d)²) / n) × 100.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Hashable, Iterable

SMALL_SAMPLE = 30  # fewer answers than this: the figure is marked as a small sample


def score_class(score: int) -> str:
    """promoter (9-10), passive (7-8) or detractor (0-6)."""
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


@dataclass(frozen=True)
class NpsResult:
    """NPS with its counts and 95% margin; nps and margin are None when nobody answered."""

    nps: float | None
    responses: int
    promoters: int
    passives: int
    detractors: int
    margin_of_error: float | None

    @property
    def small_sample(self) -> bool:
        """True when fewer than SMALL_SAMPLE answers were counted."""
        return self.responses < SMALL_SAMPLE

    def as_dict(self) -> dict:
        """The fields of the API answer."""
        return asdict(self)


def nps_from_counts(promoters: int, passives: int, detractors: int) -> NpsResult:
    """NPS and its margin from the numbers of promoters, passives and detractors."""
    n = promoters + passives + detractors
    if n == 0:
        return NpsResult(None, 0, 0, 0, 0, None)
    p = promoters / n
    d = detractors / n
    variance = max(0.0, p + d - (p - d) ** 2)  # guards against a tiny negative from rounding
    margin = 1.96 * math.sqrt(variance / n) * 100
    return NpsResult((promoters - detractors) * 100 / n, n, promoters, passives, detractors, margin)


def nps_from_scores(scores: Iterable[int]) -> NpsResult:
    """NPS over a list of scores (one per respondent)."""
    counts = {"promoter": 0, "passive": 0, "detractor": 0}
    for score in scores:
        counts[score_class(score)] += 1
    return nps_from_counts(counts["promoter"], counts["passive"], counts["detractor"])


def latest_scores(answers: Iterable[tuple[Hashable, datetime, int, int]]) -> list[int]:
    """Each respondent's latest score from (respondent, ts, tie_breaker, score); equal ts: higher tie_breaker wins."""
    latest: dict[Hashable, tuple[datetime, int, int]] = {}
    for respondent, ts, tie_breaker, score in answers:
        key = (ts, tie_breaker)
        if respondent not in latest or key > latest[respondent][:2]:
            latest[respondent] = (ts, tie_breaker, score)
    return [score for _ts, _tie, score in latest.values()]


def nps_from_answers(answers: Iterable[tuple[Hashable, datetime, int, int]]) -> NpsResult:
    """NPS counting only each respondent's latest answer."""
    return nps_from_scores(latest_scores(answers))


def distribution(scores: Iterable[int]) -> list[int]:
    """How many answers gave each score 0..10."""
    counts = [0] * 11
    for score in scores:
        counts[score] += 1
    return counts
