"""Pages of the maturity self-assessment (the account's people, its CSM, admins) and the model editor (admins)."""
from __future__ import annotations

import json
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, func, select

from models.accounts import User
from models.db import Session
from models.maturity import AssessmentAnswer, AssessmentResponse, AssessmentRound, MaturityModel
from portal.access import account_or_404, admin_required, owned_or_404, require_customer_of
from portal.charts import chart_response, figure_json
from portal.maturity.forms import ModelDocumentForm, SubmitAssessmentForm, field_name, page_answers, page_form
from portal.services import ServiceError
from surveys.maturity import queries, services
from surveys.maturity.charts import benchmark_figure, comparison_figure, history_figure
from surveys.maturity.document import render
from surveys.maturity.scoring import MIN_PEERS, RULE_TEXT

bp = Blueprint("assessment", __name__)
CUSTOMERS_ANSWER = "Only the customer's own people answer the assessment; you can see their drafts and results."


def _my_draft(account):
    """The open round (or None), the model a new answer would use, and the signed-in user's response in it."""
    assessment_round = services.open_round(account)
    model = assessment_round.model if assessment_round else services.current_model()
    response = None
    if assessment_round is not None:
        response = Session.scalar(select(AssessmentResponse).where(
            AssessmentResponse.account_id == account.id, AssessmentResponse.round_id == assessment_round.id,
            AssessmentResponse.user_id == current_user.id))
    return assessment_round, model, response


@bp.get("/accounts/<ext>/assessment")
@login_required
def assessment(ext: str):
    """Where the account stands: latest result, next steps, peers, usage view, history, the open round."""
    account = account_or_404(ext)
    rounds = queries.rounds_with_results(account.id)
    latest = rounds[-1] if rounds else None
    open_round, model, my_response = _my_draft(account)
    context = {"account": account, "rounds": list(reversed(rounds)), "latest": latest, "model": model,
               "open_round": open_round, "my_response": my_response, "rule": RULE_TEXT, "min_peers": MIN_PEERS,
               "previous": rounds[-2] if len(rounds) > 1 else None}
    if latest is not None:
        context.update(results=queries.round_results(latest), disagreements=queries.round_disagreements(latest),
                       benchmark=queries.peer_benchmark(account.id), inference=queries.usage_inference(latest),
                       level_names=queries.level_names_of(latest.model_id),
                       level_reading=queries.level_articles([latest.overall_level + 1]))
    if open_round is not None:
        context["respondents"] = queries.round_respondents(open_round)
        context["open_until"] = (open_round.opened_at + timedelta(days=services.ROUND_DAYS)).date()
    return render_template("assessment/overview.html", **context)


@bp.get("/accounts/<ext>/assessment/rounds/<int:round_id>")
@login_required
def round_detail(ext: str, round_id: int):
    """One round: its result, disagreements and every respondent's answers (drafts included)."""
    account = account_or_404(ext)
    assessment_round = owned_or_404(AssessmentRound, round_id, account, "No such assessment for this account.")
    answers = Session.execute(
        select(AssessmentAnswer.question_id, AssessmentAnswer.level, AssessmentResponse.status, User.name, User.email)
        .join(AssessmentResponse, and_(AssessmentResponse.account_id == AssessmentAnswer.account_id,
                                       AssessmentResponse.id == AssessmentAnswer.response_id))
        .join(User, User.id == AssessmentResponse.user_id)
        .where(AssessmentResponse.account_id == account.id, AssessmentResponse.round_id == assessment_round.id)
        .order_by(User.name)).all()
    by_question: dict[int, list] = {}
    for row in answers:
        by_question.setdefault(row.question_id, []).append(row)
    return render_template(
        "assessment/round.html", account=account, round=assessment_round,
        results=queries.round_results(assessment_round) if assessment_round.overall_level else [],
        disagreements=queries.round_disagreements(assessment_round),
        respondents=queries.round_respondents(assessment_round), by_question=by_question,
        level_names=queries.level_names_of(assessment_round.model_id), rule=RULE_TEXT)


