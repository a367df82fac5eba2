"""Pages of the success plan: the same metrics, figures and charts for customers, their CSM and admins."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from analytics.plan.charts import EMPTY_MESSAGE, metric_chart
from analytics.plan.progress import MEASURES, format_day, format_value
from analytics.plan.queries import (
    assess_metric,
    chart_points,
    comments_of,
    current_values,
    plan_views,
    readings_of,
    today,
)
from analytics.plan.services import (
    PlanInputError,
    add_comment,
    add_reading,
    create_metric,
    delete_metric,
    update_metric,
)
from models.accounts import Account
from models.db import Session
from models.plans import PlanMetric
from portal.access import account_or_404, owned_or_404
from portal.charts import cached_chart, chart_response, figure_json
from portal.plan.forms import CommentForm, DeleteMetricForm, MetricEditForm, MetricForm, ReadingForm, parse_number

bp = Blueprint("plan", __name__, url_prefix="/accounts")
METRIC_NOT_FOUND = "No such metric in this success plan."


def _attach(form, error: PlanInputError) -> None:
    """Show a service's refusal on the field it concerns."""
    field = getattr(form, error.field, None)
    if field is None:
        flash(error.message, "error")
    else:
        field.errors = [*field.errors, error.message]


def _render_plan(account: Account, form: MetricForm):
    return render_template(
        "plan/plan.html", account=account, views=plan_views(account), form=form, today=today(),
        format_value=format_value, format_day=format_day,
    )


def _render_metric(account: Account, metric: PlanMetric, reading_form=None, comment_form=None):
    as_of = today()
    day, value = current_values([metric], as_of)[metric.id]
    return render_template(
        "plan/metric.html", account=account, metric=metric, assessment=assess_metric(metric, value, as_of),
        current_day=day, readings=readings_of(metric), comments=comments_of(metric),
        reading_form=reading_form or ReadingForm(), comment_form=comment_form or CommentForm(),
        measures=MEASURES, format_value=format_value, format_day=format_day,
    )


@bp.get("/<ext>/plan")
@login_required
def plan(ext: str):
    """The account's success plan."""
    account = account_or_404(ext)
    return _render_plan(account, MetricForm())


@bp.post("/<ext>/plan/metrics")
@login_required
def add_metric(ext: str):
    """Add a metric; its baseline is taken today."""
    account = account_or_404(ext)
    form = MetricForm()
    if form.validate_on_submit():
        try:
            metric = create_metric(
                account, current_user, name=form.name.data, source=form.source.data,
                direction=form.direction.data, target=parse_number(form.target.data),
                target_date=form.target_date.data, usage_measure=form.usage_measure.data or None,
                unit=form.unit.data or "", baseline=parse_number(form.baseline.data),
            )
        except PlanInputError as error:
            Session.rollback()
            _attach(form, error)
        else:
            Session.commit()
            flash(f"The metric “{metric.name}” was added with its baseline of today.", "success")
            return redirect(url_for("plan.plan", ext=account.external_id) + f"#metric-{metric.id}")
    return _render_plan(account, form)


@bp.get("/<ext>/plan/metrics/<int:metric_id>")
@login_required
def metric(ext: str, metric_id: int):
    """One metric: its figures, the history of readings and the comments."""
    account = account_or_404(ext)
    return _render_metric(account, owned_or_404(PlanMetric, metric_id, account, METRIC_NOT_FOUND))


def _may_delete(metric: PlanMetric) -> bool:
    """The account's CSM and admins may delete a metric; a customer only one they added."""
    return current_user.role in ("csm", "admin") or metric.created_by_id == current_user.id


def _filled_edit_form(metric: PlanMetric) -> MetricEditForm:
    """The edit form showing the metric as it is (numbers plain, so they read back unchanged)."""
    target = f"{metric.target_value:f}".rstrip("0").rstrip(".")
    return MetricEditForm(formdata=None, data={"name": metric.name, "unit": metric.unit, "target": target,
                                               "target_date": metric.target_date})


def _render_edit(account: Account, metric: PlanMetric, form: MetricEditForm, delete_form: DeleteMetricForm):
    return render_template("plan/edit_metric.html", account=account, metric=metric, form=form,
                           delete_form=delete_form, may_delete=_may_delete(metric), format_value=format_value,
                           format_day=format_day)


