"""Reads of the maturity feature: latest levels (health score feed), drops (warnings), results, history, peers.

Functions taking an account id expect the caller to have checked that the user may see it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, select

from core.tiers import tier_by_account
from knowledge.recommend import articles_for_levels
from models.accounts import User
from models.db import Session, utcnow
from models.knowledge import Article, kb_article_feature
from models.maturity import (
    AssessmentAnswer,
    AssessmentResponse,
    AssessmentRound,
    AssessmentRoundLevel,
    MaturityBehaviour,
    MaturityDimension,
    MaturityLevel,
    MaturityOption,
    MaturityQuestion,
)
from models.usage import KeyFeature, UsageFeatureDay
from surveys.maturity import scoring

USAGE_WINDOW_DAYS = 90


def _round_order():
    return AssessmentRound.opened_at.desc(), AssessmentRound.id.desc()


def latest_levels() -> dict[int, tuple[int, int | None]]:
    """account id -> (latest overall level, previous overall level or None), over rounds with a result."""
    ranked = (
        select(AssessmentRound.account_id, AssessmentRound.overall_level,
               func.row_number().over(partition_by=AssessmentRound.account_id, order_by=_round_order()).label("rank"))
        .where(AssessmentRound.overall_level.is_not(None))
        .subquery()
    )
    levels: dict[int, list[int | None]] = {}
    for row in Session.execute(select(ranked).where(ranked.c.rank <= 2).order_by(ranked.c.account_id, ranked.c.rank)):
        levels.setdefault(row.account_id, [None, None])[row.rank - 1] = row.overall_level
    return {account_id: (latest, previous) for account_id, (latest, previous) in levels.items()}


def level_drops(since: date) -> list[tuple[int, int, int, date]]:
    """(account id, previous overall, latest overall, taken on) for rounds since that day rated below the one before."""
    ordered = (
        select(AssessmentRound.account_id, AssessmentRound.overall_level, AssessmentRound.taken_on,
               func.lag(AssessmentRound.overall_level).over(
                   partition_by=AssessmentRound.account_id,
                   order_by=(AssessmentRound.opened_at, AssessmentRound.id)).label("previous"),
               func.row_number().over(partition_by=AssessmentRound.account_id, order_by=_round_order()).label("rank"))
        .where(AssessmentRound.overall_level.is_not(None))
        .subquery()
    )
    rows = Session.execute(
        select(ordered).where(ordered.c.taken_on >= since, ordered.c.previous.is_not(None),
                              ordered.c.overall_level < ordered.c.previous)
        .order_by(ordered.c.taken_on, ordered.c.account_id)
    ).all()
    return [(row.account_id, row.previous, row.overall_level, row.taken_on) for row in rows]


def rounds_with_results(account_id: int) -> list[AssessmentRound]:
    """The account's rounds that have a result, oldest first."""
    return list(Session.scalars(
        select(AssessmentRound)
        .where(AssessmentRound.account_id == account_id, AssessmentRound.overall_level.is_not(None))
        .order_by(AssessmentRound.opened_at, AssessmentRound.id)))


def levels_by_dimension_name(rounds) -> dict[int, dict[str, int]]:
    """round id -> {dimension name: level} of these rounds (anything with account_id and id), compared by name."""
    round_ids = [r.id for r in rounds]
    rows = Session.execute(
        select(AssessmentRoundLevel.round_id, MaturityDimension.name, AssessmentRoundLevel.level)
        .join(MaturityDimension, MaturityDimension.id == AssessmentRoundLevel.dimension_id)
        # The accounts too: the key is (account_id, round_id, ...), and a page's rounds are one account's.
        .where(AssessmentRoundLevel.account_id.in_(sorted({r.account_id for r in rounds})),
               AssessmentRoundLevel.round_id.in_(round_ids))
    ).all()
    found: dict[int, dict[str, int]] = {round_id: {} for round_id in round_ids}
    for row in rows:
        found[row.round_id][row.name] = row.level
    return found


@dataclass
class DimensionResult:
    """One dimension of a round's result, with what the next level asks."""

    name: str
    level: int
    mean: float
    level_name: str
    next_level_name: str | None
    next_steps: list[str] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)  # {"slug", "title", "url"}


