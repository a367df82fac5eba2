"""Health-score maths: components 0..100 with a sentence each, weights, bands (no DB, no Flask)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

DEFAULT_WEIGHTS = {"usage": 30, "adoption": 20, "sentiment": 15, "engagement": 10, "plan": 15, "maturity": 10}
DEFAULT_BANDS = {"red_below": 40, "green_from": 70}
COMPONENT_LABELS = {
    "usage": "Usage",
    "adoption": "Key-feature adoption",
    "sentiment": "Sentiment (NPS)",
    "engagement": "Portal engagement",
    "plan": "Success-plan progress",
    "maturity": "Maturity",
}
FULL_UTILISATION = 0.8  # 80% of seats active in 28 days scores 100
FULL_ADOPTION = 0.5  # each key feature used by half the active people scores 100


@dataclass
class AccountInputs:
    """Plain figures about one account on one day; None means no data."""

    seats: int = 0
    users_28d: int = 0  # distinct users active in the last 28 days
    user_days_28d: int = 0  # sum of daily active users, last 28 days
    user_days_prev_28d: int = 0  # the same over the 28 days before
    has_usage_before: bool = False  # any usage day before the last 28 days
    key_features: int = 0  # key features the vendor defined
    key_features_used_28d: int = 0  # of them, used in the last 28 days
    key_feature_share: float = 0.0  # mean over key features of (its users ÷ active users), last 28 days
    nps: Optional[float] = None  # NPS over the last 365 days, latest answer per respondent
    nps_responses: int = 0
    engagement_90d: Optional[int] = None  # portal interactions in 90 days; None: never engaged
    plan_progress: Optional[float] = None  # 0..100
    maturity_level: Optional[int] = None  # 1..5
    as_of: Optional[date] = None  # the day scored: sentences name their window by it, not by "the last"


def _window(inp: AccountInputs, span: str) -> str:
    """'the 28 days to 30 Sep 2026' (a stored score is read long after its day), else 'the last 28 days'."""
    if inp.as_of is None:
        return f"the last {span}"
    return f"the {span} to {inp.as_of.day} {inp.as_of:%b %Y}"


@dataclass
class Component:
    """One part of the score."""

    name: str
    score: float  # 0..100
    explanation: str
    weight: float = 0.0  # effective weight in % (the weights of present components add to 100)
    contribution: float = 0.0  # weight × score / 100


@dataclass
class HealthResult:
    """The score of an account, its band and its components."""

    score: float
    band: str
    components: list[Component] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def as_dicts(self) -> list[dict]:
        """Components as JSON-ready dicts."""
        return [
            {"name": c.name, "weight": c.weight, "score": c.score, "contribution": c.contribution, "explanation": c.explanation}
            for c in self.components
        ]


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def usage_component(inp: AccountInputs) -> Component:
    """Seat utilisation (60%) and the trend of active users (40%): the leading indicator."""
    if inp.seats > 0:
        utilisation = inp.users_28d / inp.seats
        seat_text = f"{inp.users_28d} of {inp.seats} licensed seats ({utilisation:.0%}) were used in {_window(inp, '28 days')}"
    else:
        utilisation = 1.0 if inp.users_28d else 0.0
        seat_text = f"{inp.users_28d} people used the product in {_window(inp, '28 days')} (no licensed seats recorded)"
    utilisation_score = _clamp(utilisation / FULL_UTILISATION * 100)
    if inp.user_days_prev_28d > 0:
        change = inp.user_days_28d / inp.user_days_prev_28d - 1
        trend_score = _clamp(50 + change * 100)
        direction = "up" if change >= 0 else "down"
        trend_text = f"daily active users are {direction} {abs(change):.0%} on the 4 weeks before"
        score = 0.6 * utilisation_score + 0.4 * trend_score
    else:
        trend_text = "there is no earlier usage to show a trend yet"
        score = utilisation_score
    return Component("usage", round(score, 1), f"{seat_text}; {trend_text}.")


def adoption_component(inp: AccountInputs) -> Optional[Component]:
    """How widely the key features are used: the mean share of active people using each, 50% or more scores 100."""
    if inp.key_features <= 0:
        return None
    return Component(
        "adoption", round(_clamp(inp.key_feature_share / FULL_ADOPTION * 100), 1),
        f"{inp.key_features_used_28d} of the {inp.key_features} key features were used in {_window(inp, '28 days')}; "
        f"on average each was used by {inp.key_feature_share:.0%} of the people active (half of them or more scores full marks).",
    )


def sentiment_component(inp: AccountInputs) -> Optional[Component]:
    """NPS mapped from -100..100 to 0..100."""
    if inp.nps is None or inp.nps_responses <= 0:
        return None
    answers = "answer" if inp.nps_responses == 1 else "answers"
    return Component(
        "sentiment", round(_clamp((inp.nps + 100) / 2), 1),
        f"Your NPS over {_window(inp, '12 months')} is {inp.nps:+.0f} from {inp.nps_responses} {answers}.",
    )


def engagement_component(inp: AccountInputs) -> Optional[Component]:
    """Portal interactions in 90 days against one per four licensed seats (at least 5)."""
    if inp.engagement_90d is None:
        return None
    target = max(5, -(-inp.seats // 4))
    return Component(
        "engagement", round(_clamp(inp.engagement_90d / target * 100), 1),
        f"Your team had {inp.engagement_90d} portal visits, article reads, survey answers and assessments "
        f"in {_window(inp, '90 days')}; {target} or more scores full marks.",
    )


def plan_component(inp: AccountInputs) -> Optional[Component]:
    """Progress on the success plan."""
    if inp.plan_progress is None:
        return None
    return Component("plan", round(_clamp(inp.plan_progress), 1),
                     f"Your success plan is {inp.plan_progress:.0f}% of the way to its targets.")


def maturity_component(inp: AccountInputs) -> Optional[Component]:
    """Maturity level 1..5 mapped to 0..100."""
    if inp.maturity_level is None:
        return None
    return Component("maturity", round(_clamp((inp.maturity_level - 1) / 4 * 100), 1),
                     f"Your latest maturity assessment puts you at level {inp.maturity_level} of 5.")


BUILDERS = (usage_component, adoption_component, sentiment_component, engagement_component, plan_component, maturity_component)


def band_for(score: float, bands: dict | None = None) -> str:
    """red below bands['red_below'], green from bands['green_from'], yellow between."""
    bands = bands or DEFAULT_BANDS
    if score < bands["red_below"]:
        return "red"
    if score < bands["green_from"]:
        return "yellow"
    return "green"


def combine(components: list[Component], weights: dict | None = None, bands: dict | None = None) -> HealthResult:
    """Weight the present components (scaling their weights up to 100) into a score and band."""
    weights = weights or DEFAULT_WEIGHTS
    present = [c for c in components if weights.get(c.name, 0) > 0]
    present_names = {c.name for c in present}
    missing = [name for name in weights if weights[name] > 0 and name not in present_names]
    total = sum(weights[c.name] for c in present)
    all_weights = sum(weights.values())
    note = ""
    if missing:
        note = ", ".join(COMPONENT_LABELS.get(m, m).lower() for m in missing)
    if total <= 0:
        return HealthResult(0.0, band_for(0.0, bands), [], missing)
    score = 0.0
    out = []
    for c in present:
        effective = weights[c.name] / total * 100
        raw = effective * c.score / 100
        score += raw
        explanation = c.explanation
        if missing:
            explanation += (f" It counts {effective:.1f}% instead of {weights[c.name] / all_weights * 100:.0f}% "
                            f"because there is no data yet for {note}.")
        out.append(Component(c.name, c.score, explanation, round(effective, 1), round(raw, 1)))
    score = round(score, 1)
    return HealthResult(score, band_for(score, bands), out, missing)


def score_account(inp: AccountInputs, weights: dict | None = None, bands: dict | None = None) -> HealthResult:
    """The health of one account from its figures."""
    components = [c for c in (build(inp) for build in BUILDERS) if c is not None]
    return combine(components, weights, bands)


def rescore(components: list[dict], weights: dict, bands: dict) -> HealthResult:
    """Score stored components again with other weights or bands (for the settings preview)."""
    return combine([Component(c["name"], float(c["score"]), c["explanation"].split(" It counts ")[0]) for c in components],
                   weights, bands)


def biggest_lever(result: HealthResult) -> Optional[tuple[Component, float]]:
    """The component whose improvement to 100 would raise the score most, and by how many points."""
    best = None
    for c in result.components:
        gain = c.weight * (100 - c.score) / 100
        if gain > 0.05 and (best is None or gain > best[1]):
            best = (c, round(gain, 1))
    return best


def validate_weights(weights: dict) -> list[str]:
    """Problems with a set of weights (empty when they may be saved)."""
    problems = []
    for name, value in weights.items():
        if value is None or value < 0:
            problems.append(f"The weight of {COMPONENT_LABELS.get(name, name).lower()} must be 0 or more.")
    if not problems and sum(weights.values()) <= 0:
        problems.append("At least one weight must be above 0.")
    return problems


def validate_bands(bands: dict) -> list[str]:
    """Problems with band thresholds (empty when they may be saved)."""
    red, green = bands.get("red_below"), bands.get("green_from")
    if red is None or green is None or not (0 < red < green <= 100):
        return ["The thresholds must be in order: 0 < red below < green from ≤ 100."]
    return []