@bp.route("/<ext>/plan/metrics/<int:metric_id>/edit", methods=["GET", "POST"])
@login_required
def edit_metric(ext: str, metric_id: int):
    """Rename a metric or move its target; the baseline of day one stays."""
    account = account_or_404(ext)
    metric = owned_or_404(PlanMetric, metric_id, account, METRIC_NOT_FOUND)
    form = MetricEditForm() if request.method == "POST" else _filled_edit_form(metric)
    if form.validate_on_submit():
        try:
            update_metric(metric, account, name=form.name.data, target=parse_number(form.target.data),
                          target_date=form.target_date.data, unit=form.unit.data or "")
        except PlanInputError as error:
            Session.rollback()
            _attach(form, error)
        else:
            Session.commit()
            flash(f"The metric “{metric.name}” was saved.", "success")
            return redirect(url_for("plan.metric", ext=account.external_id, metric_id=metric.id))
    return _render_edit(account, metric, form, DeleteMetricForm(formdata=None))


@bp.post("/<ext>/plan/metrics/<int:metric_id>/delete")
@login_required
def delete_metric_view(ext: str, metric_id: int):
    """Delete a metric with its readings and comments, after the person confirmed it."""
    account = account_or_404(ext)
    metric = owned_or_404(PlanMetric, metric_id, account, METRIC_NOT_FOUND)
    if not _may_delete(metric):
        abort(403, "Only the account's CSM, an admin or the person who added the metric can delete it.")
    form = DeleteMetricForm()
    if form.validate_on_submit():
        name = metric.name
        delete_metric(metric, account)
        Session.commit()
        flash(f"The metric “{name}” was deleted with its readings and comments.", "success")
        return redirect(url_for("plan.plan", ext=account.external_id))
    return _render_edit(account, metric, _filled_edit_form(metric), form), 422


@bp.post("/<ext>/plan/metrics/<int:metric_id>/readings")
@login_required
def add_metric_reading(ext: str, metric_id: int):
    """Enter a reading of a reported metric."""
    account = account_or_404(ext)
    metric = owned_or_404(PlanMetric, metric_id, account, METRIC_NOT_FOUND)
    form = ReadingForm()
    if metric.source != "reported":
        flash("This metric is measured from usage automatically; it takes no typed readings.", "error")
        return redirect(url_for("plan.metric", ext=account.external_id, metric_id=metric.id))
    if form.validate_on_submit():
        try:
            add_reading(metric, account, current_user, value=parse_number(form.value.data), day=form.day.data,
                        note=form.note.data or "")
        except PlanInputError as error:
            Session.rollback()
            _attach(form, error)
        else:
            Session.commit()
            flash(f"The reading of {format_day(form.day.data)} was saved.", "success")
            return redirect(url_for("plan.metric", ext=account.external_id, metric_id=metric.id))
    return _render_metric(account, metric, reading_form=form)


@bp.post("/<ext>/plan/metrics/<int:metric_id>/comments")
@login_required
def add_metric_comment(ext: str, metric_id: int):
    """Comment on a metric."""
    account = account_or_404(ext)
    metric = owned_or_404(PlanMetric, metric_id, account, METRIC_NOT_FOUND)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = add_comment(metric, current_user, form.body.data)
        except PlanInputError as error:
            Session.rollback()
            _attach(form, error)
        else:
            Session.commit()
            flash("Your comment was added.", "success")
            return redirect(url_for("plan.metric", ext=account.external_id, metric_id=metric.id)
                            + f"#comment-{comment.id}")
    return _render_metric(account, metric, comment_form=form)


@bp.get("/<ext>/plan/metrics/<int:metric_id>/chart.json")
@login_required
def metric_chart_json(ext: str, metric_id: int):
    """The metric's chart as Bokeh JSON, or the empty state."""
    account = account_or_404(ext)
    metric = owned_or_404(PlanMetric, metric_id, account, METRIC_NOT_FOUND)
    as_of = today()
    key = ("plan-metric", metric.id, as_of, account.data_changed_at, account.usage_today_at)  # as_of is today

    def build() -> str:
        chart = metric_chart(
            name=metric.name, unit=metric.unit, points=chart_points(metric, as_of),
            baseline=metric.baseline_value, baseline_date=metric.baseline_date,
            target=metric.target_value, target_date=metric.target_date,
        )
        return json.dumps({"empty": True, "message": EMPTY_MESSAGE}) if chart is None else figure_json(chart)

    payload = cached_chart(key, build)
    return chart_response(payload)
