"""`eventdesk schedule`: a clean sheet imports, a bad one reports every row and imports
nothing, and a file that is not a sheet is one plain line; always exit code 2 on mistakes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from eventdesk.paths import bundled
from tests.test_cli import run

DEMO = bundled("demo_run_of_show.csv")


def rows_in(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM schedule").fetchone()[0]
    finally:
        conn.close()


def test_validate_the_demo_sheet(capsys) -> None:
    code, out, err = run(capsys, "schedule", "validate", DEMO)
    assert code == 0, err
    assert out.strip().endswith("61 rows, no problems")


def test_import_then_reimport_adds_nothing_twice(tmp_path: Path, capsys) -> None:
    db = tmp_path / "e.db"
    code, out, err = run(capsys, "schedule", "import", "--db", db, "--operator", "lead", DEMO)
    assert code == 0, err
    assert out.strip() == "added=61 updated=0 unchanged=0 restored=0 removed=0 kept=0"
    code, out, _ = run(capsys, "schedule", "import", "--db", db, DEMO)
    assert out.strip() == "added=0 updated=0 unchanged=61 restored=0 removed=0 kept=0"
    assert rows_in(db) == 61
    code, out, _ = run(capsys, "schedule", "list", "--db", db)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 61
    assert lines[0].startswith("Thu 07:00  @KingsmerePolice") and "kp24-01" in lines[0]
    assert lines[-1].startswith("Fri 06:55")


def test_a_bad_sheet_reports_every_row_and_imports_nothing(tmp_path: Path, capsys) -> None:
    sheet = tmp_path / "plan.csv"
    sheet.write_text(
        "at,account,text\n"
        "07:00,KingsmerePolice,fine #KP24\n"
        "07:10,KingsmereCOs,unsigned \x1b[2J #KP24\n"
        "31:00,KingsmerePolice,bad time #KP24\n"
    )
    db = tmp_path / "e.db"
    code, out, err = run(capsys, "schedule", "import", "--db", db, sheet)
    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith("line 3, text: @KingsmereCOs posts must start with a rank")
    assert lines[1] == "line 4, at: '31:00' is not a time of day"
    assert lines[2] == f"eventdesk: {sheet}: 2 problem(s) in 2 of 3 rows; nothing imported"
    assert "\x1b" not in err
    assert not db.exists()  # checked before the database is even opened


def test_a_file_that_is_not_a_sheet_is_one_line(tmp_path: Path, capsys) -> None:
    sheet = tmp_path / "plan.csv"
    sheet.write_bytes(b"\xef\xbb\xbfwhen,account,text\n")
    code, out, err = run(capsys, "schedule", "validate", sheet)
    assert code == 2 and out == ""
    assert (
        err == f"eventdesk: {sheet}: line 1: unknown column 'when'; the columns are "
        "at, account, text, media, owner, tags, key\n"
    )
    code, _, err = run(capsys, "schedule", "list", "--db", tmp_path / "missing.db")
    assert code == 2 and err.count("\n") == 1 and "no such database" in err
