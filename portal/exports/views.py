"""Downloads: the tables of the pages as CSV or Excel, and the review as a PowerPoint deck.

Each route loads, checks access with the same rule as its page (portal/access.py), then writes.
"""
from __future__ import annotations

import json
from datetime import date, timedelta

from flask import Blueprint, Response, abort, make_response, render_template, request
from flask_login import current_user, login_required

from analytics.cohorts.tables import cohort_data
from core.tiers import TIERS
from core.tabular import FORMATS, Table, render
from core.validation import row_id
from models.db import utcnow
from portal.access import account_or_404, staff_required, visible_accounts_clause
from core.period import FIRST_PERIOD_DAY, LAST_QUERY_DAY, Period
from portal.exports import tables
from portal.exports.portfolio import portfolio_rows
from core.branding import get_brand
from portal.share.deck import build_deck
from portal.share.snapshot import quarter_periods, take_snapshot
from portal.share.services import link_for_token, link_state

bp = Blueprint("exports", __name__)

MAX_DAYS = 3660  # ten years, as the usage API
MAX_REVIEW_DAYS = 366  # as a share link's review period
ACCOUNT_TABLES = ("usage", "features", "nps", "plan")
STAFF_TABLES = ("portfolio", "warnings", "cohorts")
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _date(name: str) -> date | None:
    value = request.args.get(name) or None
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        abort(422, f"'{name}' must be an ISO date like 2026-01-31.")
    if day > LAST_QUERY_DAY:
        abort(422, f"'{name}' must be on or before {LAST_QUERY_DAY.isoformat()}.")
    return day


def _period(default_days: int = 30) -> Period:
    """?start=&end= (ISO dates, UTC days, inclusive), as the API reads them; 422 with a sentence when wrong."""
    end = _date("end") or utcnow().date()
    start = _date("start") or end - timedelta(days=default_days - 1)
    if start > end:
        abort(422, "'start' must not be after 'end'.")
    if (end - start).days + 1 > MAX_DAYS:
        abort(422, f"The range may span at most {MAX_DAYS} days; ask for a shorter one.")
    return Period(start, end)


def _download(table: Table, fmt: str, filename: str) -> Response:
    if fmt not in FORMATS:
        abort(404, "Downloads come as .csv or .xlsx.")
    return Response(render(table, fmt), content_type=FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"', "Cache-Control": "private, no-store"})


def _safe(text: str) -> str:
    """Text fit for a file name in a header: ASCII letters, digits, - and _ only."""
    return "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "-_" else "-" for ch in text)[:60] or "export"


@bp.get("/accounts/<ext>/usage.csv")
@login_required
def usage_csv(ext: str):
    """The usage days of the API's /usage as CSV: date,active_users,logins,events."""
    account = account_or_404(ext)
    period = _period()
    return _download(tables.usage_days_table(account, period.start, period.end), "csv",
                     f"{_safe(account.external_id)}-usage-{period.start.isoformat()}-{period.end.isoformat()}")


@bp.get("/accounts/<ext>/exports/<table>.<fmt>")
@login_required
def account_table(ext: str, table: str, fmt: str):
    """One of the account's tables (usage, features, nps, plan) as CSV or XLSX; customers get their own answers."""
    account = account_or_404(ext)
    if table not in ACCOUNT_TABLES:
        abort(404, "No such table.")
    period = _period(365 if table == "nps" else 30)
    if table == "usage":
        data = tables.usage_days_table(account, period.start, period.end)
    elif table == "features":
        data = tables.features_table(account, period.start, period.end)
    elif table == "nps":
        # Customers see only their own answers on the dashboard, so they download only those.
        only = current_user if current_user.role == "customer" else None
        data = tables.nps_answers_table(account, period.start, period.end, only_user=only)
    else:
        data = tables.plan_readings_table(account)
    suffix = "" if table == "plan" else f"-{period.start.isoformat()}-{period.end.isoformat()}"
    return _download(data, fmt, f"{_safe(account.external_id)}-{table}{suffix}")


@bp.get("/csm/exports/<table>.<fmt>")
@staff_required
def staff_table(table: str, fmt: str):
    """The portfolio, its open warnings or the cohorts, for the accounts this user sees (admin: ?csm= narrows)."""
    if table not in STAFF_TABLES:
        abort(404, "No such table.")
    csm_id = request.args.get("csm", type=row_id) if current_user.role == "admin" else None
    if table == "cohorts":  # the filters of the cohorts page
        tier = request.args.get("tier") if request.args.get("tier") in TIERS else None
        by = "quarter" if request.args.get("by") == "quarter" else "month"
        data = tables.cohorts_table(cohort_data(visible_accounts_clause(current_user), tier=tier, by=by,
                                                csm_id=csm_id if current_user.role == "admin" else current_user.id))
    else:
        rows, account_ids = portfolio_rows(current_user, csm_id)
        data = tables.portfolio_table(rows, get_brand().currency) if table == "portfolio" \
            else tables.warnings_table(account_ids)
    return _download(data, fmt, f"{table}-{utcnow().date().isoformat()}")


def _deck_response(snapshot: dict, filename: str) -> Response:
    brand = get_brand()
    deck = build_deck(snapshot, vendor_name=brand.name, accent=brand.color)
    return Response(deck, mimetype=PPTX, headers={"Content-Disposition": f'attachment; filename="{filename}.pptx"',
                                                  "Cache-Control": "private, no-store"})


@bp.get("/share/<token>/deck.pptx")
def share_deck(token: str):
    """The review of a valid share link as a PowerPoint deck, from the same frozen snapshot as the page."""
    link = link_for_token(token)
    state = link_state(link)
    if state != "valid":  # as the review page: 404 for a made-up link, 410 for an expired or revoked one
        abort(make_response(render_template("share/gone.html", state=state), 404 if state == "unknown" else 410))
    snapshot = json.loads(link.snapshot_json)
    return _deck_response(snapshot, f"review-{_safe(snapshot['account']['external_id'])}-{snapshot['period']['end']}")


@bp.get("/accounts/<ext>/review.pptx")
@login_required
def account_deck(ext: str):
    """Staff: a review deck of the account for ?start=&end= (default the last complete quarter), taken now."""
    account = account_or_404(ext)
    if current_user.role not in ("csm", "admin"):
        abort(403)
    period = Period(_date("start"), _date("end")) if request.args.get("start") and request.args.get("end") \
        else quarter_periods(utcnow().date())
    if period.start > period.end or period.days > MAX_REVIEW_DAYS or period.end > utcnow().date():
        abort(422, f"A review runs from 'start' to 'end', at most {MAX_REVIEW_DAYS} days, ending by today.")
    if period.start < FIRST_PERIOD_DAY:
        abort(422, f"A review starts on or after {FIRST_PERIOD_DAY.isoformat()}.")
    snapshot = take_snapshot(account, period)
    return _deck_response(snapshot, f"review-{_safe(account.external_id)}-{period.end.isoformat()}")
