"""Errors of file imports: one line per bad row, and the refusal that stores nothing."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One bad row: where it is in the file, which field, and what is wrong, as a sentence."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


class ImportRejected(ValueError):
    """The file holds bad rows (or cannot be read at all): nothing was stored (callers roll back)."""

    def __init__(self, errors: list[RowError], summary: str | None = None):
        self.errors = errors
        super().__init__(summary or f"{len({e.row for e in errors})} row(s) are invalid; nothing was stored.")

    def lines(self) -> list[str]:
        """The summary, then one line per bad row and field."""
        return [str(self)] + [str(error) for error in self.errors]
