"""Pages of segments, playbooks, their results, CSM tasks, cohorts, and the unsubscribe link."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from analytics.cohorts import charts as cohort_charts
from analytics.cohorts.tables import cohort_data
from analytics.playbooks import services
from analytics.playbooks.engine import (
    HOLDOUT_SETTING,
    PLACEHOLDERS,
    PlaybookError,
    holdout_share,
    read_unsubscribe_token,
    run_playbooks,
    unsubscribe,
)
from analytics.playbooks.results import HORIZONS, measure
from analytics.playbooks.segments import (
    KINDS,
    RULE_EXAMPLES,
    SegmentError,
    describe_rule,
    members,
    owner_scope,
    parse_rules,
    scope_count,
)
from core.settings import get_setting, set_setting
from core.tiers import TIERS
from core.validation import row_id
from models.accounts import Account, User
from models.db import Session, utcnow
from models.usage import KeyFeature
from portal.access import admin_required, staff_required, visible_accounts_clause
from portal.charts import chart_response, figure_json
from portal.playbooks import queries
from portal.playbooks.forms import RULES_HELP, ButtonForm, DeleteForm, HoldoutForm, PlaybookForm, SegmentForm

bp = Blueprint("playbooks", __name__, url_prefix="/playbooks")
PREVIEW_LIMIT = 50
EXAMPLE_RULES = json.dumps({"rules": [{"kind": "tier", "in": ["scalable"]},
                                      {"kind": "days_to_renewal", "op": "<=", "days": 90}]}, indent=2)


@bp.get("/")
@staff_required
def index():
    """The user's playbooks and segments."""
    holdout = None
    if current_user.role == "admin":
        holdout = HoldoutForm(formdata=None, percent=round(holdout_share() * 100))
    return render_template("playbooks/index.html", playbooks=queries.playbooks_for(current_user),
                           shared=queries.shared_playbooks_for(current_user), holdout=holdout,
                           holdout_percent=round(holdout_share() * 100),
                           segments=queries.segments_for(current_user), button=ButtonForm())


@bp.post("/holdout")
@admin_required
def holdout():
    """Change the hold-out share of every playbook (admins)."""
    form = HoldoutForm()
    if form.validate_on_submit():
        set_setting(HOLDOUT_SETTING, form.percent.data / 100)
        Session.commit()
        flash(f"From now on {form.percent.data}% of the accounts entering a segment are held out.", "success")
    else:
        flash(" ".join(form.percent.errors) or "The form expired; try again.", "danger")
    return redirect(url_for("playbooks.index"))


def _segment_page(form: SegmentForm, segment=None):

    feature = Session.scalar(select(KeyFeature.feature).order_by(KeyFeature.id)) or "FEATURE"
    examples = {kind: {k: (feature if v == "FEATURE" else v) for k, v in rule.items()}
                for kind, rule in RULE_EXAMPLES.items()}
    return render_template("playbooks/segment_form.html", form=form, segment=segment, kinds=KINDS,
                           rules_help=RULES_HELP, examples=examples, delete_form=DeleteForm(formdata=None))


def _filled_segment_form(segment) -> SegmentForm:
    """The segment form showing the segment as stored, its rules indented for reading."""
    return SegmentForm(formdata=None, data={"name": segment.name,
                                            "rules": json.dumps(json.loads(segment.rules_json), indent=2)})


@bp.route("/segments/new", methods=["GET", "POST"])
@staff_required
def segment_new():
    """Define a segment, with a live preview of its members."""
    form = SegmentForm()
    if request.method == "GET":
        form.rules.data = EXAMPLE_RULES
    if form.validate_on_submit():
        try:
            segment = services.save_segment(None, name=form.name.data, rules_text=form.rules.data, owner=current_user)
        except SegmentError as error:
            form.rules.errors.append(str(error))
        else:
            Session.commit()
            flash(f"Segment {segment.name} saved.", "success")
            return redirect(url_for("playbooks.index"))
    return _segment_page(form)


