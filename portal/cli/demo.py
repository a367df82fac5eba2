"""`demo seed`: realistic demo data, printing the logins."""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from models.db import Session
from portal import demo

demo_cli = AppGroup("demo", help="Demo data.")


def print_logins(rows) -> None:
    """Print the demo sign-ins."""
    click.echo("")
    click.echo(f"Demo sign-ins (password for all: {demo.DEMO_PASSWORD}):")
    for role, email, sees in rows:
        click.echo(f"  {role:<9} {email:<32} sees {sees}")


@demo_cli.command("seed")
@click.option("--accounts", "n_accounts", type=click.IntRange(1, 5000), default=40, show_default=True)
@click.option("--days", type=click.IntRange(7, 1500), default=365, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed; the same seed gives the same demo.")
@click.option("--if-empty", is_flag=True, help="Do nothing but print the logins when the database has users.")
def seed_command(n_accounts, days, seed, if_empty):
    """Load a demo vendor: CSMs, accounts, users, usage, surveys, articles, assessments."""
    if not demo.database_is_empty():
        if if_empty:
            print_logins(demo.demo_logins())
            return
        raise click.ClickException("The database already has users; seed the demo into an empty database.")
    started = time.monotonic()
    ctx = demo.seed_demo(n_accounts=n_accounts, days=days, seed=seed)
    Session.commit()
    click.echo(f"Seeded {len(ctx.accounts)} accounts over {days} days in {time.monotonic() - started:.1f} s.")
    print_logins(ctx.logins)
