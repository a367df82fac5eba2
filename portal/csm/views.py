"""The CSM portfolio: health distribution, tails, warnings, renewals, vendor metrics, accounts; health settings."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from analytics.health_recompute import health_bands, health_weights
from analytics.portfolio import (
    DEFAULT_GROSS_MARGIN, account_rows, band_changes, histogram, nps_by_account, sort_rows, vendor_metrics,
)
from analytics.warnings import KIND_TITLES, figures_of
from models.accounts import Account, User
from models.db import Session, utcnow
from models.health import HealthWarning
from portal.access import admin_required, staff_required, visible_accounts, visible_accounts_clause
from portal.audit.web import audit
from portal.charts import cached_chart, chart_response, figure_json
from portal.csm.forms import HealthSettingsForm, WarningActionForm

bp = Blueprint("csm", __name__, url_prefix="/csm")


def _accounts_in_view() -> tuple[list[Account], int | None]:
    """The accounts the user may see, narrowed to one CSM when an admin filters by CSM."""
    query = visible_accounts(current_user).order_by(Account.name)
    csm_id = request.args.get("csm", type=int) if current_user.role == "admin" else None
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
    from portal.settings import get_setting

    nps = nps_by_account(today, [a.id for a in accounts])  # read once for the metrics and the table
    metrics = vendor_metrics(accounts, today, float(get_setting("portfolio.gross_margin", DEFAULT_GROSS_MARGIN)), nps)
    active = [a for a in accounts if a.status == "active"]
    from analytics.forecast import red_risk

    chain, risk = red_risk(today)  # reads every account's health history: once per page
    rows = account_rows(active, today, risk, nps)
    scored = [r for r in rows if r.score is not None]
    # The at-risk tail: red, likely to be red in 90 days, or not green with an open warning; lowest scores first.
    at_risk = sorted([r for r in scored if r.band == "red" or (r.risk_red_90d or 0) >= 0.3
                      or (r.band != "green" and r.open_warnings)], key=lambda r: r.score)[:8]
    advocates = sorted([r for r in scored if r.band == "green" and (r.nps is None or r.nps >= 50)],
                       key=lambda r: (-(r.nps or 0), -r.score))[:8]
    renewals = sorted([r for r in rows if r.account.renewal_date and today <= r.account.renewal_date <= today + timedelta(days=90)],
                      key=lambda r: r.account.renewal_date)
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
        advocates=advocates, renewals=renewals, warnings=warnings_page.items, warnings_page=warnings_page, metrics=metrics, chain=chain, csms=csms, csm_id=csm_id, band_filter=band_filter,
        tier_filter=tier_filter, sort=sort, direction=direction, kind_titles=KIND_TITLES, figures_of=figures_of,
        action_form=WarningActionForm(), today=today,
    )


@bp.get("/charts/distribution.json")
@staff_required
def distribution_chart():
    """Health distribution of the accounts in view, now against 90 days ago."""
    from analytics.health_charts import distribution_chart as build, empty
    from analytics.forecast import history_version
    from analytics.health_recompute import score_on

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


def _warning_or_404(warning_id: int) -> HealthWarning:
    """A warning of an account the user may see; 404 otherwise."""
    warning = Session.scalar(
        select(HealthWarning).join(Account, Account.id == HealthWarning.account_id)
        .where(HealthWarning.id == warning_id, visible_accounts_clause(current_user))
    )
    if warning is None:
        abort(404, "No such warning.")
    return warning


@bp.post("/warnings/<int:warning_id>/acknowledge")
@staff_required
def acknowledge(warning_id: int):
    """Mark a warning as seen."""
    warning = _warning_or_404(warning_id)
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
    warning = _warning_or_404(warning_id)
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
    from analytics.scoring import validate_bands, validate_weights
    from portal.settings import set_setting

    from portal.settings import get_setting

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
