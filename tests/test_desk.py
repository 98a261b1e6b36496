"""The desk process: one holder of the lease; a SIGKILLed desk is replaced, nothing sent twice."""

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from eventdesk.desk import Desk, DeskRole, holder_gone, holder_id
from eventdesk.paths import bundled
from eventdesk.publishers.dry_run import DryRunPublisher, dry_run_path
from storage import Database, outbox
from storage import lease as leases
from tests.conftest import times, tweet_line, write_lines

POSTS = 3000
CONFIG = bundled("demo_event.toml")


def serve_cmd(db: Path, replay: Path, delay: float) -> list[str]:
    return [sys.executable, "-m", "eventdesk", "serve", "--config", str(CONFIG), "--db", str(db),
            "--replay", str(replay), "--speed", "200", "--dry-run-delay", str(delay)]  # fmt: skip


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return []


def holder_pid(db: Path) -> int | None:
    rows = query(db, "SELECT holder FROM desk_lease")
    return int(rows[0][0].split(":")[1]) if rows else None


def outbox_row(db: Path, key: str) -> tuple | None:
    rows = query(db, "SELECT state, attempts FROM outbox WHERE key = ?", (key,))
    return rows[0] if rows else None


def sends(db: Path) -> list[str]:
    path = dry_run_path(db)
    if not path.exists():
        return []
    return [json.loads(line)["key"] for line in path.read_text().splitlines() if line]


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def enqueue(db: Path, key: str) -> None:
    async def go() -> None:
        conn = await Database.open(db)
        try:
            await outbox.enqueue(
                conn, key=key, account="KingsmerePolice", text=f"reply {key}", operator="mjones"
            )
        finally:
            await conn.close()

    asyncio.run(go())


def test_sigkill_while_sending_standby_takes_over_nothing_sent_twice_no_post_lost(tmp_path):
    stamps = times(POSTS, step=0.5)  # 25 minutes of event: 7.5 s at ×200
    lines = [
        tweet_line(
            f"#KP24 post {i}", at=stamps[i], hashtags=("KP24",), post_id=1862000000000000000 + i
        )  # fmt: skip
        for i in range(POSTS)
    ]
    replay = write_lines(tmp_path / "event.jsonl", lines)
    db = tmp_path / "event.db"
    enqueue(db, "first")

    # A: the desk, with a publisher that accepts the post and then hangs.
    first = subprocess.Popen(serve_cmd(db, replay, 60), stderr=subprocess.PIPE, text=True)
    second = None
    try:
        wait_for(lambda: holder_pid(db) == first.pid, 20, "A to hold the lease")
        wait_for(lambda: sends(db) == ["first"], 20, "A to send the reply")
        assert outbox_row(db, "first") == ("sending", 1)
        # B: on standby, with a publisher that answers at once.
        second = subprocess.Popen(serve_cmd(db, replay, 0), stderr=subprocess.PIPE, text=True)
        assert "standby" in second.stderr.readline()
        stored_at_kill = query(db, "SELECT count(*) FROM posts")[0][0]
        assert 0 < stored_at_kill < POSTS, "the kill should land mid-replay"

        os.kill(first.pid, signal.SIGKILL)
        killed = time.monotonic()
        first.wait()
        wait_for(lambda: holder_pid(db) == second.pid, 15, "B to take over")
        takeover = time.monotonic() - killed
        assert takeover < 10, f"takeover took {takeover:.1f}s"
        print(f"takeover after SIGKILL: {takeover:.2f}s")

        # The row A left `sending` is unknown for a person to settle, never re-sent.
        wait_for(lambda: outbox_row(db, "first") == ("unknown", 1), 10, "the row to be unknown")
        enqueue(db, "second")
        wait_for(lambda: outbox_row(db, "second") == ("sent", 1), 10, "B to send a new row")
        wait_for(lambda: query(db, "SELECT count(*) FROM posts")[0][0] == POSTS, 60, "all posts")
        assert sorted(sends(db)) == ["first", "second"]
        assert outbox_row(db, "first") == ("unknown", 1)

        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
        assert holder_pid(db) is None  # a clean stop gives the lease up
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    assert query(db, "SELECT count(*), count(DISTINCT id) FROM posts")[0] == (POSTS, POSTS)
    assert query(db, "SELECT sum(count) FROM changes WHERE kind = 'posts'")[0][0] == POSTS
    verify = subprocess.run([sys.executable, "-m", "eventdesk", "audit", "verify", "--db", str(db)],
                            capture_output=True, text=True)  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr


async def test_only_one_desk_at_a_time_and_the_second_waits_for_the_first(db_path, config):
    roles: list[tuple[str, DeskRole]] = []

    def desk(name: str) -> Desk:
        return Desk(
            db_path, config, publisher=DryRunPublisher(dry_run_path(db_path)), operator=name,
            poll_seconds=0.05, on_role=lambda role, _: roles.append((name, role)),
        )  # fmt: skip

    one, two = desk("one"), desk("two")
    running = asyncio.create_task(one.run())
    while one.role is not DeskRole.DESK:
        await asyncio.sleep(0.01)
    await two.run(standby=False)  # a dashboard that only takes a free role returns at once
    assert two.role is DeskRole.STOPPED
    assert ("two", DeskRole.DESK) not in roles
    waiting = asyncio.create_task(two.run())
    await asyncio.sleep(0.2)
    assert two.role is DeskRole.STANDBY
    one.stop()
    await running
    while two.role is not DeskRole.DESK:  # a clean stop released the lease
        await asyncio.sleep(0.01)
    two.stop()
    await waiting
    db = await Database.open(db_path)
    try:
        lease = await leases.current(db)
        assert lease is None, (lease, one.holder, two.holder, roles)
    finally:
        await db.close()


def test_holder_gone_only_when_certain() -> None:
    me = holder_id()
    assert not holder_gone(me)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    host = me.split(":")[0]
    assert holder_gone(f"{host}:{child.pid}:abc")
    assert not holder_gone(f"another-host-{host}:{child.pid}:abc")
    assert not holder_gone("garbage")
