"""`flask --app wsgi webhooks add|flush`: register an endpoint, deliver queued messages."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from core.webhooks.endpoints import EndpointRefused, add_endpoint
from models.db import Session
from portal.webhooks.services import flush

webhooks_cli = AppGroup("webhooks", help="Signed webhooks to the vendor's other tools.")


@webhooks_cli.command("add")
@click.option("--url", required=True, help="http(s) URL that receives the signed POSTs.")
@click.option("--events", default="", help="Comma-separated event types (default: every type).")
def add_command(url: str, events: str):
    """Register an endpoint; prints its signing secret once, alone on the last line."""
    try:
        endpoint = add_endpoint(url, events, current_app.config["PORTAL_BASE_URL"])
    except EndpointRefused as exc:
        Session.rollback()
        raise click.ClickException(str(exc)) from None
    Session.commit()
    chosen = endpoint.event_types.replace(",", ", ") or "every event type"
    click.echo(f"Endpoint {endpoint.id} registered for {endpoint.url} ({chosen}). Keep this signing secret; "
               "it is shown once:")
    click.echo(endpoint.secret)


@webhooks_cli.command("flush")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Attempt at most this many messages.")
def flush_command(limit: int | None):
    """Deliver queued webhook messages; what fails stays queued with back-off."""
    report = flush(limit=limit)
    Session.commit()  # the admins' warning mail, if an endpoint was disabled
    click.echo(f"Webhooks: {report.summary()}")