@bp.route("/accounts/<ext>/assessment/take/<int:page>", methods=["GET", "POST"])
@login_required
def take(ext: str, page: int):
    """One dimension per page; every page is saved as a draft, so nothing is lost."""
    account = account_or_404(ext)
    require_customer_of(account, CUSTOMERS_ANSWER)
    assessment_round, model, response = _my_draft(account)
    if model is None:
        flash("No maturity model is set up yet; ask your CSM.", "warning")
        return redirect(url_for("assessment.assessment", ext=ext))
    if response is not None and response.status == "submitted":
        flash("You have already submitted your answers for this round; the results are below.", "info")
        return redirect(url_for("assessment.assessment", ext=ext))
    dimensions = model.dimensions
    if not 1 <= page <= len(dimensions):
        abort(404, "No such page of the assessment.")
    dimension = dimensions[page - 1]
    answers = {a.question_id: a.option_id for a in response.answers} if response else {}
    form = page_form(dimension.questions, answers)
    # The page script saves a draft on every change: it gets a status, never a redirect or a flash message.
    autosave = request.method == "POST" and request.headers.get("X-Autosave") == "1"
    if form.validate_on_submit():
        try:
            response = services.start_response(account, current_user)
            services.save_answers(response, current_user, page_answers(form, dimension.questions))
        except ServiceError as error:
            Session.rollback()
            if autosave:
                return "", 409
            flash(str(error), "error")
            return redirect(url_for("assessment.take", ext=ext, page=page))
        Session.commit()
        if autosave:
            return "", 204
        if form.previous.data and page > 1:
            return redirect(url_for("assessment.take", ext=ext, page=page - 1))
        if page == len(dimensions):
            return redirect(url_for("assessment.submit", ext=ext))
        return redirect(url_for("assessment.take", ext=ext, page=page + 1))
    if autosave:
        return "", 422
    if form.errors:
        flash("Pick one of the options shown for each question.", "error")
    total_questions = sum(len(d.questions) for d in dimensions)
    return render_template("assessment/take.html", account=account, model=model, dimension=dimension, page=page,
                           pages=len(dimensions), form=form, fields=[form[field_name(q)] for q in dimension.questions],
                           answered=len(answers), total_questions=total_questions, rule=RULE_TEXT,
                           behaviours=dimension.behaviours, level_names={lv.number: lv.name for lv in model.levels})


@bp.route("/accounts/<ext>/assessment/submit", methods=["GET", "POST"])
@login_required
def submit(ext: str):
    """Review the draft and submit it (the account's customers only)."""
    account = account_or_404(ext)
    require_customer_of(account, CUSTOMERS_ANSWER)
    assessment_round, model, response = _my_draft(account)
    if response is None:
        flash("Start the assessment first; your answers are saved page by page.", "info")
        return redirect(url_for("assessment.assessment", ext=ext))
    form = SubmitAssessmentForm()
    if form.validate_on_submit():
        try:
            services.submit_response(response, current_user)
        except ServiceError as error:
            Session.rollback()
            flash(str(error), "error")
            return redirect(url_for("assessment.assessment", ext=ext))
        Session.commit()
        flash("Thank you: your answers are submitted and the results below include them.", "success")
        return redirect(url_for("assessment.assessment", ext=ext))
    if response.status == "submitted":
        flash("You have already submitted your answers for this round; the results are below.", "info")
        return redirect(url_for("assessment.assessment", ext=ext))
    answered = {a.question_id: a for a in response.answers}
    return render_template("assessment/review.html", account=account, model=model, form=form, answered=answered,
                           missing=services.unanswered_dimensions(response), rule=RULE_TEXT)


def _empty(message: str):
    return chart_response(json.dumps({"empty": True, "message": message}))


@bp.get("/accounts/<ext>/assessment/chart/compare.json")
@login_required
def chart_compare(ext: str):
    """Bars: the latest level per dimension against the previous assessment."""
    account = account_or_404(ext)
    rounds = queries.rounds_with_results(account.id)
    if not rounds:
        return _empty("No assessment has been submitted yet, so there is nothing to compare.")
    latest, previous = rounds[-1], (rounds[-2] if len(rounds) > 1 else None)
    levels = queries.levels_by_dimension_name(rounds[-2:])
    names = [d.name for d in latest.model.dimensions if d.name in levels[latest.id]]
    figure = comparison_figure(
        names, levels[latest.id], levels[previous.id] if previous else None, queries.level_names_of(latest.model_id),
        f"Latest ({latest.taken_on.isoformat()})", f"Previous ({previous.taken_on.isoformat()})" if previous else None)
    return chart_response(figure_json(figure))


