"""Units of work that the CLI commands and the background jobs both run: call the services, commit, deliver.

Services validate and flush; these functions own the transaction, so a command and its job
can never drift apart.
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from analytics.forecast.service import refit
from analytics.health.recompute import recompute
from analytics.plan.services import record_usage_readings
from core.outbox import FlushReport, flush_outbox
from models.accounts import Account
from models.db import Session
from surveys.nps.campaigns import send_due


def recompute_health(as_of: Optional[date]) -> dict:
    """Recompute and store every account's health on as_of (default today), then commit.

    The day's readings of success-plan metrics measured from usage are stored too (under the same lock),
    so their history charts gain a point each day the recompute runs, and the churn forecast is refitted on
    the history as it now stands.
    """
    try:
        summary = recompute(as_of)  # on PostgreSQL this takes the recompute lock until the commit
        summary["plan_readings"] = record_usage_readings(as_of)
        summary["forecast"] = refit().kind
        Session.commit()
    except Exception:
        Session.rollback()
        raise
    return summary


def send_surveys(account: Account | None) -> tuple:
    """Queue due invitations and reminders (of account, or of all), commit, then deliver the outbox."""
    try:
        report = send_due(account)
        Session.commit()
    except Exception:
        Session.rollback()
        raise
    flush_report: FlushReport = flush_outbox()
    return report, flush_report
