"""A headless ingest killed with SIGKILL mid-run and restarted: nothing lost, nothing twice."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import times, tweet_line, write_lines

POSTS = 30_000


def ingest_cmd(db: Path, replay: Path) -> list[str]:
    return [sys.executable, "-m", "eventdesk", "ingest", "--db", str(db), "--replay", str(replay),
            "--speed", "max", "--workers", "0"]  # fmt: skip


def stored(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def test_sigkill_mid_ingest_then_restart_loses_nothing_and_stores_nothing_twice(tmp_path):
    stamps = times(POSTS, step=0.5)
    lines = [
        tweet_line(
            f"#KP24 post number {i} is fine",
            at=stamps[i],
            hashtags=("KP24",),
            post_id=1861000000000000000 + i,
        )  # fmt: skip
        for i in range(POSTS)
    ]
    replay = write_lines(tmp_path / "event.jsonl", lines)
    db = tmp_path / "event.db"

    proc = subprocess.Popen(ingest_cmd(db, replay), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while stored(db) < 2000 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = stored(db)
    assert 0 < before < POSTS, f"the kill should land mid-run, {before} were stored"

    done = subprocess.run(ingest_cmd(db, replay), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = dict(re.findall(r"(\w+)=([\d.]+)", done.stdout))
    # The checkpoint committed with each batch: the restart reads only unstored lines.
    assert int(summary["duplicates"]) == 0
    assert int(summary["ingested"]) == POSTS - before
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*), count(DISTINCT id) FROM posts").fetchone() == (
            POSTS,
            POSTS,
        )
        assert conn.execute("SELECT count(*) FROM post_hashtags").fetchone()[0] == POSTS
        assert conn.execute("SELECT sum(count) FROM changes").fetchone()[0] == POSTS
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
