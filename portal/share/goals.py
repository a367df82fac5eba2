"""Success-plan goals and maturity results as a review freezes them (plain JSON-ready data)."""
from __future__ import annotations

from analytics.plan.queries import plan_views
from models.accounts import Account
from core.period import Period
from surveys.maturity.queries import level_names_of, rounds_with_results


def plan_goals(account: Account, period: Period) -> list[dict]:
    """Each success-plan metric begun by the period's end: baseline, target, value and progress at that day."""
    goals = []
    for view in plan_views(account, as_of=period.end):
        metric = view.metric
        if metric.baseline_date > period.end:
            continue
        goals.append({
            "name": metric.name, "unit": metric.unit,
            "baseline": metric.baseline_value, "baseline_date": metric.baseline_date.isoformat(),
            "target": metric.target_value, "target_date": metric.target_date.isoformat(),
            "current": round(view.assessment.current, 2), "current_date": view.current_day.isoformat(),
            "progress_percent": round(view.assessment.progress_capped, 1), "on_track": view.assessment.on_track,
            "explanation": view.assessment.explanation,
        })
    return goals


def maturity_history(account: Account, period: Period) -> dict:
    """The overall maturity level of every self-assessment taken by the period's end, oldest first."""
    rounds = [r for r in rounds_with_results(account.id) if r.taken_on and r.taken_on <= period.end]
    names = level_names_of(rounds[-1].model_id) if rounds else {}
    return {"levels": len(names),
            "rounds": [{"taken_on": r.taken_on.isoformat(), "level": r.overall_level,
                        "level_name": names.get(r.overall_level, "")} for r in rounds]}