def article_links(slugs: set[str], key_feature_ids: set[int]) -> tuple[dict[str, dict], dict[int, list[dict]]]:
    """Published knowledge articles: by slug, and by the key feature they help with ({"slug", "title", "url"})."""
    def link(article) -> dict:
        return {"slug": article.slug, "title": article.title, "url": f"/kb/{article.slug}"}

    by_slug = {a.slug: link(a) for a in Session.scalars(
        select(Article).where(Article.slug.in_(slugs), Article.status == "published"))} if slugs else {}
    by_feature: dict[int, list[dict]] = {}
    if key_feature_ids:
        rows = Session.execute(
            select(kb_article_feature.c.key_feature_id, Article)
            .join(Article, Article.id == kb_article_feature.c.article_id)
            .where(kb_article_feature.c.key_feature_id.in_(key_feature_ids), Article.status == "published")
            .order_by(Article.title)).all()
        for feature_id, article in rows:
            by_feature.setdefault(feature_id, []).append(link(article))
    return by_slug, by_feature


def level_articles(levels: list[int]) -> list[dict]:
    """Published articles the knowledge base ties to these maturity levels."""
    return [{"slug": a.slug, "title": a.title, "url": f"/kb/{a.slug}"} for a in articles_for_levels(levels)]


def round_results(assessment_round: AssessmentRound) -> list[DimensionResult]:
    """Level per dimension of a round, the next level's behaviours as steps and their articles."""
    level_names = {level.number: level.name for level in assessment_round.model.levels}
    top = max(level_names)
    stored = {row.dimension_id: row for row in Session.scalars(
        select(AssessmentRoundLevel).where(AssessmentRoundLevel.account_id == assessment_round.account_id,
                                           AssessmentRoundLevel.round_id == assessment_round.id))}
    results, slugs, features, wanted = [], set(), set(), {}
    for dimension in assessment_round.model.dimensions:
        row = stored.get(dimension.id)
        if row is None:
            continue
        next_level = row.level + 1 if row.level < top else None
        steps = [b for b in dimension.behaviours if b.level == next_level]
        slugs |= {b.article_slug for b in steps if b.article_slug}
        features |= {b.key_feature_id for b in steps if b.key_feature_id}
        result = DimensionResult(dimension.name, row.level, row.mean, level_names[row.level],
                                 level_names.get(next_level), [b.text for b in steps])
        wanted[dimension.name] = steps
        results.append(result)
    by_slug, by_feature = article_links(slugs, features)
    for result in results:
        seen: dict[str, dict] = {}
        for step in wanted[result.name]:
            for article in ([by_slug[step.article_slug]] if step.article_slug in by_slug else []) + \
                    by_feature.get(step.key_feature_id, []):
                seen.setdefault(article["slug"], article)
        result.articles = list(seen.values())
    return results


@dataclass
class DisagreementView:
    """A question the respondents answered more than one level apart."""

    dimension: str
    question: str
    answers: list[tuple[str, int, str]]  # (respondent name, level, option text)


def round_disagreements(assessment_round: AssessmentRound) -> list[DisagreementView]:
    """Questions of the round where submitted answers differ by more than one level, in model order."""
    rows = Session.execute(
        select(AssessmentResponse.user_id, User.name, User.email, AssessmentAnswer.question_id,
               AssessmentAnswer.level, MaturityOption.text.label("option"), MaturityQuestion.text.label("question"),
               MaturityDimension.name.label("dimension"), MaturityDimension.position, MaturityQuestion.position.label("qpos"))
        .join(AssessmentAnswer, and_(AssessmentAnswer.account_id == AssessmentResponse.account_id,
                                     AssessmentAnswer.response_id == AssessmentResponse.id))
        .join(User, User.id == AssessmentResponse.user_id)
        .join(MaturityOption, MaturityOption.id == AssessmentAnswer.option_id)
        .join(MaturityQuestion, MaturityQuestion.id == AssessmentAnswer.question_id)
        .join(MaturityDimension, MaturityDimension.id == MaturityQuestion.dimension_id)
        .where(AssessmentResponse.account_id == assessment_round.account_id,  # one account: one shard on Citus
               AssessmentResponse.round_id == assessment_round.id, AssessmentResponse.status == "submitted")
        .order_by(MaturityDimension.position, MaturityQuestion.position, User.name)
    ).all()
    found = {d.question for d in scoring.disagreements([(r.user_id, r.question_id, r.level) for r in rows])}
    views: dict[int, DisagreementView] = {}
    for row in rows:
        if row.question_id in found:
            view = views.setdefault(row.question_id, DisagreementView(row.dimension, row.question, []))
            view.answers.append((row.name or row.email, row.level, row.option))
    return list(views.values())


@dataclass
class DraftView:
    """Where one respondent stands in the open round."""

    name: str
    status: str
    answered: int
    questions: int


