"""`flask --app wsgi surveys send [--account EXT]`: queue due NPS invitations and reminders, then deliver."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from models.db import Session
from portal.mail.cli import echo_flush
from portal.mail.outbox import flush_outbox
from portal.services import account_by_external_id
from surveys.campaigns import send_due

surveys_cli = AppGroup("surveys", help="NPS surveys.")


@surveys_cli.command("send")
@click.option("--account", "external_id", default=None, help="Only this account (its external id).")
def send_command(external_id: str | None):
    """Queue NPS invitations that are due (throttling rules apply) and deliver the outbox."""
    account = None
    if external_id is not None:
        account = account_by_external_id(external_id.strip())
        if account is None:
            raise click.ClickException(f"No account has the external id {external_id!r}.")
        if account.status != "active":
            raise click.ClickException(f"The account {external_id} has churned; surveys go to active accounts only.")
    try:
        report = send_due(account)
        Session.commit()
    except Exception:
        Session.rollback()
        raise
    click.echo(report.summary())
    # The invitations are queued either way; a mail server that is down only delays them.
    echo_flush(flush_outbox(), fail_when_unusable=False)
