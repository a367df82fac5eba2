"""Writes of the maturity feature: saving the model, drafts, submissions, results. Validate, flush, never commit."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, delete, func, select

from core.engagement import record_engagement
from core.outbox import queue_mail
from core.validation import ServiceError
from core.webhooks.outbox import emit
from core.mail_headers import NOTIFICATION_HEADERS
from models.accounts import Account, User
from models.db import Session, utcnow
from models.maturity import (
    AssessmentAnswer,
    AssessmentResponse,
    AssessmentRound,
    AssessmentRoundLevel,
    MaturityBehaviour,
    MaturityDimension,
    MaturityLevel,
    MaturityModel,
    MaturityOption,
    MaturityQuestion,
)
from models.usage import KeyFeature
from surveys.maturity import document
from surveys.maturity.scoring import combine

ROUND_DAYS = 30  # answers given within this many days of a round's start combine into one result


def current_model() -> MaturityModel | None:
    """The newest model version (the one new rounds are taken on)."""
    return Session.scalar(select(MaturityModel).order_by(MaturityModel.version.desc()).limit(1))


def model_has_answers(model: MaturityModel) -> bool:
    """Has anyone answered a question of this version (then it is frozen)?"""
    return Session.scalar(
        select(func.count()).select_from(AssessmentAnswer)
        .join(MaturityQuestion, MaturityQuestion.id == AssessmentAnswer.question_id)
        .join(MaturityDimension, MaturityDimension.id == MaturityQuestion.dimension_id)
        .where(MaturityDimension.model_id == model.id)
    ) > 0


def spec_of(model: MaturityModel) -> document.ModelSpec:
    """The document form of a stored model version."""
    feature_keys = dict(Session.execute(select(KeyFeature.id, KeyFeature.feature)).all())
    spec = document.ModelSpec(model.name, [(level.number, level.name) for level in model.levels])
    for dimension in model.dimensions:
        spec.dimensions.append(document.DimensionSpec(
            dimension.name,
            [document.BehaviourSpec(b.level, b.text, feature_keys.get(b.key_feature_id), b.article_slug)
             for b in dimension.behaviours],
            [document.QuestionSpec(q.text, [(o.level, o.text) for o in q.options]) for q in dimension.questions],
        ))
    return spec


def save_model(text: str, admin: User | None, *, drop_unknown_features: bool = False) -> tuple[MaturityModel, bool]:
    """Save the model document: in place when the current version has no answers, else as a new version.

    Returns the saved version and whether it is new. Raises ServiceError listing every problem;
    nothing is written then.
    """
    try:
        spec = document.parse(text)
    except document.DocumentError as error:
        raise ServiceError(" ".join(error.problems)) from None
    features = dict(Session.execute(select(KeyFeature.feature, KeyFeature.id)).all())
    unknown = sorted({b.feature for d in spec.dimensions for b in d.behaviours if b.feature and b.feature not in features})
    if unknown and not drop_unknown_features:
        known = ", ".join(sorted(features)) or "none defined yet"
        raise ServiceError(f"No key feature is called {', '.join(unknown)}; use one of the key features "
                           f"({known}) or remove the link.")
    model = current_model()
    is_new = model is None or model_has_answers(model)
    if is_new:
        model = MaturityModel(version=(model.version + 1) if model else 1,
                              created_by_id=admin.id if admin else None)
        Session.add(model)
    else:
        model.dimensions.clear()
        model.levels.clear()
        Session.flush()
        model.created_by_id = admin.id if admin else model.created_by_id
        model.created_at = utcnow()
    model.name = spec.name
    model.levels = [MaturityLevel(number=n, name=name) for n, name in sorted(spec.levels)]
    model.dimensions = [
        MaturityDimension(
            position=position, name=d.name,
            behaviours=[MaturityBehaviour(level=b.level, position=i, text=b.text, article_slug=b.article,
                                          key_feature_id=features.get(b.feature) if b.feature else None)
                        for i, b in enumerate(d.behaviours)],
            questions=[MaturityQuestion(position=i, text=q.text,
                                        options=[MaturityOption(position=j, level=level, text=option)
                                                 for j, (level, option) in enumerate(q.options)])
                       for i, q in enumerate(d.questions)],
        )
        for position, d in enumerate(spec.dimensions)
    ]
    Session.flush()
    return model, is_new


def default_document_for_editor() -> str:
    """The default model's document, keeping only the links to key features that exist here."""
    known = set(Session.scalars(select(KeyFeature.feature)))
    spec = document.default_spec()
    for dimension in spec.dimensions:
        for behaviour in dimension.behaviours:
            if behaviour.feature not in known:
                behaviour.feature = None
    return document.render(spec)