def round_respondents(assessment_round: AssessmentRound) -> list[DraftView]:
    """Every respondent of a round with their status and how many questions they answered."""
    total = Session.scalar(
        select(func.count()).select_from(MaturityQuestion)
        .join(MaturityDimension, MaturityDimension.id == MaturityQuestion.dimension_id)
        .where(MaturityDimension.model_id == assessment_round.model_id))
    rows = Session.execute(
        select(User.name, User.email, AssessmentResponse.status, func.count(AssessmentAnswer.id).label("answered"))
        .join(User, User.id == AssessmentResponse.user_id)
        .outerjoin(AssessmentAnswer, and_(AssessmentAnswer.account_id == AssessmentResponse.account_id,
                                          AssessmentAnswer.response_id == AssessmentResponse.id))
        .where(AssessmentResponse.account_id == assessment_round.account_id,  # one account: one shard on Citus
               AssessmentResponse.round_id == assessment_round.id)
        .group_by(AssessmentResponse.id, User.name, User.email, AssessmentResponse.status)
        .order_by(User.name)
    ).all()
    return [DraftView(row.name or row.email, row.status, row.answered, total) for row in rows]


def peer_benchmark(account_id: int) -> dict | None:
    """Quartiles of the latest levels of the other accounts of the same tier; None below the k-anonymity floor."""
    tiers = tier_by_account()
    tier = tiers.get(account_id)
    if tier is None:
        return None
    cohort_ids = [a for a, t in tiers.items() if t == tier]
    ranked = (
        select(AssessmentRound.id, AssessmentRound.account_id, AssessmentRound.overall_level,
               func.row_number().over(partition_by=AssessmentRound.account_id, order_by=_round_order()).label("rank"))
        .where(AssessmentRound.overall_level.is_not(None), AssessmentRound.account_id.in_(cohort_ids))
        .subquery()
    )
    latest = Session.execute(select(ranked.c.id, ranked.c.account_id, ranked.c.overall_level)
                             .where(ranked.c.rank == 1)).all()
    by_round = levels_by_dimension_name(latest)
    cohort = {row.account_id: {**by_round[row.id], "Overall": row.overall_level} for row in latest}
    quartiles = scoring.benchmark(cohort, account_id)
    if quartiles is None:
        return None
    return {"tier": tier, "peers": sum(1 for a in cohort if a != account_id), "quartiles": quartiles}


@dataclass
class InferenceView:
    """The self-assessed and usage-suggested levels of a dimension, and the sentence when they differ."""

    dimension: str
    own_level: int
    own_name: str
    usage_level: int | None
    usage_name: str | None
    sentence: str | None


def usage_inference(assessment_round: AssessmentRound, today: date | None = None) -> list[InferenceView]:
    """Per dimension of the round: the level the account's key-feature use in the last 90 days suggests."""
    today = today or utcnow().date()
    since = today - timedelta(days=USAGE_WINDOW_DAYS - 1)
    used_keys = set(Session.scalars(
        select(UsageFeatureDay.feature).distinct()
        .where(UsageFeatureDay.account_id == assessment_round.account_id, UsageFeatureDay.day >= since,
               UsageFeatureDay.day <= today, UsageFeatureDay.events > 0)))
    links = Session.execute(
        select(MaturityBehaviour.dimension_id, MaturityBehaviour.level, KeyFeature.feature, KeyFeature.name)
        .join(KeyFeature, KeyFeature.id == MaturityBehaviour.key_feature_id)
        .join(MaturityDimension, MaturityDimension.id == MaturityBehaviour.dimension_id)
        .where(MaturityDimension.model_id == assessment_round.model_id)
    ).all()
    level_names = {level.number: level.name for level in assessment_round.model.levels}
    links = [(row.dimension_id, row.level, row.feature, " ".join((row.name or "").split()) or row.feature)
             for row in links]  # a key feature without a display name is called by its key
    used_names = {name for _d, _l, feature, name in links if feature in used_keys}
    own = {row.dimension_id: row.level for row in Session.scalars(
        select(AssessmentRoundLevel).where(AssessmentRoundLevel.account_id == assessment_round.account_id,
                                           AssessmentRoundLevel.round_id == assessment_round.id))}
    views = []
    for dimension in assessment_round.model.dimensions:
        if dimension.id not in own:
            continue
        inference = scoring.infer_level([(level, name) for dimension_id, level, _f, name in links
                                         if dimension_id == dimension.id], used_names)
        views.append(InferenceView(
            dimension.name, own[dimension.id], level_names[own[dimension.id]], inference.level,
            level_names.get(inference.level) if inference.level else None,
            scoring.difference_sentence(dimension.name, own[dimension.id], inference, level_names, USAGE_WINDOW_DAYS)))
    return views


def level_names_of(model_id: int) -> dict[int, str]:
    """Level number -> name of a model version."""
    return dict(Session.execute(select(MaturityLevel.number, MaturityLevel.name)
                                .where(MaturityLevel.model_id == model_id)).all())

