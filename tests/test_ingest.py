"""The ingest pipeline end to end on real SQLite files: every line accounted for."""

import asyncio
import gzip
import json
import statistics
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventdesk.ingest import Ingest
from eventdesk.sources.replay import ReplaySource
from storage import Database
from storage.posts import PostFilter, counts, iter_posts, rejects
from tests.conftest import GROUNDTRUTH, times, tweet_line, write_lines

OURS = "1400000000000000001"  # @KingsmerePolice's user id in the demo config


async def ingest(db_path: Path, replay: Path, config, **options):
    db = await Database.open(db_path)
    try:
        summary = await Ingest(db, config, **options).run(ReplaySource(replay))
        rows = [row async for row in iter_posts(db, PostFilter())]
        return summary, rows, await counts(db), await rejects(db)
    finally:
        await db.close()


def mixed_event(tmp_path: Path) -> Path:
    t = times(10)
    good = [tweet_line(f"#KP24 post {i}", at=t[i], hashtags=("KP24",)) for i in range(4)]
    page = {
        "data": [
            {"id": "1861000000000000001", "text": "page post", "author_id": "5"},
            {"id": "not-an-id", "text": "bad"},
        ],
        "meta": {"result_count": 2},
    }
    lines = [
        good[0],
        "",  # keep-alive
        good[1],
        good[0],  # re-delivered after a reconnect
        '{"errors": [{"title": "operational-disconnect", "type": "about:blank"}]}',
        "{truncated",
        b"\xc3\x28 not utf-8",
        json.dumps(page),
        good[2],
        "[1]",
        good[3],
    ]
    return write_lines(tmp_path / "event.jsonl", lines)


@pytest.mark.parametrize("workers", [0, 1])
async def test_every_line_is_stored_duplicate_ignored_or_rejected(
    tmp_path, db_path, config, workers
):
    replay = mixed_event(tmp_path)
    summary, rows, totals, rejected = await ingest(
        db_path, replay, config, workers=workers, batch_size=3
    )
    assert (summary.ingested, summary.duplicates, summary.ignored, summary.rejected) == (5, 1, 2, 4)
    assert summary.lines == 11
    assert "ingested=5 duplicates=1 ignored=2 rejected=4" in summary.line()
    assert totals["posts"] == 5
    assert [(r["line"], r["reason"].split(":")[0]) for r in rejected] == [
        (6, "not JSON"),
        (7, "not valid UTF-8 at byte 0"),
        (8, "tweet without a valid id"),
        (10, "not a JSON object"),
    ]
    assert rejected[0]["excerpt"] == "{truncated\n"
    # Each post keeps the JSON it arrived in, whether scored here or in a worker process.
    replay_lines = replay.read_bytes().decode("utf-8", "replace").splitlines()
    by_id = {row["id"]: row["raw"] for row in rows}
    for index in (0, 2, 8, 10):
        message = json.loads(replay_lines[index])
        assert by_id[int(message["data"]["id"])] == replay_lines[index]
    assert json.loads(by_id[1861000000000000001])["data"]["text"] == "page post"


async def test_a_second_run_resumes_after_the_checkpoint(tmp_path, db_path, config) -> None:
    replay = mixed_event(tmp_path)
    await ingest(db_path, replay, config)
    again, _, totals, rejected = await ingest(db_path, replay, config)
    assert (again.lines, again.ingested, again.duplicates) == (0, 0, 0)
    assert totals["posts"] == 5 and len(rejected) == 4
    # The same posts from another file are recognised as duplicates by id.
    copy = tmp_path / "copy.jsonl.gz"
    copy.write_bytes(gzip.compress(replay.read_bytes()))
    third, *_ = await ingest(db_path, copy, config)
    assert (third.ingested, third.duplicates) == (0, 6)


