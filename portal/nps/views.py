"""Pages of the NPS feature: the answer page (/s/<token>), analytics, follow-ups, campaigns, the outbox."""
from __future__ import annotations

import json
from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from wtforms import SelectChoice

from core.period import FIRST_PERIOD_DAY, LAST_QUERY_DAY, Period
from core.tiers import tier_by_account
from core.branding import brand_question, get_brand
from models.accounts import Account, User
from models.db import Session, utcnow
from models.mail import OutboxAttempt, OutboxMessage
from models.surveys import DetractorFollowup, SurveyCampaign, SurveyCampaignAccount, SurveyResponse
from portal.access import account_for, account_or_404, admin_required, staff_required, visible_accounts, visible_or_404
from portal.charts import cached_chart, chart_response, figure_json
from portal.extensions import limiter
from portal.jobs import enqueue
from portal.nps.forms import AnswerForm, CampaignForm, CampaignScheduleForm, FollowupForm, UnsubscribeForm
from surveys.nps import charts, queries
from surveys.nps.campaigns import (
    CampaignError,
    create_campaign,
    invitation_by_token,
    opt_out,
    resume_campaign,
    stop_campaign,
)
from surveys.nps.services import AnswerError, answer_invitation, close_followup, invitation_state

bp = Blueprint("surveys", __name__)

ANSWER_LIMIT = "30 per minute;300 per hour"


