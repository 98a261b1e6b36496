"""A replay read from a pipe (a FIFO, or standard input as `-`): every line of it is
read, once, whether plain or gzip, line by line or in chunks."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.test_replay import event_lines, ids, ingest, joined, replay_source


def fifo_giving(tmp_path: Path, data: bytes) -> Path:
    """A named pipe that a writer fills with `data` once a reader opens it."""
    path = tmp_path / "recorder.fifo"
    if not path.exists():
        os.mkfifo(path)

    def write() -> None:
        with path.open("wb") as out:
            out.write(data)

    threading.Thread(target=write, daemon=True).start()
    return path


@pytest.mark.parametrize("paced", [False, True], ids=["chunks", "line by line"])
@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
async def test_a_pipe_is_read_whole_from_its_first_byte(
    tmp_path: Path, db_path: Path, config, gzipped: bool, paced: bool
) -> None:
    # Over 64 KiB: more than any buffer that could be read off while looking at the
    # file's first bytes (the first 8 KiB were lost that way).
    lines = event_lines(400)
    data = gzip.compress(joined(lines)) if gzipped else joined(lines)
    fifo = fifo_giving(tmp_path, data)
    summary, stored, problems, _ = await ingest(db_path, replay_source(fifo, paced), config)
    assert (summary.lines, summary.ingested, summary.rejected) == (400, 400, 0)
    assert stored == ids(lines) and problems == []


async def test_a_pipe_is_read_from_its_start_again_whatever_the_checkpoint(
    tmp_path: Path, db_path: Path, config, caplog
) -> None:
    lines = event_lines(300)
    await ingest(db_path, replay_source(fifo_giving(tmp_path, joined(lines)), False), config)
    more = event_lines(50, first=300)
    fifo = fifo_giving(tmp_path, joined(lines + more))  # the recorder sends it all again
    with caplog.at_level("WARNING"):
        summary, stored, _, position = await ingest(db_path, replay_source(fifo, False), config)
    assert (summary.ingested, summary.duplicates) == (50, 300)
    assert stored == ids(lines + more) and position["line"] == 350
    assert caplog.records == []


def test_standard_input_is_a_replay_as_dash(tmp_path: Path) -> None:
    lines = event_lines(200)
    db = tmp_path / "e.db"
    result = subprocess.run(
        [sys.executable, "-m", "eventdesk", "ingest", "--db", str(db), "--replay", "-",
         "--workers", "0"],
        input=gzip.compress(joined(lines)), capture_output=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("ingested=200 duplicates=0 ignored=0 rejected=0")
