"""`flask --app wsgi mail flush`: deliver the outbox.

Exit status: 0 when the flush ran, even if some messages were refused (they stay queued,
with the error, for the next flush); 1 with one line on stderr when queued mail could
not be attempted at all because the mail server cannot be reached or refuses the
configured login (MAIL_SERVER, MAIL_PORT, MAIL_USERNAME ...), so cron and monitoring notice.
"""
from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from core.outbox import flush_outbox
from models.db import utcnow

mail_cli = AppGroup("mail", help="Outgoing mail.")


def echo_flush(report, fail_when_unusable: bool = True) -> None:
    """Print a flush report; fail with one line when the mail server could not be used at all."""
    click.echo(f"Mail: {report.summary()}" if not report.server_error else
               f"Mail: {report.sent} sent, {report.failed} failed, {report.remaining} still queued.")
    if report.server_error and report.sent == 0 and fail_when_unusable:
        raise click.ClickException(
            f"The mail server could not be used ({report.server_error}); {report.remaining} messages stay queued."
        )
    if report.server_error:
        click.echo(f"Mail server problem: {report.server_error}; the rest stays queued for the next flush.")


@mail_cli.command("flush")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Deliver at most this many messages.")
@click.option("--retry-now", is_flag=True, help="Retry failed messages now instead of waiting for their back-off.")
def flush_command(limit: int | None, retry_now: bool):
    """Deliver queued mail; what fails stays queued for the next flush."""

    now = utcnow() + timedelta(days=1) if retry_now else None
    echo_flush(flush_outbox(limit=limit, now=now))
