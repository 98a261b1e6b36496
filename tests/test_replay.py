"""The replay source: stream lines and pages, gzip, pacing, resuming."""

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from eventdesk.errors import UserError
from eventdesk.scoring import chunk_lines
from eventdesk.sources.replay import ReplaySource, parse_speed
from tests.conftest import times, tweet_line, write_lines


async def collect(source: ReplaySource, resume=None) -> list:
    return [line async for line in source.lines(resume)]


async def test_plain_and_gzip_files_give_the_same_lines(tmp_path: Path) -> None:
    lines = [tweet_line(f"post {i}", at=t) for i, t in enumerate(times(5))]
    plain = write_lines(tmp_path / "e.jsonl", lines)
    packed = tmp_path / "e.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    a, b = await collect(ReplaySource(plain)), await collect(ReplaySource(packed))
    assert [x.text.rstrip("\n") for x in a] == lines
    assert [x.text for x in a] == [x.text for x in b]
    assert [x.number for x in a] == [1, 2, 3, 4, 5]


async def test_resume_continues_after_the_checkpoint(tmp_path: Path) -> None:
    lines = [tweet_line(f"post {i}", at=t) for i, t in enumerate(times(6))]
    for name in ("e.jsonl", "e.jsonl.gz"):
        path = tmp_path / name
        data = "".join(line + "\n" for line in lines).encode()
        path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        first = await collect(ReplaySource(path))
        resumed = await collect(ReplaySource(path), first[2].position)
        assert [x.number for x in resumed] == [4, 5, 6]
        assert resumed[0].text == first[3].text


async def test_invalid_utf8_and_corrupt_gzip_are_reported_not_raised(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "e.jsonl", [tweet_line("ok"), b"\xff\xfe broken", tweet_line("ok2")]
    )
    got = await collect(ReplaySource(path))
    assert [x.problem for x in got] == [None, "not valid UTF-8 at byte 0", None]
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(path.read_bytes())[:-20])
    got = await collect(ReplaySource(broken))
    assert got[-1].problem is not None and "unreadable" in got[-1].problem


async def chunked(source: ReplaySource, resume=None, size: int = 2) -> list:
    chunks = source.chunks(resume, size)
    assert chunks is not None
    return [chunk async for chunk in chunks]


@pytest.mark.parametrize("ending", ["\n", ""])
@pytest.mark.parametrize("gzipped", [False, True])
async def test_chunks_hold_the_same_lines_and_positions(tmp_path: Path, gzipped, ending) -> None:
    lines = [tweet_line(f"post {i} ünïcode", at=t) for i, t in enumerate(times(5))]
    data = ("\n".join([lines[0], "", *lines[1:]]) + ending).encode()
    path = tmp_path / ("e.jsonl.gz" if gzipped else "e.jsonl")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    one_by_one = await collect(ReplaySource(path))
    chunks = await chunked(ReplaySource(path), size=4)
    assert [(c.first, c.count) for c in chunks] == [(1, 4), (5, 2)]
    got = [line for chunk in chunks for line in chunk_lines(chunk)]
    assert got == [(x.number, x.text, x.problem) for x in one_by_one]
    # Each chunk ends where the line path would resume after its last line.
    assert [c.position for c in chunks] == [one_by_one[3].position, one_by_one[5].position]
    resumed = await chunked(ReplaySource(path), one_by_one[2].position, size=10)
    assert [line[0] for chunk in resumed for line in chunk_lines(chunk)] == [4, 5, 6]


async def test_chunks_report_bad_utf8_and_a_corrupt_gzip_like_lines(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "e.jsonl", [tweet_line("ok"), b"\xff\xfe broken", tweet_line("ok2")]
    )
    got = [line for chunk in await chunked(ReplaySource(path)) for line in chunk_lines(chunk)]
    assert [problem for _, _, problem in got] == [None, "not valid UTF-8 at byte 0", None]
    assert got[1][1] == "\\xff\\xfe broken\n"
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(path.read_bytes())[:-20])
    chunks = await chunked(ReplaySource(broken))
    assert chunks[-1].problem is not None and "unreadable" in chunks[-1].problem
    assert chunks[-1].position is None  # the checkpoint stays after the last good line


async def test_a_paced_replay_has_no_chunks(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "e.jsonl", [tweet_line("ok")])
    assert ReplaySource(path, speed=1.0).chunks(None, 10) is None


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.mark.parametrize(("speed", "expected"), [(1.0, [10.0, 20.0]), (10.0, [1.0, 2.0])])
async def test_pacing_follows_created_at(tmp_path: Path, speed: float, expected) -> None:
    start = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    stamps = [start, start + timedelta(seconds=10), start + timedelta(seconds=30)]
    path = write_lines(tmp_path / "e.jsonl", [tweet_line("x", at=t) for t in stamps])
    fake = FakeClock()
    await collect(ReplaySource(path, speed=speed, clock=fake.clock, sleep=fake.sleep))
    assert fake.sleeps == expected


async def test_fast_until_jumps_to_a_time_of_day(tmp_path: Path) -> None:
    start = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    stamps = [start + timedelta(hours=h) for h in (0, 1, 2, 3)]
    path = write_lines(tmp_path / "e.jsonl", [tweet_line("x", at=t) for t in stamps])
    fake = FakeClock()
    source = ReplaySource(path, speed=60, fast_until=stamps[2], clock=fake.clock, sleep=fake.sleep)
    assert len(await collect(source)) == 4
    assert fake.sleeps == [60.0]  # only the last hour, at ×60


async def test_max_speed_never_sleeps(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "e.jsonl", [tweet_line("x", at=t) for t in times(50, step=60)])
    fake = FakeClock()
    assert len(await collect(ReplaySource(path, clock=fake.clock, sleep=fake.sleep))) == 50
    assert fake.sleeps == []


def test_speed_values() -> None:
    assert parse_speed("max") is None and parse_speed("MAX") is None
    assert parse_speed("60") == 60.0 and parse_speed(1) == 1.0
    for bad in ("fast", "0", "-2", "inf", "nan"):
        with pytest.raises(UserError):
            parse_speed(bad)


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such replay file"):
        ReplaySource(tmp_path / "nope.jsonl")


async def test_event_time_runs_at_the_replay_speed(tmp_path: Path) -> None:
    start = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    stamps = [start + timedelta(hours=h) for h in (0, 1, 2, 3)]
    path = write_lines(tmp_path / "e.jsonl", [tweet_line("x", at=t) for t in stamps])
    fake = FakeClock()
    source = ReplaySource(path, speed=60, fast_until=stamps[2], clock=fake.clock, sleep=fake.sleep)
    assert source.event_time() is None
    lines = source.lines()
    await anext(lines)
    assert source.event_time() == stamps[0]  # jumping ahead: the newest post seen
    await anext(lines)
    await anext(lines)  # the first paced post: the event clock starts running
    assert source.event_time() == stamps[2]
    fake.now += 30  # half a minute of wall time is half an hour of the event at ×60
    assert source.event_time() == stamps[2] + timedelta(minutes=30)
    await lines.aclose()
