"""NPS history from a Delighted export: its survey-response JSON (a list of responses).

Each response: `id`, `person` (an object with `email`, or the person's id when not expanded),
`score` (0..10), `comment`, `created_at` (Unix seconds). The client id stored is `delighted:<id>`,
so importing the same file again changes nothing.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from core.import_errors import ImportRejected, RowError
from surveys.nps_import.common import RowChecker


def _respondent(item: dict):
    person = item.get("person")
    if isinstance(person, dict):
        return person.get("email") or person.get("id")
    properties = item.get("person_properties") if isinstance(item.get("person_properties"), dict) else {}
    return item.get("email") or properties.get("email") or person


def _moment(value) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def read_delighted(raw: bytes | str, account_id: int) -> RowChecker:
    """Check every response of the file (row 1 is the first); the checker holds items and errors."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportRejected([], f"The file is not valid JSON ({exc}); nothing was stored.") from None
    if isinstance(data, dict) and isinstance(data.get("responses"), list):
        data = data["responses"]
    if not isinstance(data, list):
        raise ImportRejected([], "A Delighted export is a JSON list of survey responses; nothing was stored.")
    checker = RowChecker(account_id, "delighted")
    for row, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            checker.errors.append(RowError(row, "response", "each response must be a JSON object."))
            continue
        checker.add(row, item.get("id"), _respondent(item), item.get("score"), item.get("comment"),
                    _moment(item.get("created_at")))
    return checker
