"""Tables written out as CSV or XLSX, with spreadsheet formulas neutralised.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
formula by a spreadsheet; such cells are prefixed with `'` (and stored as text in XLSX), so
a comment like `=HYPERLINK(...)` is shown, never evaluated. Numbers, dates and None pass as they are.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class Table:
    """A titled table: column headings and rows of plain values (str, int, float, Decimal, date, None)."""

    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


def neutralise(value):
    """The value to write: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(round(value, 6))
    return neutralise(value) if isinstance(value, str) else value


def to_csv(table: Table) -> str:
    """The table as CSV text: a heading row, then one line per row (CRLF line ends, RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(heading) for heading in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(value) for value in row])
    return out.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Table")[:31]


def to_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook of one sheet; text cells are stored as text, never as formulas."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    for column, heading in enumerate(table.columns, start=1):
        _put(sheet.cell(row=1, column=column), heading)
        sheet.column_dimensions[get_column_letter(column)].width = max(10, min(50, len(heading) + 2))
    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            _put(sheet.cell(row=row_number, column=column), value)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _put(cell, value) -> None:
    """Write one cell; text is typed as a string explicitly, so openpyxl never reads it as a formula."""
    if isinstance(value, str):
        cell.value = neutralise(value)
        cell.data_type = TYPE_STRING
    elif isinstance(value, Decimal):
        cell.value = float(value)
    elif isinstance(value, datetime) and value.tzinfo is not None:
        cell.value = value.astimezone(timezone.utc).replace(tzinfo=None)  # Excel has no time zones: UTC
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    else:
        cell.value = value
    if isinstance(value, date) and not isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd"


def render(table: Table, fmt: str) -> bytes:
    """The table in `fmt` ("csv" or "xlsx") as bytes."""
    if fmt == "csv":
        return to_csv(table).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(table)
    raise ValueError(f"Unknown export format {fmt!r}; use csv or xlsx.")
