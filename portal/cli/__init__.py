"""Command-line groups of `flask --app wsgi ...`; each feature owns its group."""
from __future__ import annotations

import click
from flask import Flask

from portal.cli.database import db_cli
from portal.cli.demo import demo_cli
from portal.cli.events import events_cli
from portal.cli.health import health_cli
from portal.cli.people import accounts_cli, tokens_cli, users_cli
from portal.cli.playbooks import playbooks_cli
from portal.cli.surveys import surveys_cli
from portal.cli.worker import worker_command
from portal.mail.cli import mail_cli
from portal.branding.cli import branding_cli
from portal.webhooks.cli import webhooks_cli
from portal.imports.cli import imports_cli


def _show_one_line(self, file=None):
    # The contract asks for one clear line on stderr for a bad option, not click's usage block.
    click.echo(f"Error: {self.format_message()}", err=True)


click.exceptions.UsageError.show = _show_one_line


def register_cli(app: Flask) -> None:
    """Attach every command group to the app."""
    for command in (db_cli, accounts_cli, users_cli, tokens_cli, demo_cli, events_cli, health_cli, playbooks_cli,
                    surveys_cli, mail_cli, worker_command, imports_cli, webhooks_cli, branding_cli):
        app.cli.add_command(command)
