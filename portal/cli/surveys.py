"""`flask --app wsgi surveys send [--account EXT]`: queue due NPS invitations and reminders, then deliver."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from core.validation import ServiceError
from portal.mail.cli import echo_flush
from portal.tasks import send_surveys
from surveys.nps.campaigns import surveyed_account

surveys_cli = AppGroup("surveys", help="NPS surveys.")


@surveys_cli.command("send")
@click.option("--account", "external_id", default=None, help="Only this account (its external id).")
def send_command(external_id: str | None):
    """Queue NPS invitations that are due (throttling rules apply) and deliver the outbox."""
    try:
        account = surveyed_account(external_id)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    report, flush_report = send_surveys(account)
    click.echo(report.summary())
    # The invitations are queued either way; a mail server that is down only delays them.
    echo_flush(flush_report, fail_when_unusable=False)
