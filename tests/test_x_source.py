"""The live X source on recorded traffic: polling, the stream, its rules, and faults.

Everything goes through tweepy and requests as on the day; vcrpy answers from cassettes
(tests/cassettes, written by tests/cassettes/build.py) and nothing reaches the network.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

import tests.cassettes.build as recorded
from eventdesk.errors import UserError
from eventdesk.ingest import Ingest
from eventdesk.secrets import ENV_BEARER, Secret, load_credentials
from eventdesk.sources import ReplaySource, SourceState, make_source
from eventdesk.sources.budget import ReadBudget
from eventdesk.sources.x import XSource
from eventdesk.sources.x_rules import event_tag, plan, wanted_rules
from eventdesk.sources.x_stream import StreamConnection
from eventdesk.xapi import FIELDS, RateGate, tweet_lines
from storage import Database
from storage.posts import checkpoint, counts, iter_posts
from tests.x_support import (  # noqa: F401
    BEARER,
    MATCH,
    NOW,
    OURS,
    RESET,
    FakeTime,
    eof_closes,
    no_network,
    ours,
    recorder,
    x_event,
)

pytestmark = pytest.mark.usefixtures("no_network")
ENV = {ENV_BEARER: BEARER}
# The rules endpoint is checked on its request bodies too: what a sync adds and deletes.
with_bodies = recorder(OURS)
with_bodies.match_on = (*MATCH, "body")


def x_source(config, db=None, *, stop=None) -> tuple[XSource, FakeTime]:
    time = FakeTime(stop)
    source = XSource(config, load_credentials(config, ENV), db=db, clock=time.clock,
                     sleep=time.sleep)  # fmt: skip
    time.source = source
    return source, time


def after_polls(n: int):
    return lambda t: t.slept.count(60.0) >= n


async def read_all(source) -> list:
    return [line async for line in source.lines()]


# -- polling, end to end ---------------------------------------------------------------


async def test_poll_end_to_end_stores_each_post_once_and_resumes_from_since_id(
    db_path: Path,
) -> None:
    config = x_event(mode="poll", reads_per_day=5)
    db = await Database.open(db_path)
    try:
        source, time = x_source(config, db, stop=after_polls(2))
        with ours.use_cassette("poll_first_run.yaml") as cassette:
            summary = await Ingest(db, config).run(source)
        assert cassette.all_played
        assert (summary.ingested, summary.duplicates, summary.rejected) == (4, 0, 0)
        # Two pages of search spaced by their rate limit (449 calls left, 900 s to reset).
        assert time.waits[:2] == [2.0, 60.0]
        position = await checkpoint(db, source.key)
        assert position == {"since_id": recorded.T3["id"],
                            "mentions": {recorded.POLICE_ID: recorded.T4["id"]}}  # fmt: skip
        assert source.budget.today == 4 and source.budget.warning  # 80 % of 5
        assert "reads 4/5 today" in source.status

        # A restart: the checkpoint's since_id goes into the requests (the cassette
        # matches on them), and the budget carries on from the database.
        config = x_event(mode="poll", reads_per_day=6)
        again, _ = x_source(config, db, stop=after_polls(1))
        with ours.use_cassette("poll_second_run.yaml") as cassette:
            summary = await Ingest(db, config).run(again)
        assert cassette.all_played
        assert (summary.ingested, summary.duplicates) == (1, 0)
        assert again.budget.today == 5 and again.budget.warning
        totals = await counts(db)
        assert totals["posts"] == 5 and totals["inbox"] == 1
        stored = {post: row async for post, row in _rows(db)}
        assert stored[int(recorded.T3["id"])]["text"] == recorded.T3["text"]  # exactly
        assert stored[int(recorded.T4["id"])]["author_username"] == "amira_k"
    finally:
        await db.close()


async def _rows(db):
    from storage.posts import PostFilter

    async for row in iter_posts(db, PostFilter()):
        yield row["id"], row


async def test_poll_stops_at_the_read_cap_and_says_so(db_path: Path) -> None:
    config = x_event(mode="poll", reads_per_day=3)
    db = await Database.open(db_path)
    try:
        source, time = x_source(config, db, stop=lambda t: t.seen[-1][0] == "failed")
        with ours.use_cassette("poll_first_run.yaml"):
            lines = await read_all(source)
        # The first page's 2 posts, then the second page's 1 reaches the cap of 3: no
        # mentions call is made (the cassette would have answered it), polling stops.
        assert len(lines) == 3
        assert source.state is SourceState.FAILED
        assert "read cap reached" in source.reason and "stop_at_cap" in source.reason
        budget = ReadBudget(config.x, db, clock=time.clock)
        await budget.load()
        assert budget.today == 3  # written down: a restart counts them
    finally:
        await db.close()


async def test_poll_honours_429_reset_backs_off_without_it_and_after_503() -> None:
    source, time = x_source(x_event(mode="poll"), stop=after_polls(1))
    with ours.use_cassette("poll_rate_limited.yaml") as cassette:
        lines = await read_all(source)
    assert cassette.all_played
    assert [json.loads(line.text)["data"]["id"] for line in lines] == [recorded.T1["id"]]
    # Until X's reset (+1 s); 2 minutes (1 minute doubled) with no reset; 20 s after a
    # 503 (5 s doubling); then the poll interval.
    assert time.waits == [RESET - NOW + 1, 120.0, 20.0, 60.0]
    states = [state for state, _ in time.seen if state]
    assert states[-1] == "live"
    reasons = [
        r
        for s, (state, r) in zip(time.slept, time.seen, strict=True)
        if s and state == "reconnecting"
    ]
    assert "429" in reasons[0] and "next poll in 901s" in reasons[0]
    assert "503" in reasons[2]
    assert source.state is SourceState.STOPPED


# -- the stream ------------------------------------------------------------------------


@pytest.mark.usefixtures("eof_closes")
async def test_stream_syncs_rules_and_passes_lines_exactly(db_path: Path) -> None:
    config = x_event(mode="stream")
    db = await Database.open(db_path)
    try:
        source, time = x_source(config, db, stop=lambda t: True)
        with with_bodies.use_cassette("stream_rules_and_lines.yaml") as cassette:
            summary = await Ingest(db, config).run(source)
        # The rules requests matched on their bodies: the stale rule of ours deleted,
        # the missing one added, the other tool's rule left alone.
        assert cassette.all_played
        assert (summary.ingested, summary.rejected, summary.ignored) == (2, 1, 1)
        assert time.seen[0] == ("reconnecting", "X closed the stream; reconnecting in 0s")
        assert await checkpoint(db, source.key) == {"since_id": recorded.S2["id"],
                                                    "mentions": {}}  # fmt: skip
        body = cassette.responses[3]["body"]["string"]
        first_line = body.split(b"\r\n")[0].decode() if isinstance(body, bytes) else body
        stored = [row async for row in _rows(db)]
        assert json.loads(stored[0][1]["raw"]) == json.loads(first_line.split("\r\n")[0])
    finally:
        await db.close()


@pytest.mark.usefixtures("eof_closes")
async def test_stream_reconnects_with_backoff_and_fills_the_gap_by_search() -> None:
    source, time = x_source(x_event(mode="stream"), stop=lambda t: len(t.waits) >= 5)
    with ours.use_cassette("stream_reconnect.yaml") as cassette:
        lines = await read_all(source)
    assert cassette.all_played
    ids = [json.loads(line.text)["data"]["id"] for line in lines]
    # S1, S2; dropped; back after 503 and two 429s; the gap's T6 by search, then S3.
    assert ids == [recorded.S1["id"], recorded.S2["id"], recorded.T6["id"], recorded.S3["id"]]
    # Dropped: 0.25 s (linear); 503: 10 s (5 s doubling); 429: until the reset; 429
    # without a reset: 1 minute doubling; dropped again after S3.
    assert time.waits == [0.25, 10.0, RESET - (NOW + 10.25) + 1, 480.0, 0.25]
    assert [reason.split(";")[0] for _, reason in time.seen if reason][:4] == [
        "X closed the stream",
        "stream refused: HTTP 503",
        "stream refused: HTTP 429",
        "stream refused: HTTP 429",
    ]
    # The gap's line carries the pre-gap position until the round is done.
    assert lines[2].position["since_id"] == recorded.S2["id"]
    assert lines[3].position["since_id"] == recorded.S3["id"]
    assert source.budget.today == 4


async def test_stream_refused_at_this_access_level_falls_back_to_polling(caplog) -> None:
    caplog.set_level(logging.INFO, logger="eventdesk")
    source, _ = x_source(x_event(mode="stream"), stop=after_polls(1))
    with ours.use_cassette("stream_forbidden.yaml") as cassette:
        lines = await read_all(source)
    assert cassette.all_played
    assert source.mode == "poll"
    assert [json.loads(line.text)["data"]["id"] for line in lines] == [recorded.T1["id"]]
    assert "no stream at this access level (403); polling" in caplog.text


async def test_recorded_stream_lines_fed_to_the_data_handler_arrive_exactly() -> None:
    connection = StreamConnection(Secret(BEARER), FIELDS)
    client = connection.attach()
    raw = [
        recorded.message(recorded.S1).encode(),
        b'{"data": {"id": "1", "text": "cut',  # a malformed chunk: passed on, not fixed
        recorded.message(recorded.S2).encode(),
    ]
    client.on_connect()
    for chunk in raw:
        client.on_data(chunk)
    client.on_request_error(429)
    client.on_disconnect()
    events = [await connection.next() for _ in range(5)]
    assert [e.kind for e in events] == ["connected", "line", "line", "line", "ended"]
    assert [e.data for e in events[1:4]] == raw
    assert events[4].end.kind == "http" and events[4].end.status == 429


async def test_a_refused_token_ends_the_source_failed_with_a_reason() -> None:
    source, _ = x_source(x_event(mode="poll"))
    with ours.use_cassette("poll_unauthorized.yaml"):
        lines = await read_all(source)
    assert lines == []
    assert source.state is SourceState.FAILED
    assert source.reason == "X refused polling: 401 Unauthorized: Unauthorized"


async def test_anything_unexpected_becomes_the_state_not_a_crash() -> None:
    source, _ = x_source(x_event(mode="poll"))
    # This cassette has no answer for the poll: vcrpy raises its own error inside the
    # tweepy call, as nothing in the source expects.
    with ours.use_cassette("search_unauthorized.yaml"):
        lines = await read_all(source)
    assert lines == []
    assert source.state is SourceState.FAILED
    assert "CannotOverwriteExistingCassetteException" in source.reason
    assert BEARER not in source.reason


# -- pieces ----------------------------------------------------------------------------


def test_rules_come_from_the_config_and_a_sync_leaves_other_tools_alone() -> None:
    config = x_event()
    prefix = event_tag(config)
    rules = wanted_rules(config)
    assert [(r.value, r.tag) for r in rules] == [
        ("#KP24 OR #polchat", prefix + "hashtags"),
        ("@KingsmerePolice OR to:KingsmerePolice OR @KingsmereAir OR to:KingsmereAir",
         prefix + "accounts"),
    ]  # fmt: skip
    existing = [
        {"id": "1", "value": "#KP24 OR #polchat", "tag": prefix + "hashtags"},
        {"id": "2", "value": "#KP24 OR #polchat", "tag": prefix + "hashtags"},  # a twin
        {"id": "3", "value": "#old", "tag": prefix + "old"},
        {"id": "4", "value": "#KP24", "tag": "someone-else"},
    ]
    changes = plan(existing, rules, prefix)
    assert changes.delete == ("2", "3") and changes.add == (rules[1],)
    assert (changes.kept, changes.foreign) == (1, 1)


def test_many_hashtags_split_into_rules_that_fit() -> None:
    config = x_event()
    many = config.event.model_copy(
        update={"hashtags": tuple(f"tag{n:03d}x" * 4 for n in range(60))}
    )
    rules = wanted_rules(config.model_copy(update={"event": many}))
    assert len(rules) > 3 and all(len(r.value) <= 512 for r in rules)
    assert len({r.tag for r in rules}) == len(rules)


def test_a_page_becomes_stream_style_lines_with_their_own_includes() -> None:
    page = json.loads(recorded.page([recorded.T2, recorded.T4]))
    lines = tweet_lines(page)
    assert [n for n, _ in lines] == [int(recorded.T2["id"]), int(recorded.T4["id"])]
    first = json.loads(lines[0][1])
    assert first["data"] == recorded.T2
    assert first["includes"]["users"] == [recorded.USERS["502"]]


def test_rate_gate_spreads_the_calls_left_until_the_reset() -> None:
    gate = RateGate()
    assert gate.wait(NOW) == 0.0
    gate.note({"x-rate-limit-remaining": "9", "x-rate-limit-reset": str(int(NOW) + 100)})
    assert gate.wait(NOW) == 10.0
    gate.note({"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW) + 100)})
    assert gate.wait(NOW) == 101.0
    assert gate.wait(NOW + 200) == 0.0


async def test_budget_rolls_over_at_midnight_and_the_month(db_path: Path) -> None:
    config = x_event(reads_per_day=10, reads_per_month=100)
    db = await Database.open(db_path)
    try:
        time = FakeTime(start=NOW)
        budget = ReadBudget(config.x, db, clock=time.clock)
        budget.add(8)
        await budget.save()
        assert budget.warning and not budget.exhausted
        time.now += 86_400
        assert budget.fraction == pytest.approx(0.08)  # a new day; the month goes on
        budget.add(2)
        await budget.save()
        later = ReadBudget(config.x, db, clock=time.clock)
        await later.load()
        assert (later.today, later.month) == (2, 10)
        time.now += 86_400 * 12  # 1 December
        later.add(1)
        assert (later.today, later.month) == (1, 1)
    finally:
        await db.close()


def test_make_source_picks_replay_or_x_and_says_what_is_missing(tmp_path: Path) -> None:
    replay = tmp_path / "event.jsonl"
    replay.write_text("")
    config = x_event(mode="poll")
    assert isinstance(make_source(config, replay=replay, env={}), ReplaySource)
    assert isinstance(make_source(config, env=ENV), XSource)
    with pytest.raises(UserError, match="no X bearer token"):
        make_source(config, env={})
    with pytest.raises(UserError, match=r"no source: give a replay file, or add an \[x\]"):
        make_source(config.model_copy(update={"x": None}), env=ENV)
