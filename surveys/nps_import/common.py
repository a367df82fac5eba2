"""What both NPS history imports share: the row rule (the API's), row errors, and the all-or-nothing store."""
from __future__ import annotations

from datetime import datetime

from core.import_errors import ImportRejected, RowError
from surveys.nps.services import MAX_COMMENT, ImportItem, import_responses

MAX_ROWS = 100_000
MAX_ID = 200
MAX_RESPONDENT = 254


class RowChecker:
    """Collects the errors of a file's rows and builds ImportItems from the good ones (the API's rules)."""

    def __init__(self, account_id: int, source: str):
        self.account_id = account_id
        self.source = source
        self.items: list[ImportItem] = []
        self.errors: list[RowError] = []

    def error(self, row: int, field: str, message: str) -> None:
        """Record a bad field of a row."""
        self.errors.append(RowError(row, field, message))

    def add(self, row: int, source_id, respondent, score, comment, ts: datetime | None) -> None:
        """Check one response's fields; keep it when they all hold."""
        before = len(self.errors)
        if isinstance(source_id, int) and not isinstance(source_id, bool):
            source_id = str(source_id)
        if not isinstance(source_id, str) or not source_id.strip() or len(source_id) > MAX_ID - len(self.source) - 1:
            self.error(row, "id", "the response id is missing or longer than 180 characters.")
        if not isinstance(respondent, str) or not respondent.strip() or len(respondent.strip()) > MAX_RESPONDENT:
            self.error(row, "respondent", "the person's e-mail (or id) is missing or longer than 254 characters.")
        if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 10:
            self.error(row, "score", f"the score must be a whole number from 0 to 10, not {score!r}.")
        comment = "" if comment is None else comment
        if not isinstance(comment, str):
            self.error(row, "comment", "the comment must be text.")
        elif len(comment) > MAX_COMMENT:
            self.error(row, "comment", f"the comment must be at most {MAX_COMMENT:,} characters.")
        if ts is None:
            self.error(row, "date", "the date of the answer is missing or not readable.")
        for value in (source_id, respondent, comment):
            if isinstance(value, str) and "\x00" in value:
                self.error(row, "text", "text must not contain the NUL character.")
                break
        if len(self.errors) == before:
            self.items.append(ImportItem(self.account_id, f"{self.source}:{source_id.strip()}", respondent.strip(),
                                         score, comment.strip(), ts))

    def store(self) -> tuple[int, int]:
        """All or nothing: raise ImportRejected on any bad row, else store; (accepted, already stored)."""
        if self.errors:
            raise ImportRejected(self.errors)
        if not self.items:
            raise ImportRejected([], "The file holds no responses; nothing was stored.")
        if len(self.items) > MAX_ROWS:
            raise ImportRejected([], f"A file may hold at most {MAX_ROWS:,} responses; split it.")
        return import_responses(self.items)
