"""`db upgrade`: create or migrate the schema with Alembic."""
from __future__ import annotations

import os

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import AppGroup

db_cli = AppGroup("db", help="Database schema.")

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "migrations")


def alembic_config(url: str) -> Config:
    """Alembic configuration for a database URL."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the schema at this URL to the newest revision."""
    command.upgrade(alembic_config(url), revision)


@db_cli.command("upgrade")
def upgrade_command():
    """Create or migrate the schema to the newest revision."""
    upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database schema is up to date.")
