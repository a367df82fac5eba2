"""CLI group `events`: import usage events from a CSV file, prune old raw events."""
from __future__ import annotations

import csv

import click
from flask.cli import AppGroup

from analytics.usage.ingest import MAX_BATCH, BatchInvalid, ingest_events
from analytics.usage.retention import prune_events
from core.validation import ServiceError, parse_date
from models.db import Session, one_connection_per_node, utcnow
from portal import jobs

events_cli = AppGroup("events", help="Usage events.")

CSV_COLUMNS = ("id", "account", "user", "type", "feature", "ts")


def _batches(reader: csv.DictReader, size: int):
    """Yield (first line number, rows) in batches, so memory holds one batch at a time."""
    batch: list[dict] = []
    first_line = 2
    for row in reader:
        if None in row or any(value is None for value in row.values()):
            raise click.ClickException(f"Line {reader.line_num}: expected {len(CSV_COLUMNS)} columns "
                                       f"({','.join(CSV_COLUMNS)}); nothing was imported.")
        if not row.get("feature"):
            row["feature"] = None
        batch.append(row)
        if len(batch) == size:
            yield first_line, batch
            first_line += len(batch)
            batch = []
    if batch:
        yield first_line, batch


@events_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--batch-size", default=MAX_BATCH, show_default=True, type=click.IntRange(1, MAX_BATCH),
              help="Events stored per step.")
def import_events(path: str, batch_size: int) -> None:
    """Import usage events from a CSV file with the header id,account,user,type,feature,ts (all or nothing)."""
    accepted = duplicates = 0
    # All batches share one transaction, and each writes `account` and `user` (reference tables on Citus)
    # before its events: after the first batch's multi-shard writes Citus accepts that only over one
    # connection per node.
    one_connection_per_node(Session)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = tuple(name.strip() for name in (reader.fieldnames or ()))
            if sorted(header) != sorted(CSV_COLUMNS):
                raise click.ClickException(f"The header must be {','.join(CSV_COLUMNS)}, not {','.join(header) or 'empty'}; "
                                           "nothing was imported.")
            reader.fieldnames = list(header)
            for first_line, batch in _batches(reader, batch_size):
                try:
                    result = ingest_events(batch)
                except BatchInvalid as exc:
                    error = exc.errors[0]
                    more = f" (and {len(exc.errors) - 1} more problem(s))" if len(exc.errors) > 1 else ""
                    raise click.ClickException(
                        f"Line {first_line + error['index']}, field '{error['field'] or 'row'}': "
                        f"{error['message']}{more} Nothing was imported."
                    ) from None
                accepted += result.accepted
                duplicates += result.duplicates
    except FileNotFoundError:
        Session.rollback()
        raise click.ClickException(f"No file at {path}.") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        Session.rollback()
        raise click.ClickException(f"{path} is not a readable UTF-8 CSV file ({exc}); nothing was imported.") from None
    except click.ClickException:
        Session.rollback()
        raise
    Session.commit()
    if accepted:
        jobs.enqueue("health.recompute")  # at most one waits; without Redis the cron line recomputes
    click.echo(f"Imported {accepted} event(s); {duplicates} duplicate(s) skipped.")


@events_cli.command("prune")
@click.option("--before", "before", required=True, help="Drop raw events of the whole months before this day, YYYY-MM-DD.")
def prune_command(before: str) -> None:
    """Drop raw events of whole months before a day; rollups and every figure shown stay the same."""
    try:
        day = parse_date(before, "--before")
        report = prune_events(day, utcnow().date())
    except ServiceError as exc:
        Session.rollback()
        raise click.ClickException(str(exc)) from None
    Session.commit()
    click.echo(report.summary())
