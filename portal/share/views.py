"""Review share links: CSMs create, list and revoke them; anyone with the link sees the frozen review."""
from __future__ import annotations

import json
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from models.db import Session, utcnow
from models.accounts import Account
from models.health import ShareLink, ShareVisit
from portal.access import account_or_404
from portal.charts import chart_response
from portal.dashboard.cards.registry import Card
from portal.audit.web import audit
from portal.services import ServiceError
from portal.share.forms import RevokeForm, ShareLinkForm
from portal.share.services import create_link, link_for_token, link_state, log_visit, previous_link, revoke_link
from portal.share.snapshot import METRICS, changes, quarter_periods

bp = Blueprint("share", __name__)


def _dashboard_body(snapshot: dict, token: str) -> dict | None:
    """The frozen dashboard as the context templates/dashboard/_body.html expects (None for links made before it was frozen)."""
    if snapshot.get("version") != 2:
        return None
    cards = [Card("share/_frozen_card.html", {"html": html}) for html in snapshot["cards_html"]]
    return {"figures": snapshot["figures"], "cards": cards,
            "chart_urls": {name: url_for("share.chart", token=token, name=name) for name in snapshot["charts"]}}


def _staff_account(ext: str):
    """The account (404 when unknown or not visible), then 403 for customers."""
    account = account_or_404(ext)
    if current_user.role not in ("csm", "admin"):
        abort(403)
    return account


@bp.route("/accounts/<ext>/share", methods=["GET", "POST"])
@login_required
def manage(ext: str):
    """Create a review link for the account and list its links."""
    account = _staff_account(ext)
    today = utcnow().date()
    default = quarter_periods(today)
    form = ShareLinkForm(data=None if request.method == "POST" else {"start": default.start, "end": default.end})
    new_url = None
    status = 200
    if form.validate_on_submit():
        try:
            token, link = create_link(account, current_user, form.start.data, form.end.data, form.note.data or "",
                                      form.expires_in_days.data)
            audit("share.created", account=account, target=f"review link {link.id}",
                  detail=f"Period {form.start.data.isoformat()} to {form.end.data.isoformat()}, "
                         f"valid {form.expires_in_days.data} days.")
            Session.commit()
            new_url = url_for("share.review", token=token, _external=True)
            flash("Review link created. Copy it now: it is shown only once.", "success")
        except ServiceError as exc:
            Session.rollback()
            form.end.errors.append(str(exc))
            status = 422
    elif request.method == "POST":
        status = 422
    links = Session.scalars(select(ShareLink).where(ShareLink.account_id == account.id)
                            .order_by(ShareLink.created_at.desc())).all()
    visits = dict(Session.execute(select(ShareVisit.link_id, func.count()).where(ShareVisit.account_id == account.id)
                                  .group_by(ShareVisit.link_id)).all())
    return render_template("share/manage.html", account=account, form=form, links=links, visits=visits,
                           new_url=new_url, link_state=link_state, revoke_form=RevokeForm()), status


@bp.post("/accounts/<ext>/share/<int:link_id>/revoke")
@login_required
def revoke(ext: str, link_id: int):
    """Revoke one of the account's links."""
    account = _staff_account(ext)
    link = Session.scalar(select(ShareLink).where(ShareLink.id == link_id, ShareLink.account_id == account.id))
    if link is None:
        abort(404, "No such link.")
    if not RevokeForm().validate_on_submit():
        abort(400)
    revoke_link(link)
    audit("share.revoked", account=account, target=f"review link {link.id}")
    Session.commit()
    flash("The link was revoked; it now answers 410 Gone.", "success")
    return redirect(url_for("share.manage", ext=account.external_id))


def _valid_link_or_gone(token: str) -> ShareLink:
    link = link_for_token(token)
    state = link_state(link)
    if state != "valid":
        abort(make_response(render_template("share/gone.html", state=state), 404 if state == "unknown" else 410))
    return link


@bp.get("/share/<token>")
def review(token: str):
    """The read-only review: the snapshot frozen at creation, and what changed since the previous review."""
    link = _valid_link_or_gone(token)
    log_visit(link, request.remote_addr or "", request.headers.get("User-Agent", ""))
    audit("share.viewed", account=Session.get(Account, link.account_id), target=f"review link {link.id}")
    Session.commit()
    snapshot = json.loads(link.snapshot_json)
    earlier = previous_link(link)
    since_last = None
    if earlier is not None:
        since_last = {"created_at": earlier.created_at, "period": json.loads(earlier.snapshot_json)["period"],
                      "rows": changes(json.loads(earlier.snapshot_json)["current_figures"], snapshot["current_figures"])}
    return render_template("share/review.html", link=link, token=token, snapshot=snapshot, metrics=METRICS,
                           body=_dashboard_body(snapshot, token),
                           period_rows=changes(snapshot["previous_figures"], snapshot["current_figures"]),
                           since_last=since_last)


@bp.get("/share/<token>/charts/<name>.json")
def chart(token: str, name: str):
    """A chart of the review, exactly as it was drawn when the link was created."""
    link = _valid_link_or_gone(token)
    frozen = json.loads(link.snapshot_json).get("charts") or {}
    if name not in frozen:
        abort(404)
    return chart_response(frozen[name])