@bp.get("/accounts/<ext>/assessment/chart/history.json")
@login_required
def chart_history(ext: str):
    """Lines: the level of each dimension at every assessment."""
    account = account_or_404(ext)
    rounds = queries.rounds_with_results(account.id)
    if not rounds:
        return _empty("No assessment has been submitted yet; the history starts with the first one.")
    levels = queries.levels_by_dimension_name(rounds)
    names = list(dict.fromkeys(name for r in rounds for name in
                               [d.name for d in r.model.dimensions if d.name in levels[r.id]]))
    series = {name: [levels[r.id].get(name) for r in rounds] for name in names}
    figure = history_figure([r.taken_on for r in rounds], series, queries.level_names_of(rounds[-1].model_id))
    return chart_response(figure_json(figure))


@bp.get("/accounts/<ext>/assessment/chart/peers.json")
@login_required
def chart_peers(ext: str):
    """The account's latest levels against the quartiles of the other accounts of its tier."""
    account = account_or_404(ext)
    rounds = queries.rounds_with_results(account.id)
    if not rounds:
        return _empty("No assessment has been submitted yet, so there is nothing to compare with peers.")
    benchmark = queries.peer_benchmark(account.id)
    if benchmark is None:
        return _empty(f"The peer comparison appears once at least {MIN_PEERS} other accounts of the same tier have "
                      "an assessment result, so that no single account can be recognised.")
    latest = rounds[-1]
    own = {**queries.levels_by_dimension_name([latest])[latest.id], "Overall": latest.overall_level}
    names = [d.name for d in latest.model.dimensions] + ["Overall"]
    figure = benchmark_figure(names, own, benchmark["quartiles"], queries.level_names_of(latest.model_id),
                              account.name, benchmark["tier"])
    return chart_response(figure_json(figure))


@bp.route("/admin/maturity", methods=["GET", "POST"])
@admin_required
def admin_model():
    """Edit the maturity model; a version with answers is kept and the edit becomes a new version."""
    model = services.current_model()
    form = ModelDocumentForm()
    if not form.is_submitted():
        form.document.data = render(services.spec_of(model)) if model else services.default_document_for_editor()
    error = None
    if form.validate_on_submit():
        try:
            saved, is_new = services.save_model(form.document.data, current_user)
        except ServiceError as problem:
            Session.rollback()
            error = str(problem)
            form.document.errors.append(error)
        else:
            Session.commit()
            if is_new and saved.version > 1:
                flash(f"Saved as version {saved.version}; version {saved.version - 1} has answers and stays as it "
                      "was for the results taken on it.", "success")
            else:
                flash(f"Saved version {saved.version} of the model.", "success")
            return redirect(url_for("assessment.admin_model"))
    # Rounds counted per model over every account first (on Citus each shard counts its own), then joined.
    rounds = (select(AssessmentRound.model_id, func.count().label("rounds"))
              .group_by(AssessmentRound.model_id).subquery())
    versions = Session.execute(
        select(MaturityModel.version, MaturityModel.name, MaturityModel.created_at,
               func.coalesce(rounds.c.rounds, 0).label("rounds"))
        .outerjoin(rounds, rounds.c.model_id == MaturityModel.id)
        .order_by(MaturityModel.version.desc())).all()
    return render_template("maturity_admin/edit.html", form=form, model=model, versions=versions, error=error)


@bp.get("/admin/maturity/versions/<int:version>")
@admin_required
def admin_version(version: int):
    """A model version as it was saved (read-only)."""
    model = Session.scalar(select(MaturityModel).where(MaturityModel.version == version))
    if model is None:
        abort(404, "No such version of the maturity model.")
    return render_template("maturity_admin/version.html", model=model, document=render(services.spec_of(model)))
