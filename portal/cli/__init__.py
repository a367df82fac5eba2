"""Command-line groups of `flask --app wsgi ...`; each feature owns its group."""
from __future__ import annotations

import click
from flask import Flask

# Groups of every feature, as "module:attribute"; imported when the CLI is registered.
CLI_GROUPS = (
    "portal.cli.database:db_cli",
    "portal.cli.people:accounts_cli",
    "portal.cli.people:users_cli",
    "portal.cli.people:tokens_cli",
    "portal.cli.demo:demo_cli",
    "analytics.cli:events_cli",
    "analytics.health_cli:health_cli",
    "analytics.playbooks_cli:playbooks_cli",
    "surveys.cli:surveys_cli",
    "portal.mail.cli:mail_cli",
    "portal.cli.worker:worker_command",
    "portal.branding.cli:branding_cli",
)


def _show_one_line(self, file=None):
    # The contract asks for one clear line on stderr for a bad option, not click's usage block.
    click.echo(f"Error: {self.format_message()}", err=True)


click.exceptions.UsageError.show = _show_one_line


def register_cli(app: Flask) -> None:
    """Attach every command group to the app."""
    for target in CLI_GROUPS:
        module_name, attribute = target.split(":")
        module = __import__(module_name, fromlist=[attribute])
        app.cli.add_command(getattr(module, attribute))