def _open_invitation(token: str):
    """The invitation of a link token; 404 when unknown, 410 when expired."""
    invitation = invitation_by_token(token)
    if invitation is None:
        abort(404, "This survey link is not valid. Check that you copied the whole link from the e-mail.")
    return invitation


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.limit(ANSWER_LIMIT)
def answer(token: str):
    """The NPS question; opening it (GET) never spends the link, only a submitted answer does."""
    invitation = _open_invitation(token)
    state = invitation_state(invitation)
    if state == "answered":
        return render_template("surveys/answered.html", already=True)
    if state == "expired":
        abort(410, "This survey link has expired (links work for 30 days). Thank you for your time all the same.")
    campaign = Session.get(SurveyCampaign, invitation.campaign_id)
    account = Session.get(Account, invitation.account_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            response = answer_invitation(invitation, form.score.data, form.comment.data or "")
        except AnswerError as exc:
            Session.rollback()
            form.comment.errors = [*form.comment.errors, str(exc)]
        else:
            Session.commit()
            return render_template("surveys/answered.html", already=response is None)
    status = 422 if form.errors else 200
    return render_template("surveys/answer.html", form=form, question=brand_question(campaign.question, get_brand()), account=account,
                           token=token), status


@bp.route("/s/<token>/unsubscribe", methods=["GET", "POST"])
@limiter.limit(ANSWER_LIMIT)
def unsubscribe(token: str):
    """Stop survey e-mails to the person this link was sent to (confirmed by a POST)."""
    invitation = _open_invitation(token)
    form = UnsubscribeForm()
    if form.validate_on_submit():
        opt_out(invitation.user_id)
        Session.commit()
        return render_template("surveys/unsubscribed.html", email=invitation.email)
    return render_template("surveys/unsubscribe.html", form=form, email=invitation.email)


def _period() -> tuple[date, date, str]:
    """The analytics period from ?start=&end=&period= (defaults: the last 365 days, by month)."""
    today = utcnow().date()

    def parse(name, default):
        value = request.args.get(name, "")
        try:
            day = date.fromisoformat(value) if len(value) == 10 else default
        except ValueError:
            return default
        return day if FIRST_PERIOD_DAY <= day <= LAST_QUERY_DAY else default

    end = parse("end", today)
    start = parse("start", end - timedelta(days=364))
    if start > end:
        start, end = end, start
    period = "quarter" if request.args.get("period") == "quarter" else "month"
    return start, end, period


def _visible_ids() -> list[int] | None:
    """Account ids the signed-in staff member may see (None: every account, for admins)."""
    if current_user.role == "admin":
        return None
    return list(Session.scalars(visible_accounts(current_user).with_only_columns(Account.id)))


def _chart_scope() -> tuple[list[int] | None, str]:
    """Accounts a staff chart covers: ?account=<ext> (404 when not visible) or all visible ones."""
    ext = request.args.get("account")
    if ext:
        account = account_for(current_user, ext)
        if account is None:
            abort(404, "No such account.")
        return [account.id], account.name
    return _visible_ids(), "your accounts" if current_user.role == "csm" else "all accounts"


def _empty(message: str) -> str:
    return json.dumps({"empty": True, "message": message})


def _answers_version(account_ids) -> tuple:
    """What changes when an answer of these accounts arrives (answers are never edited)."""
    query = select(func.max(SurveyResponse.id), func.count()).select_from(SurveyResponse)
    if account_ids is not None:
        query = query.where(SurveyResponse.account_id.in_(account_ids))
    return tuple(Session.execute(query).one())


def _trend_json(account_ids, name: str):
    start, end, period = _period()

    def build() -> str:
        points = [charts.TrendPoint(charts.period_label(s, period), s, e, result)
                  for s, e, result in queries.nps_trend(account_ids, start, end, period)]
        fig = charts.trend_figure(points, f"NPS per {period}, {name}", period)
        return _empty("No survey answers in this period yet.") if fig is None else figure_json(fig)

    scope = None if account_ids is None else tuple(account_ids)
    key = ("nps-trend", scope, name, start, end, period, _answers_version(account_ids))
    return chart_response(cached_chart(key, build))


def _distribution_json(account_ids, name: str):
    start, end, _ = _period()

    def build() -> str:
        fig = charts.distribution_figure(queries.score_distribution(account_ids, start, end),
                                         f"Scores given, {name}, {start.isoformat()} – {end.isoformat()}")
        return _empty("No survey answers in this period yet.") if fig is None else figure_json(fig)

    scope = None if account_ids is None else tuple(account_ids)
    key = ("nps-distribution", scope, name, start, end, _answers_version(account_ids))
    return chart_response(cached_chart(key, build))


@bp.get("/surveys/charts/trend.json")
@staff_required
def trend_chart():
    """NPS trend of the staff member's accounts (or ?account=<ext>)."""
    return _trend_json(*_chart_scope())


@bp.get("/surveys/charts/distribution.json")
@staff_required
def distribution_chart():
    """Distribution of scores of the staff member's accounts (or ?account=<ext>)."""
    return _distribution_json(*_chart_scope())


@bp.get("/accounts/<ext>/nps/trend.json")
@login_required
def account_trend_chart(ext: str):
    """NPS trend of one account, for everyone who sees its dashboard."""
    account = account_or_404(ext)
    return _trend_json([account.id], account.name)


@bp.get("/surveys/")
@staff_required
def analytics():
    """NPS by account, tier and CSM, with trend, distribution, comments and possible references."""
    start, end, period = _period()
    ids = _visible_ids()
    accounts = list(Session.scalars(visible_accounts(current_user).order_by(Account.name)))
    by_account = queries.nps_by_account(ids, start, end)
    rates = queries.response_rates(ids, start, end)
    tiers = tier_by_account()
    csm_names = {u.id: u.name or u.email for u in Session.scalars(select(User).where(User.role.in_(("csm", "admin"))))}
    rows = [{"account": a, "result": by_account.get(a.id), "rate": rates.get(a.id, (0, 0)),
             "tier": tiers.get(a.id, "—")} for a in accounts]
    return render_template(
        "surveys/analytics.html", start=start, end=end, period=period, period_short=Period(start, end).short_label(),
        rows=rows,
        overall=queries.nps_for(ids, start, end),
        overall_rate=tuple(map(sum, zip(*rates.values()))) if rates else (0, 0),
        by_tier=queries.grouped_nps(ids, start, end, {a.id: tiers.get(a.id, "churned") for a in accounts}),
        by_csm=queries.grouped_nps(ids, start, end, {a.id: csm_names.get(a.csm_id, "No CSM") for a in accounts}),
        comments=queries.recent_comments(ids, 20, since=start),
        promoters=queries.promoters(ids, start, end, 25),
        open_followups=queries.open_detractor_followups(ids),
        query={"start": start.isoformat(), "end": end.isoformat(), "period": period},
    )


@bp.get("/surveys/followups")
@staff_required
def followups():
    """Detractor answers that need, or got, a follow-up."""
    ids = _visible_ids()
    return render_template("surveys/followups.html", open_rows=queries.followups(ids, "open"),
                           closed_rows=queries.followups(ids, "closed", limit=30))


@bp.route("/surveys/followups/<int:followup_id>", methods=["GET", "POST"])
@staff_required
def followup(followup_id: int):
    """Record what was done about a detractor's answer, reply to them, close the loop."""
    item = visible_or_404(DetractorFollowup, followup_id, "No such follow-up.")
    # The whole key (account_id, id) of the answer: an index probe, not a scan of every answer.
    response = Session.scalar(select(SurveyResponse).where(SurveyResponse.account_id == item.account_id,
                                                           SurveyResponse.id == item.response_id))
    account = Session.get(Account, item.account_id)
    form = FollowupForm(obj=item) if request.method == "GET" else FollowupForm()
    if request.method == "GET":
        form.publish_reply.data = item.reply_published_at is not None
        form.close.data = item.status == "closed"
    if form.validate_on_submit():
        close_followup(item, note=form.note.data, reply=form.reply.data,
                       publish_reply=bool(form.publish_reply.data and response.user_id),
                       closed_by=current_user, close=form.close.data)
        Session.commit()
        flash("Follow-up saved." + (" The loop is closed." if item.status == "closed" else ""), "success")
        return redirect(url_for("surveys.followups"))
    return render_template("surveys/followup.html", form=form, item=item, response=response, account=account)


@bp.route("/surveys/campaigns", methods=["GET", "POST"])
@staff_required
def campaigns():
    """NPS campaigns: admins ask any audience, CSMs their own accounts."""
    accounts = list(Session.scalars(visible_accounts(current_user).where(Account.status == "active")
                                    .order_by(Account.name)))
    form = CampaignForm()
    form.accounts.choices = [SelectChoice(a.id, f"{a.name} ({a.external_id})") for a in accounts]
    if current_user.role != "admin":
        form.audience.choices = [SelectChoice("accounts", "Chosen accounts (yours)")]
    if form.validate_on_submit():
        try:
            create_campaign(name=form.name.data, question=form.question.data, audience=form.audience.data,
                            tier=form.tier.data, account_ids=form.accounts.data or [], every_days=form.every_days.data,
                            created_by=current_user)
        except CampaignError as exc:
            Session.rollback()
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            Session.commit()
            if enqueue("surveys.send"):  # with a job worker the invitations go out now, not at the next cron run
                flash("Campaign saved; its invitations are being sent now.", "success")
            else:
                flash("Campaign saved; its invitations go out with the next scheduled survey send.", "success")
            return redirect(url_for("surveys.campaigns"))
    query = select(SurveyCampaign).order_by(SurveyCampaign.id.desc())
    if current_user.role != "admin":
        query = query.where(SurveyCampaign.created_by_id == current_user.id)
    listed = list(Session.scalars(query))
    chosen = {}
    for link, name in Session.execute(select(SurveyCampaignAccount, Account.name)
                                      .join(Account, Account.id == SurveyCampaignAccount.account_id)
                                      .where(SurveyCampaignAccount.campaign_id.in_([c.id for c in listed]))).all():
        chosen.setdefault(link.campaign_id, []).append(name)
    return render_template("surveys/campaigns.html", form=form, campaigns=listed, chosen=chosen), \
        422 if form.errors else 200


@bp.post("/surveys/campaigns/<int:campaign_id>/schedule")
@staff_required
def campaign_schedule(campaign_id: int):
    """Stop or resume a campaign: admins any campaign, a CSM the ones they created."""
    campaign = Session.get(SurveyCampaign, campaign_id)
    if campaign is None or (current_user.role != "admin" and campaign.created_by_id != current_user.id):
        abort(404, "No such campaign.")
    form = CampaignScheduleForm()
    if not form.validate_on_submit():
        abort(400, "Choose to stop or to resume the campaign.")
    try:
        if form.action.data == "stop":
            stop_campaign(campaign)
        else:
            resume_campaign(campaign)
    except CampaignError as exc:
        Session.rollback()
        flash(str(exc), "error")
    else:
        Session.commit()
        if form.action.data == "stop":
            flash(f"“{campaign.name}” is stopped; invitations already sent still work.", "success")
        elif enqueue("surveys.send"):
            flash(f"“{campaign.name}” is due again; its invitations are being sent now.", "success")
        else:
            flash(f"“{campaign.name}” is due again; its invitations go out with the next scheduled survey send.", "success")
    return redirect(url_for("surveys.campaigns"))


@bp.get("/surveys/outbox")
@admin_required
def outbox():
    """The latest outgoing mail and its delivery state (read the demo's mail without an SMTP server)."""
    messages = list(Session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)))
    return render_template("surveys/outbox.html", messages=messages)


@bp.get("/surveys/outbox/<int:message_id>")
@admin_required
def outbox_message(message_id: int):
    """One outgoing message: its text and every delivery attempt."""
    message = Session.get(OutboxMessage, message_id)
    if message is None:
        abort(404, "No such message.")
    attempts = list(Session.scalars(select(OutboxAttempt).where(OutboxAttempt.message_id == message.id)
                                    .order_by(OutboxAttempt.id)))
    return render_template("surveys/outbox_message.html", message=message, attempts=attempts)
