"""The CSM portfolio: health distribution, tails, warnings, renewals, vendor metrics, accounts; health settings."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from analytics.forecast.charts import reliability_chart
from analytics.forecast.history import history_version
from analytics.forecast.service import current_forecast
from analytics.health.charts import distribution_chart as build
from analytics.health.charts import empty
from analytics.health.history import score_on
from analytics.health.recompute import health_bands, health_weights
from analytics.health.scoring import validate_bands, validate_weights
from analytics.health.warnings import KIND_TITLES, figures_of
from analytics.portfolio import (DEFAULT_GROSS_MARGIN, account_rows, advocate_tail, at_risk_tail, band_changes,
                                 histogram, nps_by_account, renewals_due, sort_rows, vendor_metrics)
from core.settings import get_setting, set_setting
from analytics.health.onboarding import first_event_days, min_days, onboarding_ids
from analytics.health.warning_figures import describe as describe_figures
from core.validation import row_id
from models.accounts import Account, User
from models.db import Session, utcnow
from models.health import HealthWarning
from portal.access import admin_required, staff_required, visible_accounts, visible_or_404
from portal.access import visible_accounts_clause
from portal.audit.web import audit
from portal.charts import cached_chart, chart_response, figure_json
from portal.csm.forms import HealthSettingsForm, WarningActionForm
from portal.csm.revenue import chosen_period, revenue_section

bp = Blueprint("csm", __name__, url_prefix="/csm")
AT_RISK_CHURN = 0.15  # a forecast churn risk within 90 days from which an account joins the at-risk tail


def _accounts_in_view() -> tuple[list[Account], int | None]:
    """The accounts the user may see, narrowed to one CSM when an admin filters by CSM."""
    query = visible_accounts(current_user).order_by(Account.name)
    csm_id = request.args.get("csm", type=row_id) if current_user.role == "admin" else None
    if csm_id:
        query = query.where(Account.csm_id == csm_id)
    return list(Session.scalars(query)), csm_id


@dataclass
class Paged:
    """One page of a long list: a few hundred rows in one table take longer to draw than to compute."""

    items: list
    page: int
    pages: int
    total: int
    first: int
    last: int

    SIZE = 50

    @classmethod
    def of(cls, rows: list, requested: str | None) -> "Paged":
        """The requested page (1 when missing or not a number; the last one when past the end)."""
        pages = max(1, -(-len(rows) // cls.SIZE))
        page = min(max(int(requested), 1), pages) if (requested or "").isdigit() else 1
        start = (page - 1) * cls.SIZE
        items = rows[start:start + cls.SIZE]
        return cls(items, page, pages, len(rows), start + 1 if items else 0, start + len(items))


@bp.get("/")
@staff_required
def portfolio():
    """The accounts this CSM looks after (all, for an admin), and what needs attention."""
    today = utcnow().date()
    accounts, csm_id = _accounts_in_view()

    nps = nps_by_account(today, [a.id for a in accounts])  # read once for the metrics and the table
    metrics = vendor_metrics(accounts, today, float(get_setting("portfolio.gross_margin", DEFAULT_GROSS_MARGIN)), nps)
    rev_start, rev_end, period_problem = chosen_period(request.args.get("start"), request.args.get("end"), today)
    scope = visible_accounts_clause(current_user) if csm_id is None else (
        visible_accounts_clause(current_user) & (Account.csm_id == csm_id))
    revenue, formulas = revenue_section(scope, rev_start, rev_end)
    active = [a for a in accounts if a.status == "active"]
    forecast = current_forecast()  # fitted by the last health recompute
    risk = {account_id: entry["risk"] for account_id, entry in forecast.risks.items()}
    rows = account_rows(active, today, risk, nps)
    onboarding = onboarding_ids(active, today)  # too little data to score: listed apart, never "at risk"
    first_days = first_event_days(sorted(onboarding))
    newcomers = [(r, first_days.get(r.account.id)) for r in rows if r.account.id in onboarding]
    newcomers = [(r, first, first + timedelta(days=min_days()) if first else None) for r, first in newcomers]
    scored = [r for r in rows if r.account.id not in onboarding]
    at_risk, advocates, renewals = at_risk_tail(scored), advocate_tail(scored), renewals_due(rows, today)
    band_filter, tier_filter = request.args.get("band", ""), request.args.get("tier", "")
    table = [r for r in rows if (not band_filter or r.band == band_filter) and (not tier_filter or r.tier == tier_filter)]
    sort, direction = request.args.get("sort", "health"), request.args.get("dir", "asc")
    table = sort_rows(table, sort, direction == "desc")
    accounts_page = Paged.of(table, request.args.get("page"))
    ids = [a.id for a in accounts]
    warnings = Session.execute(
        select(HealthWarning, Account).join(Account, Account.id == HealthWarning.account_id)
        .where(HealthWarning.account_id.in_(ids), HealthWarning.resolved_at.is_(None))
        .order_by(HealthWarning.raised_at.desc(), HealthWarning.id.desc())
    ).all() if ids else []
    warnings_page = Paged.of(warnings, request.args.get("wpage"))
    csms = list(Session.scalars(select(User).where(User.role == "csm").order_by(User.name))) if current_user.role == "admin" else []
    return render_template(
        "csm/portfolio.html", accounts=accounts, rows=accounts_page.items, accounts_page=accounts_page, at_risk=at_risk,
        advocates=advocates, renewals=renewals, warnings=warnings_page.items, warnings_page=warnings_page, metrics=metrics, revenue=revenue, formulas=formulas, period_problem=period_problem, forecast=forecast, csms=csms, csm_id=csm_id, band_filter=band_filter,
        tier_filter=tier_filter, sort=sort, direction=direction, kind_titles=KIND_TITLES, figures_of=figures_of,
        describe_figures=describe_figures, onboarding=onboarding, newcomers=newcomers, onboarding_days=min_days(),
        action_form=WarningActionForm(), today=today,
    )


@bp.get("/charts/distribution.json")
@staff_required
def distribution_chart():
    """Health distribution of the accounts in view, now against 90 days ago."""
    today = utcnow().date()
    accounts, _ = _accounts_in_view()
    ids = [a.id for a in accounts if a.status == "active"]

    def draw() -> str:
        now = score_on(ids, today, summary=True) if ids else {}
        before = score_on(ids, today - timedelta(days=90), summary=True) if ids else {}
        if not now:
            return json.dumps(empty("No health scores yet: they appear after the nightly health recompute."))
        return figure_json(build(histogram([r.score for r in now.values()]),
                                 histogram([r.score for r in before.values()])))

    # Scores change only when a recompute writes history; the accounts in view are part of the key.
    key = ("health-distribution", hashlib.sha256(repr(ids).encode()).hexdigest(), today, history_version())
    return chart_response(cached_chart(key, draw))


@bp.get("/forecast")
@staff_required
def forecast():
    """The churn forecast in use: which model spoke, its backtest against the baselines, its reliability."""
    return render_template("csm/forecast.html", forecast=current_forecast())


@bp.get("/forecast/reliability.json")
@staff_required
def reliability_chart_json():
    """The backtest's calibration by tenth of predicted risk as Bokeh JSON, or the empty state."""
    deciles = current_forecast().backtest.get("deciles") or []
    if not deciles:
        return jsonify(empty=True, message="No backtest yet: it needs a history of health and churns to score.")
    return chart_response(figure_json(reliability_chart(deciles)))


