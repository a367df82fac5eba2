"""CLI group `health`: recompute every account's health score."""
from __future__ import annotations

import time
from datetime import date

import click
from flask.cli import AppGroup

from core.period import LAST_QUERY_DAY
from core.validation import ServiceError, parse_date
from portal.tasks import recompute_health

health_cli = AppGroup("health", help="Health scores.")
FORECAST_WORDS = {"logistic": "logistic regression", "markov": "Markov chain (too few churns for the regression)",
                  "none": "none (too little history)"}
EARLIEST_AS_OF = date(2, 1, 1)  # the score looks a year back from its day


@health_cli.command("recompute")
@click.option("--as-of", "as_of", default=None, help="UTC day to compute, YYYY-MM-DD (default: today).")
def recompute_command(as_of: str | None):
    """Recompute every account's health score, store it in the history and raise warnings."""
    try:
        day = parse_date(as_of, "--as-of")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    if day is not None and not EARLIEST_AS_OF <= day <= LAST_QUERY_DAY:
        raise click.ClickException(f"--as-of must be a day from {EARLIEST_AS_OF.isoformat()} to "
                                   f"{LAST_QUERY_DAY.isoformat()}, not {day.isoformat()}.")
    started = time.perf_counter()
    summary = recompute_health(day)
    click.echo(f"Health of {summary['accounts']} accounts computed for {summary['as_of'].isoformat()} "
               f"in {time.perf_counter() - started:.2f} s; {summary['warnings']} new warnings; "
               f"{summary['plan_readings']} success-plan readings measured from usage; churn forecast: "
               f"{FORECAST_WORDS[summary['forecast']]}.")
