"""The audit log page and its CSV export: admins see every entry, a CSM the entries of their accounts."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from core.audit import ACTIONS
from core.period import LAST_QUERY_DAY
from core.validation import row_id
from models.db import Session
from portal.access import staff_required
from portal.audit.queries import AuditFilter, scoped, to_csv
from portal.audit.web import audit

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


def _filters() -> tuple[AuditFilter, list[str]]:
    """The filters of the query string, and a sentence for each one that could not be read."""
    problems: list[str] = []
    dates: dict[str, date | None] = {}
    for name, label in (("start", "From"), ("end", "To")):
        raw = (request.args.get(name) or "").strip()
        try:
            dates[name] = date.fromisoformat(raw) if raw else None
            if dates[name] is not None and dates[name] > LAST_QUERY_DAY:
                raise ValueError
        except ValueError:
            dates[name] = None
            problems.append(f"“{label}” must be a date like 2026-01-31.")
    action = (request.args.get("action") or "").strip()
    if action and action not in ACTIONS:
        problems.append("Pick an action from the list.")
        action = ""
    if dates["start"] and dates["end"] and dates["start"] > dates["end"]:
        problems.append("“From” must not be after “To”.")
    wanted = AuditFilter(actor=(request.args.get("actor") or "").strip()[:254], action=action,
                         account=(request.args.get("account") or "").strip()[:100], start=dates["start"],
                         end=dates["end"])
    return wanted, problems


@bp.get("/")
@staff_required
def entries():
    """Audit entries, newest first, filtered by actor, action, account and dates, 50 a page."""
    wanted, problems = _filters()
    query = scoped(current_user, wanted)
    total = Session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=row_id) or 1), pages)
    rows = Session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    paged = {"page": page, "pages": pages, "total": total, "first": (page - 1) * PAGE_SIZE + 1,
             "last": (page - 1) * PAGE_SIZE + len(rows)}
    return render_template("audit/entries.html", entries=rows, wanted=wanted, actions=ACTIONS, problems=problems,
                           paged=paged), (400 if problems else 200)


@bp.get("/export.csv")
@staff_required
def export():
    """The filtered entries as CSV (up to 100,000, newest first); the export itself is audited."""
    wanted, problems = _filters()
    if problems:
        return Response(" ".join(problems) + "\n", status=400, mimetype="text/plain")
    rows = Session.scalars(scoped(current_user, wanted).limit(EXPORT_LIMIT)).all()
    body = to_csv(rows)
    used = ", ".join(f"{name}={value}" for name, value in vars(wanted).items() if value)
    audit("export.audit", detail=f"{len(rows)} entries" + (f"; filters: {used}." if used else "."))
    Session.commit()
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})
