"""flask events import FILE.csv: same rules as the API, the whole file or nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.db import Session
from models.usage import UsageAccountDay, UsageEvent
from tests.analytics.conftest import iso

HEADER = "id,account,user,type,feature,ts\n"


def _count(app) -> int:
    with app.app_context():
        return Session.scalar(select(func.count()).select_from(UsageEvent))


def _write(tmp_path, text: str):
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_good_file_is_imported_with_rollups(app, world, tmp_path, recent):
    rows = [f"e{n},ALPHA,person-{n % 4},login,,{iso(recent(2, 8 + n % 10))}" for n in range(25)]
    rows.append(f"f1,ALPHA,person-1,feature_used,dashboards,{iso(recent(2, 9))}")
    path = _write(tmp_path, HEADER + "\n".join(rows) + "\n")
    result = app.test_cli_runner().invoke(args=["events", "import", path, "--batch-size", "7"])
    assert result.exit_code == 0, result.output
    assert "Imported 26 event(s); 0 duplicate(s)" in result.output
    with app.app_context():
        row = Session.get(UsageAccountDay, (world["account_a"].id, recent(2).date()))
        assert (row.active_users, row.logins, row.events) == (4, 25, 26)
    again = app.test_cli_runner().invoke(args=["events", "import", path])
    assert "Imported 0 event(s); 26 duplicate(s)" in again.output


def test_a_bad_row_late_in_the_file_imports_nothing_and_names_the_line(app, world, tmp_path, recent):
    rows = [f"e{n},ALPHA,p,login,,{iso(recent(1))}" for n in range(12)]
    rows.append("bad,ALPHA,p,launch,,2026-01-01T00:00:00Z")
    path = _write(tmp_path, HEADER + "\n".join(rows) + "\n")
    result = app.test_cli_runner().invoke(args=["events", "import", path, "--batch-size", "5"])
    assert result.exit_code == 1
    assert "Line 14, field 'type'" in result.output
    assert _count(app) == 0


@pytest.mark.parametrize("text, message", [
    ("id,account,user,kind,feature,ts\n", "The header must be id,account,user,type,feature,ts"),
    ("", "The header must be"),
    (HEADER + "e1,ALPHA,p,login\n", "Line 2: expected 6 columns"),
    (HEADER + "e1,NOPE,p,login,,2026-01-01T00:00:00Z\n", "Line 2, field 'account'"),
    (HEADER + "e1,ALPHA,p,login,,2026-01-01 10:00\n", "Line 2, field 'ts'"),
    (HEADER + "e1,ALPHA,p,feature_used,,2026-01-01T10:00:00Z\n", "Line 2, field 'feature'"),
])
def test_bad_files_are_refused_with_one_clear_line(app, world, tmp_path, text, message):
    result = app.test_cli_runner().invoke(args=["events", "import", _write(tmp_path, text)])
    assert result.exit_code == 1
    assert message in result.output
    assert _count(app) == 0


def test_a_missing_file_is_a_clear_error(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["events", "import", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "No file at" in result.output


def test_a_binary_file_is_a_clear_error(app, world, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"\xff\xfe\x00id,acc")
    result = app.test_cli_runner().invoke(args=["events", "import", str(path)])
    assert result.exit_code == 1
    assert "not a readable UTF-8 CSV" in result.output or "header" in result.output
