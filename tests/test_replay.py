"""The replay source: stream lines and pages, gzip, pacing, resuming."""

import gzip
import json
import random
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from eventdesk.errors import UserError
from eventdesk.ingest import Ingest
from eventdesk.scoring import chunk_lines
from eventdesk.sources.replay import ReplaySource, parse_speed
from storage import Database
from storage.posts import PostFilter, checkpoint, iter_posts, rejects
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
    assert got[-1].number == 3
    assert got[-1].problem == "the compressed file ends early (cut off?) after line 2"


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
    assert chunks[-1].first == 3
    assert chunks[-1].problem == "the compressed file ends early (cut off?) after line 2"
    assert chunks[-1].position is None  # the checkpoint stays after the last good line


def event_lines(count: int, first: int = 0) -> list[str]:
    """Posts `first`, `first` + 1, ... with text of their own, so they compress about as
    a real event's do."""
    noise = random.Random(count * 7919 + first)
    return [
        tweet_line(f"post {i} {noise.getrandbits(400):x}", at=t, post_id=1861000000000000000 + i)
        for i, t in zip(range(first, first + count), times(count), strict=True)
    ]


def joined(lines: list[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def readable_lines(packed: bytes) -> int:
    """How many whole lines a decompressor fed one byte at a time gives before it fails
    or the bytes run out: what a reader can recover from a damaged .gz."""
    inflate, out = zlib.decompressobj(16 + zlib.MAX_WBITS), []
    for at in range(len(packed)):
        try:
            out.append(inflate.decompress(packed[at : at + 1]))
        except zlib.error:
            break
    return b"".join(out).count(b"\n")


def damaged_gzip(head: bytes, tail: bytes) -> bytes:
    """A .gz of `head` then `tail` whose first block after `head` is corrupt (a block
    type deflate does not have), so only `head` can be read from it."""
    pack = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    start = pack.compress(head) + pack.flush(zlib.Z_FULL_FLUSH)  # the next block: a byte of its own
    rest = pack.compress(tail) + pack.flush()
    return start + bytes([0b111]) + rest[1:]  # last block, of type 3


async def ingest(db_path: Path, source: ReplaySource, config, **options):
    """Run `source` into the database at `db_path`: the summary, the ids stored (sorted),
    the rejects as (line, reason), and the checkpoint left."""
    db = await Database.open(db_path)
    try:
        summary = await Ingest(db, config, **options).run(source)
        stored = sorted([row["id"] async for row in iter_posts(db, PostFilter())])
        problems = [(r["line"], r["reason"]) for r in await rejects(db)]
        return summary, stored, problems, await checkpoint(db, source.key)
    finally:
        await db.close()


def ids(lines: list[str]) -> list[int]:
    """The posts' ids, sorted, as `ingest` gives those it stored."""
    return sorted(int(json.loads(line)["data"]["id"]) for line in lines)


@pytest.mark.parametrize("paced", [False, True], ids=["chunks", "line by line"])
@pytest.mark.parametrize("damage", ["cut off", "corrupt"])
async def test_a_damaged_gzip_stores_every_line_before_the_damage(
    tmp_path: Path, db_path: Path, config, damage: str, paced: bool
) -> None:
    lines = event_lines(300)
    if damage == "cut off":
        whole = gzip.compress(joined(lines))
        packed, reason = whole[: len(whole) // 2], "the compressed file ends early (cut off?)"
    else:
        packed = damaged_gzip(joined(lines[:170]), joined(lines[170:]))
        reason = "the compressed file is damaged (invalid block type)"
    readable = readable_lines(packed)
    assert 100 < readable < 300 and (damage == "cut off" or readable == 170)
    path = tmp_path / "e.jsonl.gz"
    path.write_bytes(packed)
    fake = FakeClock()  # paced so fast that it reads line by line without waiting
    source = ReplaySource(path, speed=1e9 if paced else None, clock=fake.clock, sleep=fake.sleep)
    assert (source.chunks(None, 64) is None) == paced
    summary, stored, problems, position = await ingest(db_path, source, config, batch_size=64)
    assert (summary.ingested, summary.rejected, summary.lines) == (readable, 1, readable + 1)
    assert stored == ids(lines[:readable])
    assert problems == [(readable + 1, f"{reason} after line {readable}")]
    assert (position["line"], position["offset"]) == (readable, len(joined(lines[:readable])))
    # The whole file at the same path later: the replay goes on after the last good line.
    path.write_bytes(gzip.compress(joined(lines)))
    source = ReplaySource(path, speed=1e9 if paced else None, clock=fake.clock, sleep=fake.sleep)
    again, stored, _, position = await ingest(db_path, source, config, batch_size=64)
    assert (again.ingested, again.duplicates, again.rejected) == (300 - readable, 0, 0)
    assert stored == ids(lines) and position["line"] == 300


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


def replay_file(path: Path, lines: list[str]) -> Path:
    data = joined(lines)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def replay_source(path: Path, paced: bool) -> ReplaySource:
    fake = FakeClock()  # paced so fast that it reads line by line without waiting
    return ReplaySource(path, speed=1e9 if paced else None, clock=fake.clock, sleep=fake.sleep)


REPLAYING_AGAIN = "is not the file its checkpoint was made on"


@pytest.mark.parametrize("paced", [False, True], ids=["chunks", "line by line"])
@pytest.mark.parametrize("name", ["event.jsonl", "event.jsonl.gz"])
async def test_a_replaced_file_is_replayed_from_its_start(
    tmp_path: Path, db_path: Path, config, caplog, name: str, paced: bool
) -> None:
    old, new = event_lines(3), event_lines(10, first=100)
    path = replay_file(tmp_path / name, old)
    await ingest(db_path, replay_source(path, paced), config, batch_size=4)
    replay_file(path, new)  # another recording saved under the same name
    with caplog.at_level("WARNING", logger="eventdesk.sources.replay"):
        summary, stored, problems, position = await ingest(
            db_path, replay_source(path, paced), config, batch_size=4
        )
    assert (summary.ingested, summary.duplicates, summary.rejected) == (10, 0, 0)
    assert stored == ids(old + new) and problems == [] and position["line"] == 10
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and REPLAYING_AGAIN in warnings[0]


@pytest.mark.parametrize("name", ["event.jsonl", "event.jsonl.gz"])
async def test_a_file_rewritten_shorter_with_the_same_start_loses_nothing(
    tmp_path: Path, db_path: Path, config, name: str
) -> None:
    # Past the fingerprint's 64 KiB the start is the same; only the length tells.
    lines = event_lines(400)
    assert len(joined(lines[:150])) > 1 << 16
    path = replay_file(tmp_path / name, lines)
    await ingest(db_path, ReplaySource(path), config)
    replay_file(path, lines[:150] + event_lines(20, first=1000))
    summary, stored, _, position = await ingest(db_path, ReplaySource(path), config)
    assert (summary.ingested, summary.duplicates, summary.lines) == (20, 150, 170)
    assert stored == ids(lines + event_lines(20, first=1000)) and position["line"] == 170


@pytest.mark.parametrize("paced", [False, True], ids=["chunks", "line by line"])
@pytest.mark.parametrize("name", ["event.jsonl", "event.jsonl.gz"])
@pytest.mark.parametrize("count", [3, 300], ids=["within 64 KiB", "past 64 KiB"])
async def test_a_file_that_grew_resumes_after_the_lines_read(
    tmp_path: Path, db_path: Path, config, caplog, name: str, paced: bool, count: int
) -> None:
    old, more = event_lines(count), event_lines(7, first=count)
    path = replay_file(tmp_path / name, old)
    await ingest(db_path, replay_source(path, paced), config, batch_size=64)
    replay_file(path, old + more)  # a recording in progress
    with caplog.at_level("WARNING", logger="eventdesk.sources.replay"):
        summary, stored, _, position = await ingest(
            db_path, replay_source(path, paced), config, batch_size=64
        )
    assert (summary.ingested, summary.duplicates, summary.lines) == (7, 0, 7)
    assert stored == ids(old + more) and position["line"] == count + 7
    assert REPLAYING_AGAIN not in caplog.text


@pytest.mark.parametrize("name", ["event.jsonl", "event.jsonl.gz"])
async def test_a_checkpoint_without_a_fingerprint_resumes_as_before(
    tmp_path: Path, name: str
) -> None:
    lines = event_lines(6)
    path = replay_file(tmp_path / name, lines)
    older = {"line": 2, "offset": len(joined(lines[:2]))}  # as positions were written
    resumed = await collect(ReplaySource(path), older)
    assert [x.number for x in resumed] == [3, 4, 5, 6]
    assert [x.text for x in resumed] == [line + "\n" for line in lines[2:]]
    # The positions it gives now say which file they were made on, and resume as well.
    again = await collect(ReplaySource(path), resumed[1].position)
    assert [x.number for x in again] == [5, 6] and "head" in resumed[1].position
