"""A database the user may read but not write (an archived event, another team's
file): the commands that only read open it read-only, the others are refused with one
line before they start, and an ingest whose writes start failing says what it stored."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import Database, DatabaseUnavailable
from storage.schema import LATEST
from tests.conftest import tweet_line, write_lines
from tests.test_cli import run
from tests.test_storage import post


@pytest.fixture
def deny_writes(monkeypatch) -> Iterator:
    """`deny(*paths)` takes this user's write permission on files and folders away:
    by their modes, or, for root (whom modes do not stop), in what the OS answers
    when asked, as it would answer an operator outside the owner and group."""
    restore: list[tuple[Path, int]] = []

    def deny(*paths: Path) -> None:
        if os.geteuid() == 0:
            denied = {Path(p).absolute() for p in paths}
            real = os.access

            def access(path, mode, **kwargs) -> bool:
                if mode & os.W_OK and Path(path).absolute() in denied:
                    return False
                return real(path, mode, **kwargs)

            monkeypatch.setattr(os, "access", access)
        else:
            for path in paths:
                mode = stat.S_IMODE(path.stat().st_mode)
                restore.append((path, mode))
                path.chmod(mode & ~0o222)

    yield deny
    for path, mode in reversed(restore):
        path.chmod(mode)


async def stored(path: Path, *posts_) -> None:
    db = await Database.open(path)
    try:
        from storage.posts import write_batch

        await write_batch(db, list(posts_), source="t")
    finally:
        await db.close()


async def test_a_database_one_cannot_write_is_read_as_it_stands(db_path, deny_writes) -> None:
    await stored(db_path, post(1), post(2))
    deny_writes(db_path)
    with pytest.raises(DatabaseUnavailable, match="cannot write to the database: permission"):
        await Database.open(db_path)
    db = await Database.open(db_path, create=False, reads_only=True)
    try:
        assert await db.scalar("SELECT count(*) FROM posts") == 2
        # Opened read-only for real: SQLite itself refuses a write through it.
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await db.scalar("DELETE FROM posts RETURNING id")
    finally:
        await db.close()
    assert _count(db_path) == 2


async def test_a_read_only_folder_is_explained_unless_sqlite_can_read_anyway(
    db_path, deny_writes
) -> None:
    await stored(db_path, post(1))
    # The last connection closed copied the log back and removed -wal and -shm.
    assert not Path(f"{db_path}-shm").exists()
    deny_writes(db_path, db_path.parent)
    with pytest.raises(DatabaseUnavailable) as refused:
        await Database.open(db_path, create=False, reads_only=True)
    assert str(refused.value) == (
        f"{db_path}: cannot read the database here: SQLite must create event.db-shm beside "
        "it, and the folder is read-only for you (copy the database to a folder you can "
        "write to, or ask for write access to this one)"
    )
    with pytest.raises(DatabaseUnavailable, match="cannot write to the database"):
        await Database.open(db_path)


async def test_a_read_only_folder_is_read_while_another_connection_keeps_its_files(
    db_path, deny_writes
) -> None:
    await stored(db_path, post(1))
    owner = sqlite3.connect(db_path)  # a desk still running: -wal and -shm stay
    try:
        owner.execute("SELECT count(*) FROM posts").fetchall()
        assert Path(f"{db_path}-shm").exists()
        deny_writes(db_path, db_path.parent)
        db = await Database.open(db_path, create=False, reads_only=True)
        try:
            assert await db.scalar("SELECT count(*) FROM posts") == 1
        finally:
            await db.close()
    finally:
        owner.close()


async def test_an_older_schema_that_cannot_be_upgraded_is_refused_clearly(
    db_path, deny_writes
) -> None:
    await stored(db_path, post(1))
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST - 1}")
    conn.close()
    deny_writes(db_path)
    with pytest.raises(DatabaseUnavailable, match=f"version {LATEST - 1} is older than this"):
        await Database.open(db_path, create=False, reads_only=True)


def _replay(folder: Path, count: int) -> Path:
    start = datetime(2026, 11, 19, 7, 0, tzinfo=UTC)
    lines = [
        tweet_line(f"Post number {i} from the crowd #KP24", at=start + timedelta(seconds=i),
                   hashtags=("KP24",), post_id=1_900_000_000_000_000_000 + i)
        for i in range(count)
    ]  # fmt: skip
    return write_lines(folder / "event.jsonl", lines)


def _count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM posts").fetchone()[0]


def test_the_commands_that_read_work_and_ingest_is_refused_in_one_line(
    tmp_path, capsys, deny_writes
) -> None:
    db = tmp_path / "e.db"
    replay = _replay(tmp_path, 5)
    assert run(capsys, "ingest", "--db", db, "--replay", replay, "--workers", "0")[0] == 0
    deny_writes(db)
    code, out, err = run(capsys, "export", "--db", db, "--format", "jsonl")
    assert (code, err) == (0, "")
    assert len([json.loads(line) for line in out.splitlines()]) == 5
    assert run(capsys, "rejects", "--db", db) == (0, "", "0 rejected line(s)\n")
    code, out, err = run(capsys, "ingest", "--db", db, "--replay", replay, "--workers", "0")
    assert (code, out) == (2, "")
    assert err == f"eventdesk: {db}: cannot write to the database: permission denied\n"


def test_an_ingest_whose_writes_fail_midway_says_what_it_kept(
    tmp_path, capsys, monkeypatch
) -> None:
    """The disk fills mid-run (SQLite's own 'full', from a page limit set on the
    desk's connection): the batches stored so far stay, the summary says so, one line
    says why, and the same command run again stores the rest once."""
    db, replay = tmp_path / "e.db", _replay(tmp_path, 6000)
    real_open = Database.open.__func__  # type: ignore[attr-defined]

    async def small_disk(cls, path, **kwargs):
        opened = await real_open(cls, path, **kwargs)
        pages = await opened.scalar("PRAGMA page_count")
        await opened.scalar(f"PRAGMA max_page_count = {pages + 1200}")
        return opened

    monkeypatch.setattr(Database, "open", classmethod(small_disk))
    code, out, err = run(capsys, "ingest", "--db", db, "--replay", replay, "--workers", "0")
    monkeypatch.undo()
    kept = _count(db)
    assert 0 < kept < 6000 and kept % 2000 == 0  # whole batches only
    assert code == 2
    assert out.startswith(f"ingested={kept} duplicates=0 ")
    assert err == (
        f"eventdesk: {db}: cannot store posts: database or disk is full (the {kept} stored "
        "are kept, and the same command resumes after them)\n"
    )
    code, out, _ = run(capsys, "ingest", "--db", db, "--replay", replay, "--workers", "0")
    assert code == 0 and out.startswith(f"ingested={6000 - kept} duplicates=0 ")
    assert _count(db) == 6000


@pytest.mark.parametrize("workers", [0, 2])
async def test_a_failed_write_ends_the_run_with_nothing_left_unheard(
    tmp_path, config, caplog, workers
) -> None:
    """A batch that cannot be stored ends the run with its error; the batches scored
    behind it are dropped quietly, not each reported as an error nobody retrieved.
    (A trigger refuses the posts after the first 2,000 for every connection, the
    scoring processes' own too.)"""
    import gc

    from eventdesk.ingest import Ingest
    from eventdesk.sources.replay import ReplaySource

    db_path, replay = tmp_path / "e.db", _replay(tmp_path, 12_000)
    db = await Database.open(db_path)
    try:
        limit = 1_900_000_000_000_000_000 + 1999
        await db.scalar(
            f"CREATE TRIGGER no_room BEFORE INSERT ON posts WHEN NEW.id > {limit} "
            "BEGIN SELECT RAISE(ABORT, 'no room left'); END"
        )
        ingest = Ingest(db, config, workers=workers)
        with pytest.raises(sqlite3.IntegrityError, match="no room left"):
            await ingest.run(ReplaySource(replay))
        assert ingest.summary.ingested == 2000 == _count(db_path)
    finally:
        await db.close()
    await asyncio.sleep(0.5)  # a scoring process's last batch comes back meanwhile
    gc.collect()
    assert "never retrieved" not in caplog.text
