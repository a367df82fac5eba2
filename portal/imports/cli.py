"""`imports delighted|qualtrics FILE --account EXT` and `imports zendesk FILE`: the admin page's imports."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from core.import_errors import ImportRejected
from models.db import Session
from portal.imports.services import run_import
from portal.services import ServiceError

imports_cli = AppGroup("imports", help="Import NPS history and knowledge articles from other tools.")
MAX_FILE_BYTES = 64 * 1024 * 1024


def _run(kind: str, path: str, **options) -> None:
    """Read the file, import it in one transaction; on bad input roll back, one line per bad row, exit 1."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    try:
        if len(raw) > MAX_FILE_BYTES:
            raise ServiceError(f"The file is over {MAX_FILE_BYTES // 1024 // 1024} MB; split it.")
        message = run_import(kind, raw, **options)
        Session.commit()
    except ImportRejected as exc:
        Session.rollback()
        for line in exc.lines():
            click.echo(f"Error: {line}", err=True)
        raise SystemExit(1) from None
    except ServiceError as exc:
        Session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(message)


_FILE = click.Path(exists=True, dir_okay=False, readable=True)


@imports_cli.command("delighted")
@click.argument("path", type=_FILE)
@click.option("--account", "account", required=True, help="External id of the account the answers belong to.")
def delighted_command(path, account):
    """NPS answers from a Delighted survey-response JSON export."""
    _run("delighted", path, account_external_id=account)


@imports_cli.command("qualtrics")
@click.argument("path", type=_FILE)
@click.option("--account", "account", required=True, help="External id of the account the answers belong to.")
@click.option("--score-column", help="Column of the 0-10 question (default: the 'recommend' question).")
@click.option("--comment-column", help="Column of the comment (default: the first text column after the score).")
def qualtrics_command(path, account, score_column, comment_column):
    """NPS answers from a Qualtrics CSV export (three header rows)."""
    _run("qualtrics", path, account_external_id=account, score_column=score_column, comment_column=comment_column)


@imports_cli.command("zendesk")
@click.argument("path", type=_FILE)
def zendesk_command(path):
    """Knowledge articles from a Zendesk Help Center article export (JSON); a second import updates them."""
    _run("zendesk", path)