async def test_lanes_sentiment_and_urgency_are_stored(tmp_path, db_path, config) -> None:
    t = times(4)
    lines = [
        tweet_line("Loving the #KP24 tweets, great work!", at=t[0], hashtags=("KP24",)),
        tweet_line(
            "@KingsmerePolice there's a man with a knife outside the shop right now",
            at=t[1],
            mentions=("KingsmerePolice",),
        ),  # fmt: skip
        tweet_line("@KingsmerePolice thanks", at=t[2], reply_to=(1861000000000000000, OURS)),
        tweet_line(
            "Our control room is busy tonight #KP24",
            at=t[3],
            hashtags=("KP24",),
            author=(OURS, "KingsmerePolice", "Kingsmere Police"),
        ),  # fmt: skip
    ]
    _, rows, totals, _ = await ingest(db_path, write_lines(tmp_path / "e.jsonl", lines), config)
    lanes = [(r["in_hashtag"], r["in_inbox"], r["in_own"]) for r in rows]
    assert lanes == [(1, 0, 0), (0, 1, 0), (0, 1, 0), (1, 0, 1)]
    assert rows[0]["sentiment_compound"] > 0.5
    assert [bool(r["urgent"]) for r in rows] == [False, True, False, False]
    assert "knife" in rows[1]["urgent_reason"].lower()
    assert totals["urgent"] == 1


@pytest.mark.parametrize("workers", [0, 2])
async def test_pipeline_keeps_vaders_agreement_with_human_ratings(
    tmp_path, db_path, config, workers
):
    ratings, lines = {}, []
    stamps = times(4200, step=2)
    for number, line in enumerate(GROUNDTRUTH.read_text(errors="replace").splitlines()):
        _, rating, text = line.split("\t", 2)
        post_id = 1861000000000000000 + number
        ratings[post_id] = float(rating)
        lines.append(tweet_line(text, at=stamps[number], post_id=post_id))
    summary, rows, _, _ = await ingest(
        db_path, write_lines(tmp_path / "gt.jsonl", lines), config, workers=workers
    )
    assert summary.ingested == len(ratings) >= 4000
    human = [ratings[row["id"]] for row in rows]
    r = statistics.correlation(human, [row["sentiment_compound"] for row in rows])
    assert r >= 0.87


async def test_hostile_and_huge_posts_pass_through_unchanged(tmp_path, db_path, config) -> None:
    texts = [
        "[@click=app.quit]x[/] and a [/] b",
        "\x1b[31mred\x1b]52;c;aGVsbG8=\x07 \x1b]8;;https://e.example\x1b\\x\x1b]8;;\x1b\\",
        "\u202egnp.exe\u202c \r\x08\x00 after NUL",
        ("🚓🚨 thanks officers 👏 " * 1200)[:25_000],
    ]
    t = times(len(texts))
    lines = [tweet_line(text, at=t[i]) for i, text in enumerate(texts)]
    summary, rows, _, _ = await ingest(db_path, write_lines(tmp_path / "e.jsonl", lines), config)
    assert summary.ingested == len(texts)
    assert [row["text"] for row in rows] == texts


