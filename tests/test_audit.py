"""The audit log's hash chain: intact after real actions; edits, deletions and moves caught."""

import sqlite3
import subprocess
import sys

import pytest

from eventdesk.model import Urgency
from storage import Database, audit
from storage.actions import PhoneConfirmationRequired, flag, hand_off, unflag
from storage.panes import acknowledge
from storage.posts import write_batch
from tests.test_storage import post

URGENT = Urgency("Life at risk", "help me")


@pytest.fixture
async def logged(db_path):
    """A database with five audited actions (seq 1-5) on real posts."""
    db = await Database.open(db_path)
    await write_batch(db, [post(1), post(2)], source="t")
    await flag(db, 1, "follow_up", "mjones", note="ring back")
    await flag(db, 2, "amplify", "tokafor")
    await unflag(db, 1, "follow_up", "mjones")
    await hand_off(db, 2, "tokafor", to_team="press-office", note="nice story")
    await flag(db, 2, "misinformation", "sbrennan")
    await db.close()
    return db_path


def tamper(path, sql: str, params: tuple = ()) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


async def report(path) -> audit.AuditReport:
    db = await Database.open(path)
    try:
        return await audit.verify(db)
    finally:
        await db.close()


async def test_a_untouched_log_verifies(logged) -> None:
    result = await report(logged)
    assert result.ok and result.rows == 5 and len(result.head) == 64
    db = await Database.open(logged)
    try:
        (entry,) = await audit.entries(db, post_id=1, after_seq=2)
        assert (entry.kind, entry.operator, entry.before["note"]) == (
            "unflag",
            "mjones",
            "ring back",
        )
    finally:
        await db.close()


async def test_an_edited_row_is_named(logged) -> None:
    tamper(logged, "UPDATE audit SET operator = 'someone-else' WHERE seq = 3")
    result = await report(logged)
    assert result.problems == ("row 3: edited (its hash does not match its contents)",)


async def test_an_edited_before_state_is_caught(logged) -> None:
    tamper(logged, """UPDATE audit SET after = '{"category":"amplify","note":"x"}' WHERE seq = 2""")
    assert not (await report(logged)).ok


async def test_a_deleted_row_is_named(logged) -> None:
    tamper(logged, "DELETE FROM audit WHERE seq = 2")
    result = await report(logged)
    assert result.problems[0].startswith("row 2 deleted")


async def test_rows_cut_off_the_end_are_caught(logged) -> None:
    tamper(logged, "DELETE FROM audit WHERE seq >= 4")
    assert (await report(logged)).problems == ("rows 4-5 deleted from the end",)


async def test_swapped_rows_are_caught(logged) -> None:
    conn = sqlite3.connect(logged)
    rows = {seq: rest for seq, *rest in conn.execute("SELECT * FROM audit WHERE seq IN (2, 3)")}
    conn.execute("DELETE FROM audit WHERE seq IN (2, 3)")
    for seq, other in ((2, 3), (3, 2)):
        conn.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (seq, *rows[other]))
    conn.commit()
    conn.close()
    problems = (await report(logged)).problems
    assert any(p.startswith("row 2") for p in problems)
    assert any(p.startswith("row 3") for p in problems)


async def test_an_action_and_its_audit_row_commit_together(db_path) -> None:
    db = await Database.open(db_path)
    try:
        await write_batch(db, [post(5, urgency=URGENT)], source="t")
        with pytest.raises(PhoneConfirmationRequired):
            await hand_off(db, 5, "mjones", to_team="control-room")
        assert await db.scalar("SELECT count(*) FROM audit") == 0
        assert await db.scalar("SELECT count(*) FROM assignments") == 0
    finally:
        await db.close()


async def test_acks_from_before_the_audit_log_are_chained_on_the_next_action(db_path) -> None:
    from storage.schema import MIGRATIONS

    before_audit = 7  # migration 8 added the audit log
    assert "CREATE TABLE audit" in MIGRATIONS[before_audit]
    conn = sqlite3.connect(db_path)
    for script in MIGRATIONS[:before_audit]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {before_audit}")
    conn.execute("INSERT INTO actions (at, operator, kind, post_id) VALUES ('t0', 'mj', 'ack', 7)")
    conn.commit()
    conn.close()
    db = await Database.open(db_path)
    try:
        before = await audit.verify(db)
        assert before.ok and before.unsealed == 1
        await acknowledge(db, 8, "tokafor", "t1")
        after = await audit.verify(db)
        assert after.ok and after.unsealed == 0 and after.rows == 2
        assert [(e.operator, e.post_id) for e in await audit.entries(db)] == [
            ("mj", 7),
            ("tokafor", 8),
        ]
    finally:
        await db.close()


def test_cli_verify_exits_1_naming_the_row_and_export_writes_csv(logged) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "eventdesk", "audit", *args, "--db", str(logged)]
        return subprocess.run(command, capture_output=True, text=True)

    ok = run("verify")
    assert ok.returncode == 0 and "intact: 5 rows" in ok.stdout
    export = run("export", "--format", "csv")
    lines = export.stdout.splitlines()
    assert lines[0] == "seq,at,operator,kind,post_id,target,before,after,hash"
    assert len(lines) == 6 and ",handoff," in lines[4]
    tamper(logged, "UPDATE audit SET kind = 'flag' WHERE seq = 4")
    bad = run("verify")
    assert bad.returncode == 1
    assert "row 4: edited" in bad.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "eventdesk", "audit", "verify", "--db", str(logged) + ".nope"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
