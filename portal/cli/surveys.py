"""`flask --app wsgi surveys send [--account EXT]`: queue due NPS invitations and reminders, then deliver."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from models.accounts import Account
from models.db import Session
from portal.mail.cli import echo_flush
from core.outbox import FlushReport, flush_outbox
from portal.services import account_by_external_id
from surveys.nps.campaigns import send_due

surveys_cli = AppGroup("surveys", help="NPS surveys.")


class AccountRefused(ValueError):
    """The account named for a survey send is unknown or has churned."""


def surveyed_account(external_id: str | None) -> Account | None:
    """The active account of external_id (None for every account); AccountRefused when it cannot be surveyed."""
    if external_id is None:
        return None
    account = account_by_external_id(external_id.strip())
    if account is None:
        raise AccountRefused(f"No account has the external id {external_id!r}.")
    if account.status != "active":
        raise AccountRefused(f"The account {external_id} has churned; surveys go to active accounts only.")
    return account


def send_surveys(account: Account | None):
    """Queue due invitations and reminders (of account, or of all), commit, then deliver the outbox."""
    try:
        report = send_due(account)
        Session.commit()
    except Exception:
        Session.rollback()
        raise
    flush_report: FlushReport = flush_outbox()
    return report, flush_report


@surveys_cli.command("send")
@click.option("--account", "external_id", default=None, help="Only this account (its external id).")
def send_command(external_id: str | None):
    """Queue NPS invitations that are due (throttling rules apply) and deliver the outbox."""
    try:
        account = surveyed_account(external_id)
    except AccountRefused as exc:
        raise click.ClickException(str(exc)) from None
    report, flush_report = send_surveys(account)
    click.echo(report.summary())
    # The invitations are queued either way; a mail server that is down only delays them.
    echo_flush(flush_report, fail_when_unusable=False)