async def test_a_line_longer_than_any_x_message_is_rejected_and_the_rest_stored(
    tmp_path, db_path, config
) -> None:
    from eventdesk.scoring import MAX_LINE

    t = times(3)
    long_text = "help " * (MAX_LINE // 5)  # a message of more than MAX_LINE characters
    lines = [tweet_line("before", at=t[0]), tweet_line(long_text, at=t[1]),
             tweet_line("after", at=t[2])]  # fmt: skip
    replay = write_lines(tmp_path / "e.jsonl", lines)
    summary, rows, _, found = await ingest(db_path, replay, config)
    assert (summary.ingested, summary.rejected) == (2, 1)
    assert [row["text"] for row in rows] == ["before", "after"]
    assert found[0]["line"] == 2 and found[0]["reason"].startswith("line too long: 1,000,")


async def test_stop_ends_a_paced_replay_and_keeps_what_was_read(tmp_path, db_path, config) -> None:
    import asyncio

    start = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    lines = [tweet_line("x", at=t) for t in times(3, start=start, step=3600)]
    replay = write_lines(tmp_path / "e.jsonl", lines)
    db = await Database.open(db_path)
    try:
        job = Ingest(db, config, flush_seconds=0.01)
        task = asyncio.create_task(job.run(ReplaySource(replay, speed=1.0)))
        for _ in range(200):
            if (await counts(db))["posts"] == 1:
                break
            await asyncio.sleep(0.01)
        job.stop()
        summary = await asyncio.wait_for(task, 5)
        assert summary.ingested == 1  # the first post; the next is an hour away
    finally:
        await db.close()


async def test_reposts_amplify_but_do_not_ask_or_alarm(tmp_path, db_path, config) -> None:
    urgent_words = "@KingsmerePolice a man with a knife outside the shop right now"
    lines = [
        tweet_line(f"RT @KingsmerePolice: {urgent_words}", mentions=("KingsmerePolice",),
                   referenced_tweets=[{"type": "retweeted", "id": "1861000000000000001"}]),
        tweet_line(urgent_words, mentions=("KingsmerePolice",), at=times(2)[1]),
    ]  # fmt: skip
    _, rows, _, _ = await ingest(db_path, write_lines(tmp_path / "e.jsonl", lines), config)
    assert [(r["in_inbox"], r["urgent"]) for r in rows] == [(0, 0), (1, 1)]


async def test_our_own_appeals_are_not_alarms(tmp_path, db_path, config) -> None:
    appeal = "Air 1 is searching for a vulnerable missing person near the skate park"
    lines = [
        tweet_line(appeal, author=("1400000000000000001", "KingsmerePolice", "Kingsmere Police")),
        tweet_line(appeal, at=times(2)[1]),  # the same words from a member of the public
    ]
    _, rows, _, _ = await ingest(db_path, write_lines(tmp_path / "e.jsonl", lines), config)
    assert [(r["in_own"], r["urgent"]) for r in rows] == [(1, 0), (0, 1)]


def test_a_worker_batch_makes_no_cycles_and_leaves_the_collector_on(
    tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A scoring process scores and stores each batch with the garbage collector off:
    # right only while a batch leaves no reference cycles behind, the tricky lines
    # included.
    import gc
    import os

    from eventdesk import scoring as module
    from eventdesk.sources.base import SourceChunk
    from storage.batch import writer_connection

    db_path = tmp_path / "w.db"
    asyncio.run(_made(db_path))
    # As the pool's initializer sets it up (in-process here, so the "parent" is ours).
    spec = module.StoreSpec(str(db_path), "replay:w", module.Turns.make(), os.getppid())
    monkeypatch.setattr(module, "_worker", module.Processor(config))
    monkeypatch.setattr(module, "_store", (spec, writer_connection(db_path)))
    data = mixed_event(tmp_path).read_bytes()
    chunk = SourceChunk(1, data.count(b"\n"), data, None)
    assert gc.isenabled()
    stored = module.store_in_worker(chunk, 0, {"line": chunk.count})
    assert gc.isenabled()
    assert stored.inserted and stored.rejected
    gc.collect()
    gc.disable()
    try:
        module.process_batch(module._worker, chunk)
        assert gc.collect() == 0  # nothing the batch built needed the collector
    finally:
        gc.enable()


async def _made(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


def test_batches_are_stored_in_turn_and_a_run_that_ended_stores_no_more() -> None:
    """The scoring processes' turns (threads stand in for them here): batch n waits
    for n - 1; once the run has ended, or the desk's process is gone, a waiting batch
    is never stored."""
    import os
    import threading

    from eventdesk.scoring import TurnLost, Turns

    turns, parent, stored, lost = Turns.make(), os.getppid(), [], []

    def store(number: int) -> None:
        try:
            turns.wait(number, parent)
        except TurnLost:
            lost.append(number)
            return
        stored.append(number)
        turns.done(number)

    threads = [threading.Thread(target=store, args=(n,)) for n in (3, 1, 2, 0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert stored == [0, 1, 2, 3] and not lost

    waiting = threading.Thread(target=store, args=(5,))  # 4 never comes
    waiting.start()
    turns.end()
    waiting.join(5)
    assert not waiting.is_alive() and lost == [5] and stored == [0, 1, 2, 3]

    orphan = Turns.make()
    with pytest.raises(TurnLost, match="process is gone"):
        orphan.wait(0, parent=os.getpid())  # not our parent: as if the desk had died
