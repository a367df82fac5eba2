"""CLI group `health`: recompute every account's health score."""
from __future__ import annotations

import time
from datetime import date
from typing import Optional

import click
from flask.cli import AppGroup

health_cli = AppGroup("health", help="Health scores.")
FORECAST_WORDS = {"logistic": "logistic regression", "markov": "Markov chain (too few churns for the regression)",
                  "none": "none (too little history)"}


def recompute_and_commit(as_of: Optional[date]) -> dict:
    """Recompute and store every account's health on as_of (default today) and commit; what the job runs too.

    The day's readings of success-plan metrics measured from usage are stored too (under the same lock),
    so their history charts gain a point each day the recompute runs, and the churn forecast is refitted on the
    history as it now stands.
    """
    from analytics.health_recompute import recompute
    from analytics.forecast.service import refit
    from analytics.plan_services import record_usage_readings
    from models.db import Session

    try:
        summary = recompute(as_of)  # on PostgreSQL this takes the recompute lock until the commit
        summary["plan_readings"] = record_usage_readings(as_of)
        summary["forecast"] = refit().kind
        Session.commit()
    except Exception:
        Session.rollback()
        raise
    return summary


@health_cli.command("recompute")
@click.option("--as-of", "as_of", default=None, help="UTC day to compute, YYYY-MM-DD (default: today).")
def recompute_command(as_of: str | None):
    """Recompute every account's health score, store it in the history and raise warnings."""
    from portal.services import ServiceError, parse_date

    try:
        day = parse_date(as_of, "--as-of")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    started = time.perf_counter()
    summary = recompute_and_commit(day)
    click.echo(f"Health of {summary['accounts']} accounts computed for {summary['as_of'].isoformat()} "
               f"in {time.perf_counter() - started:.2f} s; {summary['warnings']} new warnings; "
               f"{summary['plan_readings']} success-plan readings measured from usage; churn forecast: "
               f"{FORECAST_WORDS[summary['forecast']]}.")