@bp.route("/segments/<int:segment_id>", methods=["GET", "POST"])
@staff_required
def segment_edit(segment_id: int):
    """Change a segment's name or rules."""
    segment = queries.segment_or_404(segment_id, current_user)
    form = SegmentForm() if request.method == "POST" else _filled_segment_form(segment)
    if form.validate_on_submit():
        try:
            services.save_segment(segment, name=form.name.data, rules_text=form.rules.data, owner=current_user)
        except SegmentError as error:
            form.rules.errors.append(str(error))
        else:
            Session.commit()
            flash(f"Segment {segment.name} saved.", "success")
            return redirect(url_for("playbooks.index"))
    return _segment_page(form, segment)


@bp.post("/segments/<int:segment_id>/delete")
@staff_required
def segment_delete(segment_id: int):
    """Delete a segment no playbook targets, after the confirmation."""
    segment = queries.segment_or_404(segment_id, current_user)
    if not DeleteForm().validate_on_submit():
        flash("Tick the box to confirm the deletion; it cannot be undone.", "error")
        return redirect(url_for("playbooks.segment_edit", segment_id=segment_id))
    name = segment.name
    try:
        services.delete_segment(segment)
    except SegmentError as error:
        Session.rollback()
        flash(str(error), "error")
        return redirect(url_for("playbooks.segment_edit", segment_id=segment_id))
    Session.commit()
    flash(f"Segment {name} deleted.", "success")
    return redirect(url_for("playbooks.index"))


@bp.post("/segments/preview")
@staff_required
def segment_preview():
    """JSON: the members the rules match among the user's accounts (count and the first names)."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("rules"), str):
        return jsonify(error='Send {"rules": "<the rules as JSON text>"}.'), 400
    try:
        rules = parse_rules(payload["rules"])
    except SegmentError as error:
        # an answer, not a failure: rules are often incomplete while they are typed
        return jsonify(valid=False, error=str(error))
    owner = current_user
    if isinstance(payload.get("segment_id"), int):  # an admin editing a CSM's segment previews that CSM's accounts
        owner = queries.segment_or_404(payload["segment_id"], current_user).owner
    scope = owner_scope(owner)
    found = members(rules, scope)
    return jsonify(
        valid=True, count=len(found), total=scope_count(scope), rules=[describe_rule(r) for r in rules["rules"]],
        members=[{"external_id": a.external_id, "name": a.name,
                  "url": url_for("dashboard.overview", ext=a.external_id)} for a in found[:PREVIEW_LIMIT]],
    )


def _playbook_form(playbook=None) -> PlaybookForm:
    form = PlaybookForm(obj=None)
    form.segment.choices = [(s.id, s.name) for s in queries.segments_for(current_user)]
    if request.method == "GET" and playbook is not None:
        for name in ("name", "email_subject", "email_body", "task_text", "message_text", "promoted_feature"):
            getattr(form, name).data = getattr(playbook, name)
        form.segment.data = playbook.segment_id
        form.confirm_all.data = playbook.confirmed_all
    return form


def _save_playbook(form: PlaybookForm, playbook=None):
    segment = queries.segment_or_404(form.segment.data, current_user)
    try:
        saved = services.save_playbook(
            playbook, name=form.name.data, segment=segment, email_subject=form.email_subject.data or "",
            email_body=form.email_body.data or "", task_text=form.task_text.data or "",
            message_text=form.message_text.data or "", promoted_feature=form.promoted_feature.data,
            confirm_all=form.confirm_all.data, owner=current_user)
    except (PlaybookError, SegmentError) as error:
        Session.rollback()
        flash(str(error), "danger")
        return None
    Session.commit()
    flash(f"Playbook {saved.name} saved.", "success")
    return redirect(url_for("playbooks.playbook_edit", playbook_id=saved.id))


def _playbook_page(form, playbook=None):
    return render_template("playbooks/playbook_form.html", form=form, playbook=playbook, placeholders=PLACEHOLDERS,
                           button=ButtonForm(), delete_form=DeleteForm(formdata=None))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def playbook_new():
    """Create a playbook on one of the user's segments (inactive until activated)."""
    form = _playbook_form()
    if not form.segment.choices:
        flash("Define a segment first: a playbook acts on the accounts of a segment.", "info")
        return redirect(url_for("playbooks.segment_new"))
    if form.validate_on_submit():
        answer = _save_playbook(form)
        if answer is not None:
            return answer
    return _playbook_page(form)