@bp.post("/warnings/<int:warning_id>/acknowledge")
@staff_required
def acknowledge(warning_id: int):
    """Mark a warning as seen."""
    warning = visible_or_404(HealthWarning, warning_id, "No such warning.")
    if not WarningActionForm().validate_on_submit():
        abort(400)
    if warning.acknowledged_at is None:
        warning.acknowledged_at, warning.acknowledged_by_id = utcnow(), current_user.id
    Session.commit()
    flash("Warning acknowledged.", "success")
    return redirect(url_for("csm.portfolio", _anchor="warnings"))


@bp.post("/warnings/<int:warning_id>/resolve")
@staff_required
def resolve(warning_id: int):
    """Mark a warning as dealt with; it leaves the list."""
    warning = visible_or_404(HealthWarning, warning_id, "No such warning.")
    if not WarningActionForm().validate_on_submit():
        abort(400)
    now = utcnow()
    if warning.acknowledged_at is None:
        warning.acknowledged_at, warning.acknowledged_by_id = now, current_user.id
    if warning.resolved_at is None:
        warning.resolved_at, warning.resolved_by_id = now, current_user.id
    Session.commit()
    flash("Warning resolved.", "success")
    return redirect(url_for("csm.portfolio", _anchor="warnings"))


@bp.route("/settings/health", methods=["GET", "POST"])
@admin_required
def health_settings():
    """Weights and band thresholds of the health score, with a preview of band changes."""

    weights, bands = health_weights(), health_bands()
    margin = float(get_setting("portfolio.gross_margin", DEFAULT_GROSS_MARGIN))
    form = HealthSettingsForm(data={**{f"weight_{k}": v for k, v in weights.items()}, **bands, "gross_margin": margin})
    preview = None
    problems: list[str] = []
    if form.validate_on_submit():
        new_weights, new_bands = form.weights(), form.bands()
        problems = validate_weights(new_weights) + validate_bands(new_bands)
        if not problems:
            preview = band_changes(new_weights, new_bands)
            if form.save.data:
                set_setting("health.weights", new_weights)
                set_setting("health.bands", new_bands)
                set_setting("portfolio.gross_margin", float(form.gross_margin.data))
                audit("settings.health", detail=f"Weights {json.dumps(new_weights, sort_keys=True)}; bands "
                      f"{json.dumps(new_bands, sort_keys=True)}; gross margin {float(form.gross_margin.data)}.")
                Session.commit()
                flash(f"Health settings saved; {preview['changed']} accounts change band from the next recompute.", "success")
                return redirect(url_for("csm.health_settings"))
    elif request.method == "POST":
        problems = ["Please correct the fields marked below."]
    status = 422 if problems else 200
    return render_template("csm/health_settings.html", form=form, preview=preview, problems=problems,
                           weights=weights, bands=bands, json=json), status
