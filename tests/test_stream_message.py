"""The everyday message's fast reading (`eventdesk.stream_message`) gives exactly the
fields the forgiving reader (`eventdesk.parse.read_any_line`) gives, and leaves every
other line to it."""

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from eventdesk import stream_message
from eventdesk.config import EventConfig
from eventdesk.demo import write_replay
from eventdesk.parse import read_any_line, read_line
from tests.conftest import tweet_line
from tests.test_rows import TRICKY

BASE = json.loads(
    tweet_line("Thanks @KingsmerePolice 👍 #KP24", hashtags=("KP24",),
               mentions=("KingsmerePolice",), reply_to=(1861000000000000000, "77"))
)  # fmt: skip


def _variant(change) -> str:
    message = json.loads(json.dumps(BASE))
    change(message["data"], message)
    return json.dumps(message, ensure_ascii=False)


def _set(**values: Any):
    return lambda tweet, message: tweet.update(values)


FAST, SLOW = True, False  # read by stream_message, or left to the forgiving reader

# Each changes one thing a reader may see differently: a type, a missing or null
# field, a long post's note, references, users. Whether the fast reading takes it.
VARIANTS = [
    (SLOW, _set(id=1861000000000000123)),  # a number: the forgiving reader takes it
    (SLOW, _set(id="0")),
    (SLOW, _set(id="99999999999999999999")),
    (SLOW, _set(text=None)),
    (FAST, _set(created_at=None)),
    (FAST, _set(created_at="2026-11-19T08:00:00.123+01:00")),
    (SLOW, _set(created_at="2026-11-19T24:00:00.000Z")),
    (SLOW, _set(created_at=17)),
    (FAST, _set(author_id=None)),
    (SLOW, _set(author_id=900)),
    (FAST, _set(author_id="nobody-we-know")),
    (FAST, _set(conversation_id=None)),
    (FAST, _set(conversation_id="not a number")),
    (SLOW, _set(conversation_id=1861000000000000000)),
    (SLOW, _set(in_reply_to_user_id=77)),
    (FAST, _set(lang=None)),
    (SLOW, _set(lang=["en"])),
    (FAST, _set(public_metrics=None)),
    (FAST, _set(public_metrics={})),
    (SLOW, _set(public_metrics={"like_count": True, "reply_count": 2})),
    (SLOW, _set(public_metrics={"like_count": 1.5})),
    (SLOW, _set(public_metrics={"like_count": 2**70})),
    (SLOW, _set(public_metrics=[1, 2])),
    (FAST, _set(entities=None)),
    (FAST, _set(entities={})),
    (SLOW, _set(entities=[])),
    (FAST, _set(entities={"hashtags": None, "mentions": []})),
    (SLOW, _set(entities={"hashtags": [{"tag": 5}, {"tag": "ok"}]})),
    (SLOW, _set(entities={"hashtags": [{"start": 1}, {"tag": "ok"}], "mentions": ["x"]})),
    (FAST, _set(entities={"urls": [{"url": "https://t.co/a"}, {"expanded_url": "https://e/b"}]})),
    (FAST, _set(entities={"urls": [{"url": "https://t.co/a"}, {"url": None}]})),
    (FAST, _set(entities={"urls": []})),
    (FAST, _set(entities={"urls": None})),
    (FAST, _set(note_tweet={"text": "the whole long post #Other @someone"})),
    (FAST, _set(note_tweet={"text": "the whole post", "entities": {"hashtags": [{"tag": "N"}]}})),
    (FAST, _set(note_tweet={"text": ""})),
    (SLOW, _set(note_tweet={"text": 5})),
    (SLOW, _set(note_tweet="long")),
    (FAST, _set(referenced_tweets=None)),
    (FAST, _set(referenced_tweets=[])),
    (SLOW, _set(referenced_tweets={"type": "quoted"})),
    (FAST, _set(referenced_tweets=[
        {"type": "quoted", "id": "5"}, {"type": "quoted", "id": "6"}, {"id": "7"},
        {"type": "retweeted"},
    ])),
    (SLOW, _set(referenced_tweets=[{"type": "replied_to", "id": 5}])),
    (SLOW, _set(referenced_tweets=["replied_to"])),
    (FAST, lambda tweet, message: message.pop("includes")),
    (FAST, lambda tweet, message: message.update(includes=None)),
    (FAST, lambda tweet, message: message.update(includes={"users": None})),
    (SLOW, lambda tweet, message: message.update(includes={"users": [{"id": 900}]})),
    (SLOW, lambda tweet, message: message.update(includes={"users": ["x"]})),
    (FAST, lambda tweet, message: message.update(includes={"users": [
        {"id": "900", "username": "first", "name": None}, {"id": "900", "username": "second"},
    ]})),
    (SLOW, lambda tweet, message: message.update(includes={"users": [{"id": "900", "name": 5}]})),
    (SLOW, lambda tweet, message: message.update(data=[tweet])),  # a page
    (SLOW, lambda tweet, message: message.update(data=None, errors=[{"title": "x"}])),
    (SLOW, lambda tweet, message: message.update(matching_rules="any", extra={"a": [1e400]})),
]  # fmt: skip


def _same_reading(line: str) -> bool:
    """Whether the fast reading answered; asserts it answered as the forgiving one."""
    fast = stream_message.fields(line)
    if fast is None:
        return False
    slow = read_any_line(line)
    assert (slow.problems, slow.ignored) == ([], None)
    assert [(fast, line.rstrip("\r\n"))] == slow.posts
    assert [type(value) for value in fast] == [type(value) for value in slow.posts[0][0]]
    return True


@pytest.mark.parametrize("line", [_variant(change) for _, change in VARIANTS])
def test_a_changed_message_is_read_the_same_either_way(line: str) -> None:
    _same_reading(line)
    assert read_line(line) == read_any_line(line)


def test_both_readings_agree_on_the_tricky_lines_and_the_fast_one_takes_some() -> None:
    taken = [_same_reading(line) for line in TRICKY]
    assert any(taken) and not all(taken)
    assert all(read_line(line) == read_any_line(line) for line in TRICKY)


def test_the_fast_reading_takes_the_variants_it_should() -> None:
    """Not a reading that gives up on everything: the plain message, missing or null
    optional fields, long posts and repeated users are read fast; numbers for ids,
    counts that are not counts and pages are left to the forgiving reader."""
    assert _same_reading(json.dumps(BASE))
    taken = [_same_reading(_variant(change)) for _, change in VARIANTS]
    assert taken == [fast for fast, _ in VARIANTS]


def test_every_line_of_a_demo_replay_is_read_the_same_and_most_fast(
    tmp_path: Path, config: EventConfig
) -> None:
    replay = tmp_path / "demo.jsonl.gz"
    write_replay(replay, config, posts=6000)
    with gzip.open(replay, "rt", encoding="utf-8") as handle:
        lines = list(handle)
    taken = sum(map(_same_reading, lines))
    assert all(read_line(line) == read_any_line(line) for line in lines)
    assert taken >= 0.95 * len(lines)
