"""A desk whose terminal is gone leaves, on a real pseudo-terminal."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
import time

from eventdesk.paths import bundled
from storage import Database, lease
from tui.terminal_watch import TerminalWatch


def test_the_watch_sees_a_terminal_hang_up() -> None:
    master, slave = pty.openpty()
    lost = threading.Event()
    watch = TerminalWatch.start_if_terminal(slave, lost.set, interval=0.02)
    try:
        assert watch is not None
        assert not lost.wait(0.2)  # a live terminal: nothing to do
        os.close(master)  # the other end goes, as when SSH drops or tmux is killed
        assert lost.wait(5)
    finally:
        os.close(slave)


def test_there_is_no_watch_without_a_terminal() -> None:
    read, write = os.pipe()
    try:
        assert TerminalWatch.start_if_terminal(read, lambda: None) is None
    finally:
        os.close(read)
        os.close(write)


def read_until_quiet(master: int, seconds: float) -> bytes:
    """What the desk draws, until it has drawn something and then paused."""
    seen, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if not ready:
            if len(seen) > 2000:
                return seen
            continue
        seen += os.read(master, 65536)
    return seen


def test_a_desk_whose_terminal_is_gone_leaves_and_gives_the_desk_up(tmp_path) -> None:
    db_path = tmp_path / "event.db"

    async def make() -> None:
        await (await Database.open(db_path)).close()

    asyncio.run(make())
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    command = [sys.executable, "-m", "eventdesk", "desk", "--db", str(db_path),
               "--config", str(bundled("demo_event.toml")), "--quiet"]  # fmt: skip
    # A session of its own with no controlling terminal: nothing sends it a hang-up,
    # as under `make demo` in tmux.
    desk = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, start_new_session=True
    )
    os.close(slave)
    try:
        drawn = read_until_quiet(master, 60)
        assert b"Kingsmere Police 24" in drawn
        os.close(master)
        assert desk.wait(timeout=30) is not None
    finally:
        if desk.poll() is None:
            desk.kill()
            desk.wait()

    async def holder() -> str | None:
        db = await Database.open(db_path)
        try:
            current = await lease.current(db)
            now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            return current.holder if current is not None and current.live(now) else None
        finally:
            await db.close()

    # It quit as an operator's `q` does, giving the desk role up, or (if Textual could
    # not finish) ended by the hang-up signal, and then its lease runs out in seconds.
    assert desk.returncode in (0, -1)
    if desk.returncode == 0:
        assert asyncio.run(holder()) is None


def test_a_desk_that_cannot_finish_quitting_is_hung_up() -> None:
    stuck = (
        "import time\n"
        "from tui.terminal_watch import quit_or_hang_up\n"
        "quit_or_hang_up(lambda: None, grace=0.2)  # a quit that never happens\n"
        "time.sleep(30)\n"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", stuck], timeout=60)
    assert result.returncode == -1  # SIGHUP
    assert time.monotonic() - started < 20