def ensure_default_model() -> MaturityModel:
    """The current model, creating the default one when none exists yet."""
    return current_model() or save_model(document.default_document(), None, drop_unknown_features=True)[0]


def open_round(account: Account) -> AssessmentRound | None:
    """The account's round still taking answers (started within ROUND_DAYS days), if any."""
    return Session.scalar(
        select(AssessmentRound)
        .where(AssessmentRound.account_id == account.id,
               AssessmentRound.opened_at >= utcnow() - timedelta(days=ROUND_DAYS))
        .order_by(AssessmentRound.opened_at.desc(), AssessmentRound.id.desc()).limit(1)
    )


def _check_respondent(account: Account, user: User) -> None:
    if user.role != "customer":
        raise ServiceError("Only the customer's own people answer the assessment; you can see their drafts "
                           "and results.")
    if user.account_id != account.id:
        raise ServiceError("You can only answer the assessment of your own account.")


def start_response(account: Account, user: User) -> AssessmentResponse:
    """The user's response in the account's open round, starting the round or the response if needed."""
    _check_respondent(account, user)
    assessment_round = open_round(account)
    if assessment_round is None:
        model = current_model()
        if model is None:
            raise ServiceError("No maturity model is set up yet; ask an administrator to create one.")
        assessment_round = AssessmentRound(account_id=account.id, model_id=model.id)
        Session.add(assessment_round)
        Session.flush()
    response = Session.scalar(select(AssessmentResponse).where(
        AssessmentResponse.account_id == account.id, AssessmentResponse.round_id == assessment_round.id,
        AssessmentResponse.user_id == user.id))
    if response is None:
        response = AssessmentResponse(round_id=assessment_round.id, account_id=account.id, user_id=user.id)
        Session.add(response)
        Session.flush()
    return response


def round_of(response: AssessmentResponse) -> AssessmentRound:
    """The round a response answers, found by its whole key (account_id, id): an index probe, one shard."""
    return Session.scalars(select(AssessmentRound).where(AssessmentRound.account_id == response.account_id,
                                                         AssessmentRound.id == response.round_id)).one()


def _check_draft(response: AssessmentResponse, user: User) -> AssessmentRound:
    assessment_round = round_of(response)
    _check_respondent(Session.get(Account, assessment_round.account_id), user)
    if response.user_id != user.id:
        raise ServiceError("This draft belongs to another respondent.")
    if response.status == "submitted":
        raise ServiceError("You have already submitted your answers for this round; the results are below.")
    return assessment_round


def save_answers(response: AssessmentResponse, user: User, answers: dict[int, int]) -> None:
    """Store a page of draft answers {question id: option id}; every answer is checked before any is written."""
    assessment_round = _check_draft(response, user)
    if not answers:
        return
    rows = Session.execute(
        select(MaturityQuestion.id, MaturityDimension.model_id)
        .join(MaturityDimension, MaturityDimension.id == MaturityQuestion.dimension_id)
        .where(MaturityQuestion.id.in_(answers))
    ).all()
    model_of_question = {row.id: row.model_id for row in rows}
    options = {row.id: row for row in Session.execute(
        select(MaturityOption.id, MaturityOption.question_id, MaturityOption.level)
        .where(MaturityOption.id.in_(answers.values()))).all()}
    for question_id, option_id in answers.items():
        if model_of_question.get(question_id) != assessment_round.model_id:
            raise ServiceError("One of the questions belongs to another version of the model; reload the page "
                               "and answer the current questions.")
        option = options.get(option_id)
        if option is None or option.question_id != question_id:
            raise ServiceError("One of the answers is not among the options of its question; pick one of the "
                               "options shown.")
    existing = {a.question_id: a for a in response.answers}
    for question_id, option_id in answers.items():
        answer = existing.get(question_id)
        if answer is None:
            response.answers.append(AssessmentAnswer(account_id=response.account_id, question_id=question_id,
                                                     option_id=option_id, level=options[option_id].level))
        else:
            answer.option_id, answer.level = option_id, options[option_id].level
    response.updated_at = utcnow()
    Session.flush()


def unanswered_dimensions(response: AssessmentResponse) -> list[str]:
    """Names of the dimensions with a question this response has not answered yet."""
    assessment_round = round_of(response)
    answered = {a.question_id for a in response.answers}
    rows = Session.execute(
        select(MaturityDimension.name, MaturityQuestion.id)
        .join(MaturityQuestion, MaturityQuestion.dimension_id == MaturityDimension.id)
        .where(MaturityDimension.model_id == assessment_round.model_id)
        .order_by(MaturityDimension.position)
    ).all()
    return list(dict.fromkeys(row.name for row in rows if row.id not in answered))


