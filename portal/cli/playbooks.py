"""CLI group `playbooks`: `playbooks run [--dry-run]`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from analytics.playbooks.engine import run_playbooks
from core.outbox import flush_outbox
from models.db import Session
from portal.mail.cli import echo_flush

playbooks_cli = AppGroup("playbooks", help="Playbooks.")


@playbooks_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List who would get what, one line per person and action; change nothing.")
def run_command(dry_run: bool):
    """Evaluate every active playbook, queue what is due and deliver the outbox."""
    try:
        report = run_playbooks(dry_run=dry_run)
    except Exception:
        Session.rollback()
        raise
    for line in report.lines:
        click.echo(("would: " if dry_run else "") + line)
    for problem in report.problems:
        click.echo(f"Refused: {problem}")
    if dry_run:
        Session.rollback()
        click.echo(report.summary() + " Dry run: nothing was changed.")
        return
    Session.commit()
    click.echo(report.summary())
    echo_flush(flush_outbox())
