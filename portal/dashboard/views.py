"""The value dashboard of an account: the same view for its customers, its CSM and admins."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from portal.dashboard.context import CHART_NAMES, chart_payload, dashboard_context, default_period
from core.engagement import record_engagement
from models.db import Session, utcnow
from models.usage import EngagementEvent
from portal.access import account_or_404
from portal.charts import cached_chart, chart_response
from core.period import FIRST_PERIOD_DAY, LAST_QUERY_DAY, Period

bp = Blueprint("dashboard", __name__, url_prefix="/accounts")

MAX_PERIOD_DAYS = 3 * 366
RANGE_CHOICES = [SelectChoice("30", "Last 30 full days"), SelectChoice("90", "Last 90 full days"),
                 SelectChoice("365", "Last 365 full days"), SelectChoice("custom", "Custom dates")]


class PeriodForm(FlaskForm):
    """The period picker: a preset or custom start and end dates (GET, nothing changes)."""

    class Meta:
        csrf = False

    range = SelectField("Period", choices=RANGE_CHOICES, default="30",
                        invalid_choice_message="Choose a period from the list.")
    start = DateField("From", validators=[Optional()],
                      invalid_value_message="Enter the first day as a date, e.g. 2026-01-31, or pick it from the calendar.")
    end = DateField("To", validators=[Optional()],
                    invalid_value_message="Enter the last day as a date, e.g. 2026-03-31, or pick it from the calendar.")

    def validate(self, extra_validators=None) -> bool:
        """Custom ranges need both dates, in order, not in the future, at most three years long."""
        if not super().validate(extra_validators):
            return False
        if self.range.data != "custom":
            return True
        today = utcnow().date()
        ok = True
        if self.start.data is None:
            self.start.errors.append("Enter the first day, like 2026-01-31.")
            ok = False
        if self.end.data is None:
            self.end.errors.append("Enter the last day, like 2026-03-31.")
            ok = False
        if not ok:
            return False
        if self.end.data > today:
            self.end.errors.append(f"The last day cannot be after today ({today.isoformat()}).")
            return False
        if self.start.data > self.end.data:
            self.start.errors.append("The first day must not be after the last day.")
            return False
        if self.start.data < FIRST_PERIOD_DAY:
            self.start.errors.append(f"The first day must be on or after {FIRST_PERIOD_DAY.isoformat()}.")
            return False
        if (self.end.data - self.start.data).days + 1 > MAX_PERIOD_DAYS:
            self.start.errors.append(f"Pick at most {MAX_PERIOD_DAYS} days.")
            return False
        return True

    def period(self) -> Period:
        """The chosen period (the default 30 days when the form is invalid)."""
        if self.range.data == "custom" and not self.errors:
            return Period(self.start.data, self.end.data)
        days = int(self.range.data) if self.range.data in ("30", "90", "365") else 30
        return default_period(days)


def chart_urls(ext: str, period: Period) -> dict[str, str]:
    """URLs of the dashboard's chart JSON for this period."""
    return {name: url_for("dashboard.chart", ext=ext, name=name, start=period.start.isoformat(),
                          end=period.end.isoformat()) for name in CHART_NAMES}


def _record_visit(account_id: int, user_id: int) -> None:
    """A customer's visit counts as engagement, at most once per user and UTC day."""
    today_start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    seen = Session.scalar(
        select(EngagementEvent.id).where(EngagementEvent.user_id == user_id, EngagementEvent.kind == "portal_visit",
                                         EngagementEvent.ts >= today_start).limit(1)
    )
    if seen is None:
        record_engagement(account_id, user_id, "portal_visit")
        Session.commit()


@bp.get("/<ext>/")
@login_required
def overview(ext: str):
    """The account's value dashboard."""
    account = account_or_404(ext)
    form = PeriodForm(request.args)
    if request.args:
        form.validate()  # an invalid choice shows its errors beside the fields and the default period
    period = form.period()
    staff = current_user.role in ("csm", "admin")
    context = dashboard_context(account, period, include_staff_only=staff)
    if current_user.role == "customer":
        _record_visit(account.id, current_user.id)
    return render_template("dashboard/overview.html", form=form, chart_urls=chart_urls(account.external_id, period),
                           **context)


def _period_from_query() -> Period:
    """?start=&end= as a Period; 400 when malformed, reversed or too long; default the last 30 full days."""
    try:
        start = date.fromisoformat(request.args["start"]) if request.args.get("start") else None
        end = date.fromisoformat(request.args["end"]) if request.args.get("end") else None
    except ValueError:
        abort(400, "start and end must be dates like 2026-01-31.")
    end = end or default_period(30).end
    start = start or end - timedelta(days=29)
    if end > LAST_QUERY_DAY:
        abort(400, f"end must be on or before {LAST_QUERY_DAY.isoformat()}.")
    if start > end or (end - start).days + 1 > MAX_PERIOD_DAYS:
        abort(400, f"start must not be after end, and the period at most {MAX_PERIOD_DAYS} days.")
    return Period(start, end)


@bp.get("/<ext>/charts/<name>.json")
@login_required
def chart(ext: str, name: str):
    """One dashboard chart as Bokeh JSON, or {"empty": true, "message": ...}."""
    account = account_or_404(ext)
    if name not in CHART_NAMES:
        abort(404, "No such chart.")
    return chart_response(chart_payload(account, name, _period_from_query(), cache=cached_chart))