@bp.route("/<int:playbook_id>", methods=["GET", "POST"])
@staff_required
def playbook_edit(playbook_id: int):
    """Change a playbook."""
    playbook = queries.playbook_or_404(playbook_id, current_user)
    form = _playbook_form(playbook)
    if form.validate_on_submit():
        answer = _save_playbook(form, playbook)
        if answer is not None:
            return answer
    return _playbook_page(form, playbook)


@bp.post("/<int:playbook_id>/delete")
@staff_required
def playbook_delete(playbook_id: int):
    """Delete a playbook with its history of episodes and sends, after the confirmation."""
    playbook = queries.playbook_or_404(playbook_id, current_user)
    if not DeleteForm().validate_on_submit():
        flash("Tick the box to confirm the deletion; it cannot be undone.", "error")
        return redirect(url_for("playbooks.playbook_edit", playbook_id=playbook_id))
    name = playbook.name
    services.delete_playbook(playbook)
    Session.commit()
    flash(f"Playbook {name} deleted with its history.", "success")
    return redirect(url_for("playbooks.index"))


@bp.post("/<int:playbook_id>/activate")
@staff_required
def playbook_activate(playbook_id: int):
    """Switch a playbook on or off."""
    playbook = queries.playbook_or_404(playbook_id, current_user)
    if ButtonForm().validate_on_submit():
        playbook.is_active = not playbook.is_active
        Session.commit()
        flash(f"Playbook {playbook.name} is now {'active' if playbook.is_active else 'paused'}.", "success")
    return redirect(url_for("playbooks.index"))


@bp.post("/<int:playbook_id>/dry-run")
@staff_required
def playbook_dry_run(playbook_id: int):
    """Who would get what if this playbook ran now (among the user's accounts); nothing is changed."""
    playbook = queries.readable_playbook_or_404(playbook_id, current_user)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = playbook.name
    visible = Session.execute(select(Account.id, Account.external_id).where(visible_accounts_clause(current_user))).all()
    try:
        report = run_playbooks(dry_run=True, playbook_ids=[playbook.id])
    finally:
        Session.rollback()
    if current_user.role != "admin":
        report = report.only_accounts({row.id for row in visible}, {row.external_id for row in visible})
    rows = [line.split(" | ") for line in report.lines]
    return render_template("playbooks/dry_run.html", playbook_name=name, playbook_id=playbook_id, rows=rows,
                           report=report, editable=playbook.owner_id == current_user.id or current_user.role == "admin")


@bp.get("/<int:playbook_id>/results")
@staff_required
def playbook_results(playbook_id: int):
    """Accounts reached against held-out accounts: contacted, articles opened, feature adopted, band moves."""
    playbook = queries.readable_playbook_or_404(playbook_id, current_user)
    groups = measure(playbook, visible_accounts_clause(current_user))
    return render_template("playbooks/results.html", playbook=playbook, groups=groups, horizons=HORIZONS)


@bp.get("/tasks")
@staff_required
def tasks():
    """Open and recently done CSM tasks on the user's accounts."""
    return render_template("playbooks/tasks.html", open_tasks=queries.tasks_for(current_user, done=False),
                           done_tasks=queries.tasks_for(current_user, done=True)[:50], button=ButtonForm())


def _mark(task_id: int, done: bool):
    task = queries.task_or_404(task_id, current_user)
    if ButtonForm().validate_on_submit():
        services.set_task_done(task, current_user, done)
        Session.commit()
        flash("Task marked done." if done else "Task opened again.", "success")
    return redirect(url_for("playbooks.tasks"))


@bp.post("/tasks/<int:task_id>/done")
@staff_required
def task_done(task_id: int):
    """Mark a task done."""
    return _mark(task_id, True)


