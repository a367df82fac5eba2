"""One door for every file import, used by the CLI and the admin page alike (flushes; the caller commits)."""
from __future__ import annotations

from sqlalchemy import select

from knowledge.imports import import_articles, read_zendesk
from models.accounts import Account, User
from models.db import Session
from portal.services import ServiceError
from surveys.nps_import.delighted import read_delighted
from surveys.nps_import.qualtrics import read_qualtrics

KINDS = {
    "delighted": "NPS answers from a Delighted survey-response export (JSON)",
    "qualtrics": "NPS answers from a Qualtrics export (CSV with three header rows)",
    "zendesk": "Knowledge articles from a Zendesk Help Center article export (JSON)",
}
NPS_KINDS = ("delighted", "qualtrics")


def _account(external_id: str | None) -> Account:
    if not external_id:
        raise ServiceError("NPS answers belong to an account: give its external id.")
    account = Session.scalar(select(Account).where(Account.external_id == external_id.strip()))
    if account is None:
        raise ServiceError(f"There is no account with the external id {external_id!r}.")
    return account


def run_import(kind: str, raw: bytes, account_external_id: str | None = None, author: User | None = None,
               score_column: str | None = None, comment_column: str | None = None) -> str:
    """Import one file, all or nothing; a sentence saying what changed (ImportRejected lists the bad rows)."""
    if kind in NPS_KINDS:
        account = _account(account_external_id)
        checker = read_delighted(raw, account.id) if kind == "delighted" else \
            read_qualtrics(raw, account.id, score_column or None, comment_column or None)
        accepted, duplicates = checker.store()
        return (f"Imported {accepted} NPS answer(s) into {account.name}; "
                f"{duplicates} were already there and were left unchanged.")
    if kind == "zendesk":
        counts = import_articles(read_zendesk(raw), author)
        return (f"Imported knowledge articles: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged.")
    raise ServiceError(f"Unknown import {kind!r}; choose one of {', '.join(KINDS)}.")