def submit_response(response: AssessmentResponse, user: User) -> AssessmentRound:
    """Submit a complete draft, recompute the round's result, count the engagement, warn the CSM of a drop."""
    # Lock the response so two submits of the same draft at once count it once.
    Session.scalars(select(AssessmentResponse).where(AssessmentResponse.account_id == response.account_id,
                                                     AssessmentResponse.id == response.id)
                    .with_for_update().execution_options(populate_existing=True)).one()
    assessment_round = _check_draft(response, user)
    missing = unanswered_dimensions(response)
    if missing:
        raise ServiceError(f"Answer every question before submitting; still open: {', '.join(missing)}.")
    response.status = "submitted"
    response.submitted_at = utcnow()
    Session.flush()
    recompute_round(assessment_round)
    record_engagement(response.account_id, user.id, "assessment")
    notify_drop(assessment_round)
    emit("assessment.submitted", response.account_id, Session.get(Account, response.account_id).external_id,
         respondent=user.email, overall_level=assessment_round.overall_level, respondents=assessment_round.respondents,
         submitted_at=response.submitted_at.isoformat())
    return assessment_round


def recompute_round(assessment_round: AssessmentRound) -> None:
    """Combine every submitted response of the round into its levels (the rule in surveys.maturity)."""
    rows = Session.execute(
        select(MaturityQuestion.dimension_id, AssessmentAnswer.level)
        .join(AssessmentAnswer, AssessmentAnswer.question_id == MaturityQuestion.id)
        .join(AssessmentResponse, and_(AssessmentResponse.account_id == AssessmentAnswer.account_id,
                                       AssessmentResponse.id == AssessmentAnswer.response_id))
        .where(AssessmentResponse.account_id == assessment_round.account_id,  # one account: one shard on Citus
               AssessmentResponse.round_id == assessment_round.id, AssessmentResponse.status == "submitted")
    ).all()
    result = combine([(row.dimension_id, row.level) for row in rows])
    Session.execute(delete(AssessmentRoundLevel).where(AssessmentRoundLevel.account_id == assessment_round.account_id,
                                                       AssessmentRoundLevel.round_id == assessment_round.id))
    if result is None:
        return
    Session.add_all(
        AssessmentRoundLevel(round_id=assessment_round.id, dimension_id=dimension, account_id=assessment_round.account_id,
                             level=level, mean=result.dimension_means[dimension])
        for dimension, level in result.dimension_levels.items())
    assessment_round.overall_level = result.overall
    assessment_round.respondents = Session.scalar(select(func.count()).select_from(AssessmentResponse).where(
        AssessmentResponse.account_id == assessment_round.account_id, AssessmentResponse.round_id == assessment_round.id,
        AssessmentResponse.status == "submitted"))
    assessment_round.taken_on = utcnow().date()
    Session.flush()


def previous_round(assessment_round: AssessmentRound) -> AssessmentRound | None:
    """The account's last round with a result before this one."""
    return Session.scalar(
        select(AssessmentRound)
        .where(AssessmentRound.account_id == assessment_round.account_id, AssessmentRound.id != assessment_round.id,
               AssessmentRound.overall_level.is_not(None), AssessmentRound.opened_at <= assessment_round.opened_at)
        .order_by(AssessmentRound.opened_at.desc(), AssessmentRound.id.desc()).limit(1)
    )


def notify_drop(assessment_round: AssessmentRound) -> bool:
    """Queue one e-mail to the account's CSM when the overall level fell below the previous one."""
    previous = previous_round(assessment_round)
    if previous is None or assessment_round.overall_level is None or assessment_round.drop_notified_at is not None:
        return False
    if assessment_round.overall_level >= previous.overall_level:
        return False
    account = Session.get(Account, assessment_round.account_id)
    assessment_round.drop_notified_at = utcnow()
    if account.csm is None:
        return False

    levels = {level.number: level.name for level in assessment_round.model.levels}
    queue_mail(account.csm.email, f"{account.name}: maturity level fell to {levels.get(assessment_round.overall_level)}",
               "maturity_drop", account_id=account.id, kind="maturity_drop", account=account,
               headers=NOTIFICATION_HEADERS,
               previous=previous.overall_level, latest=assessment_round.overall_level,
               previous_name=levels.get(previous.overall_level, str(previous.overall_level)),
               latest_name=levels.get(assessment_round.overall_level), taken_on=assessment_round.taken_on,
               csm=account.csm)
    return True
