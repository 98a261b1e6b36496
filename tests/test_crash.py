"""A headless ingest killed with SIGKILL mid-run and restarted: nothing lost, nothing twice;
and with scoring processes, none of them outlives the ingest that started it."""

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import times, tweet_line, write_lines

POSTS = 30_000  # with the ingest scoring in a thread
# Scoring processes store two batches at once: a smaller event still ends mid-run.
POSTS_IN_PROCESSES = 12_000
GONE_WITHIN = 5.0  # seconds a scoring process may outlive its killed ingest (it looks every 0.5)

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="finds child processes through /proc"
)


def ingest_cmd(db: Path, replay: Path, workers: int = 0) -> list[str]:
    return [sys.executable, "-m", "eventdesk", "ingest", "--db", str(db), "--replay", str(replay),
            "--speed", "max", "--workers", str(workers)]  # fmt: skip


def event(tmp_path: Path, posts: int) -> Path:
    stamps = times(posts, step=0.5)
    lines = [
        tweet_line(
            f"#KP24 post number {i} is fine",
            at=stamps[i],
            hashtags=("KP24",),
            post_id=1861000000000000000 + i,
        )  # fmt: skip
        for i in range(posts)
    ]
    return write_lines(tmp_path / "event.jsonl", lines)


def stored(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def children(pid: int) -> list[int]:
    """The processes `pid` started that are still its children."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):  # a thread that ended meanwhile
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Whether `pid` still runs: a zombie (ended, not yet reaped by its new parent) does not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def is_scoring_process(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


def still_alive_after(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def as_a_terminal_starts_it() -> None:
    """Ctrl-C's SIGINT at its default, as a command typed at a terminal has it, whatever
    runs these tests: a shell's background job (`make test &`) starts with SIGINT
    ignored, its children inherit that, and the ingest rightly leaves an ignored signal
    ignored, so the Ctrl-C test failed there."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def running_mid_run(
    db: Path, replay: Path, workers: int, *, own_group: bool = False
) -> subprocess.Popen:
    """An ingest started and left running until its first batches are stored; with
    `own_group`, in a process group of its own, as a terminal's foreground job is."""
    proc = subprocess.Popen(
        ingest_cmd(db, replay, workers),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=own_group,
        preexec_fn=as_a_terminal_starts_it,
    )
    deadline = time.monotonic() + 60
    while stored(db) < 2000 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    return proc


def end_strays(pids: list[int]) -> None:
    """Kill what a failed test left running, so it outlives no test."""
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def left_nothing_running(proc: subprocess.Popen, started: list[int]):
    """However the test inside ends, the ingest and what it started are gone after."""
    try:
        yield
    finally:
        proc.kill()
        proc.wait()
        end_strays(started)


def assert_restart_completes(db: Path, replay: Path, workers: int, posts: int) -> None:
    before = stored(db)
    assert 0 < before < posts, f"the ingest should end mid-run, {before} were stored"
    done = subprocess.run(
        ingest_cmd(db, replay, workers), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    summary = dict(re.findall(r"(\w+)=([\d.]+)", done.stdout))
    # The checkpoint committed with each batch: the restart reads only unstored lines.
    assert int(summary["duplicates"]) == 0
    assert int(summary["ingested"]) == posts - before
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*), count(DISTINCT id) FROM posts").fetchone() == (
            posts,
            posts,
        )
        assert conn.execute("SELECT count(*) FROM post_hashtags").fetchone()[0] == posts
        assert conn.execute("SELECT sum(count) FROM changes").fetchone()[0] == posts
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("workers", "posts"),
    [(0, POSTS), pytest.param(2, POSTS_IN_PROCESSES, marks=needs_proc)],
    ids=["thread", "processes"],
)
def test_sigkill_mid_ingest_then_restart_loses_nothing_and_stores_nothing_twice(
    tmp_path, workers, posts
):
    replay, db = event(tmp_path, posts), tmp_path / "event.db"
    proc = running_mid_run(db, replay, workers)
    started = children(proc.pid) if workers else []
    with left_nothing_running(proc, started):
        assert sum(map(is_scoring_process, started)) == workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # Its scoring processes (and multiprocessing's resource tracker, once they are
        # gone) end by themselves, letting go of the database.
        assert still_alive_after(started, GONE_WITHIN) == []
    assert_restart_completes(db, replay, workers, posts)


hup_ignored = pytest.mark.skipif(
    signal.getsignal(signal.SIGHUP) is signal.SIG_IGN,
    reason="SIGHUP is ignored here (nohup), and so by the ingest",
)


@needs_proc
@pytest.mark.parametrize(
    ("signum", "workers", "whole_group"),
    [(signal.SIGTERM, 2, False), pytest.param(signal.SIGHUP, 0, False, marks=hup_ignored),
     (signal.SIGINT, 2, True)],
    ids=["sigterm-processes", "sighup-thread", "ctrl-c-processes"],
)  # fmt: skip
def test_sigterm_stops_an_ingest_as_ctrl_c_does_and_a_restart_completes_it(
    tmp_path, signum, workers, whole_group
):
    """Ctrl-C in a terminal goes to its whole foreground group, the scoring processes
    too: they leave stopping to the ingest, which stops as for SIGTERM."""
    posts = POSTS  # enough that some are still unread when it stops
    replay, db = event(tmp_path, posts), tmp_path / "event.db"
    proc = running_mid_run(db, replay, workers, own_group=whole_group)
    started = children(proc.pid)
    scoring = [pid for pid in started if is_scoring_process(pid)]
    with left_nothing_running(proc, started):
        assert len(scoring) == workers
        if whole_group:
            os.killpg(proc.pid, signum)
        else:
            proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
        # Stopped, not finished: 128 + the signal, as Ctrl-C ends with 130.
        assert proc.returncode == 128 + signum, err
        assert err.decode() == ""  # no traceback from a scoring process or a lost batch
        assert re.fullmatch(
            r"ingested=\d+ duplicates=\d+ ignored=\d+ rejected=\d+ .*\n", out.decode()
        )
        summary = dict(re.findall(r"(\w+)=([\d.]+)", out.decode()))
        # Every batch stored is counted, those still on their way when it stopped too.
        assert 0 < int(summary["ingested"]) == stored(db) < posts
        # The pool was shut down before the ingest ended, not left to find it gone.
        assert [pid for pid in scoring if alive(pid)] == []
        assert still_alive_after(started, GONE_WITHIN) == []
    assert_restart_completes(db, replay, workers, posts)
