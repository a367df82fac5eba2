"""Demo data of the maturity feature: the default model and a year of assessments that follow each account's story."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import insert, select

from models.db import Session
from models.maturity import (
    AssessmentAnswer,
    AssessmentResponse,
    AssessmentRound,
    AssessmentRoundLevel,
    MaturityBehaviour,
    MaturityModel,
)
from models.usage import EngagementEvent, KeyFeature
from surveys.maturity.scoring import combine
from surveys.maturity.services import ensure_default_model

ROUND_EVERY_DAYS = 90  # a demo account is assessed about once a quarter
SHARE_ASSESSED = 0.85  # most accounts, not all: some never took it
# Words in a key feature's key that say which dimension its use shows.
DIMENSION_HINTS = (("Measurement", ("report", "alert", "dashboard", "metric", "export")),
                   ("Integration", ("api", "integration", "import", "sync", "webhook")),
                   ("Process", ("workflow", "automation", "rule", "template")),
                   ("Team enablement", ("training", "academy", "help")))


def _link_key_features(model: MaturityModel) -> None:
    """Tie key features that carry a maturity level to a behaviour of that level, by the words in their key."""
    linked = {b.key_feature_id for d in model.dimensions for b in d.behaviours if b.key_feature_id}
    features = Session.scalars(select(KeyFeature).where(KeyFeature.maturity_level.is_not(None))).all()
    by_name = {d.name: d for d in model.dimensions}
    for feature in features:
        if feature.id in linked:
            continue
        name = next((dim for dim, words in DIMENSION_HINTS if any(w in feature.feature.lower() for w in words)),
                    "Adoption")
        dimension = by_name.get(name) or model.dimensions[0]
        behaviour = next((b for b in dimension.behaviours if b.level == feature.maturity_level and not b.key_feature_id),
                         None)
        if behaviour is None and feature.maturity_level <= max(level.number for level in model.levels):
            behaviour = MaturityBehaviour(level=feature.maturity_level, position=9, text=f"The team uses {feature.name}.")
            dimension.behaviours.append(behaviour)
        if behaviour is not None:
            behaviour.key_feature_id = feature.id
    Session.flush()


def _targets(story: str, index: int, count: int, base: dict[str, int]) -> dict[str, int]:
    """The level each dimension stands at in the index-th of count rounds, by the account's story."""
    late = index == count - 1
    shift = {
        "healthy": index * 2 // max(count, 1),  # climbs about one level over the year
        "declining": -1 if late and count > 1 else 0,  # drops a level lately
        "recovering": (-1 if index == count // 2 else (1 if late else 0)),
        "new": 0,
    }.get(story, 0)
    return {name: max(1, min(5, level + shift)) for name, level in base.items()}


def seed_maturity(ctx) -> None:
    """The default model, then assessments about every quarter for most accounts, consistent with their story."""
    model = ensure_default_model()
    _link_key_features(model)
    questions = [(d.id, d.name, q.id, {o.level: o.id for o in q.options}) for d in model.dimensions for q in d.questions]
    rng = ctx.rng
    plans = []  # (account, respondents, opened_at, taken_on, {question id: [levels per respondent]})
    for position, account in enumerate(ctx.accounts):
        people = ctx.customers.get(account.id, [])
        if not people or (position > 0 and rng.random() > SHARE_ASSESSED):
            continue
        story = ctx.stories.get(account.id, "healthy")
        first_day = max(ctx.start, account.customer_since + timedelta(days=14))
        # Rounds every quarter, the latest between 35 and 60 days ago so a new round can start in the demo.
        latest_day = ctx.today - timedelta(days=rng.randint(35, 60))
        days = []
        day = latest_day
        while day >= first_day:
            days.append(day)
            day -= timedelta(days=ROUND_EVERY_DAYS + rng.randint(-10, 10))
        if not days and story == "new" and first_day <= ctx.today - timedelta(days=2):
            days = [ctx.today - timedelta(days=rng.randint(1, max(1, (ctx.today - first_day).days)))]
        days.reverse()
        start = 1 if story == "new" else (3 if story == "declining" else 2)
        base = {name: max(1, min(4, start + rng.choice((-1, 0, 0, 1)))) for _, name, _, _ in questions}
        previous_overall = None
        for index, taken_on in enumerate(days):
            targets = _targets(story, index, len(days), base)
            respondents = rng.sample(people, k=min(len(people), rng.choice((1, 2, 2, 3))))
            answers = {qid: [max(1, min(5, targets[name] + rng.choice((0, 0, 0, 1, -1)))) for _ in respondents]
                       for _, name, qid, _ in questions}
            result = combine([(dim, level) for dim, _, qid, _ in questions for level in answers[qid]])
            if story == "declining" and index == len(days) - 1 and previous_overall and result.overall >= previous_overall:
                answers = {qid: [max(1, level - 1) for level in levels] for qid, levels in answers.items()}
            previous_overall = combine([(dim, level) for dim, _, qid, _ in questions for level in answers[qid]]).overall
            opened = datetime.combine(taken_on - timedelta(days=rng.randint(0, 4)), time(9), tzinfo=timezone.utc)
            plans.append((account, respondents, opened, taken_on, answers))
    if not plans:
        return
    round_ids = Session.scalars(insert(AssessmentRound).returning(AssessmentRound.id, sort_by_parameter_order=True), [
        {"account_id": account.id, "model_id": model.id, "opened_at": opened, "taken_on": taken_on,
         "overall_level": combine([(dim, lv) for dim, _, qid, _ in questions for lv in answers[qid]]).overall,
         "respondents": len(people)}
        for account, people, opened, taken_on, answers in plans]).all()
    response_rows, level_rows, engagement_rows = [], [], []
    for round_id, (account, people, opened, taken_on, answers) in zip(round_ids, plans):
        submitted = datetime.combine(taken_on, time(15), tzinfo=timezone.utc)
        for person in people:
            response_rows.append({"round_id": round_id, "account_id": account.id, "user_id": person.id,
                                  "status": "submitted", "started_at": opened, "updated_at": submitted,
                                  "submitted_at": submitted})
            engagement_rows.append({"account_id": account.id, "user_id": person.id, "kind": "assessment",
                                    "ts": submitted})
        result = combine([(dim, lv) for dim, _, qid, _ in questions for lv in answers[qid]])
        level_rows += [{"round_id": round_id, "dimension_id": dim, "account_id": account.id, "level": level,
                        "mean": result.dimension_means[dim]} for dim, level in result.dimension_levels.items()]
    response_ids = Session.scalars(
        insert(AssessmentResponse).returning(AssessmentResponse.id, sort_by_parameter_order=True), response_rows).all()
    answer_rows = []
    response_iter = iter(response_ids)
    for account, people, _, _, answers in plans:
        for person_index, _person in enumerate(people):
            response_id = next(response_iter)
            answer_rows += [{"response_id": response_id, "account_id": account.id, "question_id": qid,
                             "option_id": options[answers[qid][person_index]], "level": answers[qid][person_index]}
                            for _, _, qid, options in questions]
    Session.execute(insert(AssessmentAnswer), answer_rows)
    Session.execute(insert(AssessmentRoundLevel), level_rows)
    Session.execute(insert(EngagementEvent), engagement_rows)
