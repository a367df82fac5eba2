"""`db upgrade`: create or migrate the schema with Alembic; `db citus-script`: the SQL that converts it to Citus."""
from __future__ import annotations

import os

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import AppGroup

from core.citus_script import conversion_script
from models.db import make_engine

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


@db_cli.command("citus-script")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="Write the script to this file.")
def citus_script_command(output: str | None):
    """Print the SQL that converts this PostgreSQL database to the Citus plan (README, "Scaling out on Citus")."""
    url = current_app.config["DATABASE_URL"]
    if not url.startswith("postgresql"):
        raise click.ClickException("The Citus conversion needs a PostgreSQL database; DATABASE_URL names another kind.")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            script = conversion_script(connection)
    except ValueError as error:
        raise click.ClickException(f"This schema cannot be converted: {error}.") from error
    finally:
        engine.dispose()
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(script)
        click.echo(f"Wrote the conversion script to {output}.")
    else:
        click.echo(script, nl=False)
