"""NPS history from a Qualtrics CSV export (three header rows: column names, question texts, import ids).

The score column is the one whose question asks how likely the person is to recommend (or the
column named by `score_column`); the comment is `comment_column` or, by default, the first text
entry column after it. The person is `RecipientEmail` (else the `ResponseId`); the time is
`RecordedDate`, in the time zone the third header row gives (UTC when none). Row numbers in errors
are the file's line numbers, so row 4 is the first response. Scores may be exported as numbers or as
choice text ("10 - Extremely likely").
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.import_errors import ImportRejected
from surveys.nps_import.common import RowChecker

HEADER_ROWS = 3
CHOICE_SCORE = re.compile(r"^(\d{1,2})(?:\s*-\s*\D.*)?$")  # exported as numbers or as choice text


def _find_score_column(names: list[str], questions: list[str]) -> str | None:
    for name, question in zip(names, questions):
        if "recommend" in question.lower() and not name.upper().endswith("_NPS_GROUP"):
            return name
    return None


def _find_comment_column(names: list[str], import_ids: list[str], score_column: str) -> str | None:
    after = names[names.index(score_column) + 1:]
    for name in after:
        if name.upper().endswith("_TEXT") or "TEXT" in import_ids[names.index(name)].upper():
            return name
    return None


def _zone(import_id: str):
    try:
        meta = json.loads(import_id)
        return ZoneInfo(meta["timeZone"]) if isinstance(meta, dict) and meta.get("timeZone") else timezone.utc
    except (ValueError, KeyError, TypeError, ZoneInfoNotFoundError):
        return timezone.utc


def _moment(text: str, zone) -> datetime | None:
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def _score(text: str):
    """The number of a score cell: "9", or choice text such as "10 - Extremely likely"; else the text itself."""
    match = CHOICE_SCORE.match(text.strip())
    return int(match.group(1)) if match else text.strip()


def read_qualtrics(raw: bytes | str, account_id: int, score_column: str | None = None,
                   comment_column: str | None = None) -> RowChecker:
    """Check every response row of the file; the checker holds items and errors."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportRejected([], f"The file is not a readable UTF-8 CSV ({exc}); nothing was stored.") from None
    if len(rows) < HEADER_ROWS or not rows[0]:
        raise ImportRejected([], "A Qualtrics export starts with three header rows; this file has fewer.")
    names = [name.strip() for name in rows[0]]
    questions = rows[1] + [""] * (len(names) - len(rows[1]))
    import_ids = rows[2] + [""] * (len(names) - len(rows[2]))
    score_column = score_column or _find_score_column(names, questions)
    if score_column not in names:
        raise ImportRejected([], "No score column was found: name it (the column of the 'how likely are you to "
                                 "recommend' question); nothing was stored.")
    comment_column = comment_column or _find_comment_column(names, import_ids, score_column)
    if comment_column is not None and comment_column not in names:
        raise ImportRejected([], f"There is no column {comment_column!r} in the file; nothing was stored.")
    for needed in ("ResponseId", "RecordedDate"):
        if needed not in names:
            raise ImportRejected([], f"The column {needed} is missing; export with the default Qualtrics columns.")
    zone = _zone(import_ids[names.index("RecordedDate")])
    checker = RowChecker(account_id, "qualtrics")
    for line, values in enumerate(rows[HEADER_ROWS:], start=HEADER_ROWS + 1):
        if not any(value.strip() for value in values):
            continue
        record = dict(zip(names, values + [""] * (len(names) - len(values))))
        respondent = record.get("RecipientEmail", "").strip() or record["ResponseId"]
        checker.add(line, record["ResponseId"], respondent, _score(record[score_column]),
                    record.get(comment_column, "") if comment_column else "", _moment(record["RecordedDate"], zone))
    return checker