@bp.post("/tasks/<int:task_id>/undo")
@staff_required
def task_undo(task_id: int):
    """Open a done task again."""
    return _mark(task_id, False)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe_page(token: str):
    """The unsubscribe link of playbook e-mails: a confirmation button, then no more such mail."""
    found = read_unsubscribe_token(token)
    person = Session.get(User, found[0]) if found else None
    if person is None:
        abort(404, "This unsubscribe link is not valid.")
    form = ButtonForm()
    done = False
    if form.validate_on_submit():
        unsubscribe(person.id)
        Session.commit()
        done = True
    return render_template("playbooks/unsubscribe.html", form=form, done=done, email=person.email)


def _cohort_filters() -> dict:
    """Tier, CSM and grouping from the query string (a GET filter, nothing is changed)."""
    tier = request.args.get("tier") or None
    by = request.args.get("by", "month")
    csm_id = request.args.get("csm", type=row_id) if current_user.role == "admin" else current_user.id
    return {"tier": tier if tier in TIERS else None, "by": by if by in ("month", "quarter") else "month",
            "csm_id": csm_id}


def _cohorts(filters: dict):
    return cohort_data(visible_accounts_clause(current_user), tier=filters["tier"], csm_id=filters["csm_id"],
                       by=filters["by"])


def _survival_chart(filters: dict):
    # Imported here: lifelines loads pandas (about a second); only this chart needs it.
    from analytics.cohorts.charts import survival_chart
    from analytics.cohorts.survival import curves, survival_data
    from portal.access import visible_accounts_clause

    lifetimes = survival_data(visible_accounts_clause(current_user), csm_id=filters["csm_id"],
                              top_share=float(get_setting("tiers.top_share")),
                              scalable_share=float(get_setting("tiers.scalable_share")))
    if filters["tier"]:
        lifetimes = [lt for lt in lifetimes if lt.tier == filters["tier"]]
    return survival_chart(curves(lifetimes, utcnow().date()))


@bp.get("/cohorts")
@staff_required
def cohorts():
    """Accounts grouped by start month or quarter: retention heat-map tables and charts by age."""
    filters = _cohort_filters()
    data = _cohorts(filters)
    csms = []
    if current_user.role == "admin":
        csms = Session.scalars(select(User).where(User.role.in_(("csm", "admin"))).order_by(User.name)).all()
    ages = max((len(row.logo) for row in data.table), default=0)
    return render_template("playbooks/cohorts.html", data=data, filters=filters, csms=csms, ages=ages,
                           query={k: v for k, v in request.args.items() if k in ("tier", "by", "csm")})


COHORT_CHARTS = ("retention", "revenue", "health", "active", "survival")
EMPTY_CHART_MESSAGES = {
    "retention": "No account matches these filters.",
    "revenue": "No account with ARR matches these filters.",
    "health": "No health history for these accounts yet; it appears after the first health recompute.",
    "active": "No usage for these accounts yet; it appears with the first events.",
    "survival": "No account matches these filters.",
}


@bp.get("/cohorts/<name>.json")
@staff_required
def cohort_chart(name: str):
    """A cohort chart as Bokeh JSON, or the empty state."""
    if name not in COHORT_CHARTS:
        abort(404)
    if name == "survival":
        chart = _survival_chart(_cohort_filters())
        if chart is None:
            return jsonify(empty=True, message=EMPTY_CHART_MESSAGES[name])
        return chart_response(figure_json(chart))
    data = _cohorts(_cohort_filters())
    if name == "retention":
        chart = cohort_charts.retention_chart({r.key: r.logo for r in data.table}, "Logo")
    elif name == "revenue":
        chart = cohort_charts.retention_chart({r.key: r.revenue for r in data.table}, "Revenue")
    elif name == "health":
        chart = cohort_charts.median_by_age_chart(data.health_by_age, "Median health score by age",
                                                    "Median health score (0-100 points)", False)
    else:
        chart = cohort_charts.median_by_age_chart(data.active_share_by_age, "Median active-user share by age",
                                                    "Distinct active users in the month per seat (%)", True)
    if chart is None:
        return jsonify(empty=True, message=EMPTY_CHART_MESSAGES[name])
    return chart_response(figure_json(chart))
