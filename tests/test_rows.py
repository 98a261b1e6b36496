"""The ingest makes each stored row straight from the fields it reads; the rows must be
exactly those made through `parse_line`'s Posts and `storage.rows.prepare`."""

import json
from datetime import UTC, datetime

import pytest

from eventdesk.config import EventConfig
from eventdesk.lanes import LaneRules
from eventdesk.parse import parse_line, read_line
from eventdesk.scoring import Processor
from eventdesk.sentiment import SentimentScorer
from eventdesk.urgency import UrgencyDetector
from storage.rows import prepare
from tests.conftest import tweet_line

OURS = "1400000000000000001"  # @KingsmerePolice's user id in the demo config
CHAT = datetime(2026, 11, 19, 13, 30, tzinfo=UTC)  # the demo's #polchat is on


def _tweet(post_id: int, **fields) -> dict:
    return {"id": str(post_id), "text": "a man with a knife outside #KP24", **fields}


def _line(*tweets: dict, users: list | None = None) -> str:
    message = {"data": tweets[0] if len(tweets) == 1 else list(tweets)}
    if users is not None:
        message["includes"] = {"users": users}
    return json.dumps(message)


TRICKY = [
    tweet_line("Thanks @KingsmerePolice 👍 #KP24", hashtags=("KP24",),
               mentions=("KingsmerePolice",)),
    tweet_line("help someone is being stabbed", reply_to=(1861000000000000000, OURS)),
    tweet_line("A1: more #polchat please", at=CHAT, hashtags=("polchat",)),
    tweet_line("A1: #polchat before it starts", at=datetime(2026, 11, 19, 12, tzinfo=UTC),
               hashtags=("polchat",)),
    tweet_line("our own post #KP24", author=(OURS, "KingsmerePolice", "Kingsmere Police"),
               reply_to=(1861000000000000007, "900")),
    tweet_line("RT a man with a knife", referenced_tweets=[{"type": "retweeted", "id": "17"}]),
    tweet_line("NUL \x00 and ESC \x1b[31m and BOM \ufeff #KP24 #kp24 #Kp24"),
    # Lone surrogates, as JSON escapes (a raw one cannot be UTF-8): text, name, tags.
    '{"data": {"id": "1861000000000000101", "text": "half \\ud83d of a pair #Tag\\udc00",'
    ' "author_id": "5", "created_at": "2026-11-19T10:00:00.000Z", "entities": {"hashtags":'
    ' [{"tag": "Tag\\udc00"}]}}, "includes": {"users": [{"id": "5", "username": "u\\ud800",'
    ' "name": "N\\udfff"}]}}',
    # created_at in other forms than X's: still read, stored in X's form.
    _line(_tweet(1861000000000000102, created_at="2026-11-19T08:00:00.123+01:00")),
    _line(_tweet(1861000000000000103, created_at="2026-11-19T08:00:00Z")),
    _line(_tweet(1861000000000000104, created_at="2026-11-19T08:00:00.123456Z")),
    _line(_tweet(1861000000000000105, created_at="2026-11-19 08:00:00.123Z")),
    _line(_tweet(1861000000000000106, created_at="2026-11-19T13:30:00.000-00:00")),
    # ... or refused, in X's form or not.
    _line(_tweet(1861000000000000107, created_at="2026-13-19T08:00:00.123Z")),
    _line(_tweet(1861000000000000108, created_at="2026-11-19T24:00:00.000Z")),
    _line(_tweet(1861000000000000109, created_at="2026-11-19T08:00:60.000Z")),
    _line(_tweet(1861000000000000110, created_at="2026-11-19T08:00:00.123")),
    _line(_tweet(1861000000000000111, created_at="２０２６-11-19T08:00:00.000Z")),
    _line(_tweet(1861000000000000112, created_at=20261119)),
    # Missing fields: time from the id, tags and mentions from the text, no author.
    _line({"id": "1861000000000000113", "text": "#KP24 @kingsmerepolice no fields"}),
    _line(_tweet(1861000000000000114, entities={"urls": [{"url": "https://t.co/x"}]},
                 public_metrics={"like_count": 3, "odd": True, "half": 2.5}, lang=7,
                 conversation_id="12x", in_reply_to_user_id=5)),
    # A page: good posts keep their own JSON, a bad one is rejected.
    _line(_tweet(1861000000000000115, author_id="5"), _tweet(0),
          _tweet(1861000000000000116, text="second #polchat",
                 created_at="2026-11-19T13:05:00.000Z"),
          users=[{"id": "5", "username": "five", "name": "Five"}, {"id": 6}]),
    _line(_tweet(1861000000000000117, author_id="5"), users=[{"id": "5", "username": "five"}]),
    tweet_line("a long post, cut", note_tweet={"text": "long post with a knife " * 60,
                                               "entities": {"hashtags": [{"tag": "KP24"}]}}),
    "",
    '{"errors": [{"title": "operational-disconnect"}]}',
    '{"data": [], "meta": {"result_count": 0}}',
    "{not json",
    '{"data": "a string"}',
]  # fmt: skip


def _bare(config: EventConfig) -> EventConfig:
    """The demo event without #polchat tracked: only the live chat brings it in."""
    event = config.event.model_copy(update={"hashtags": ("KP24",)})
    return config.model_copy(update={"event": event})


def _through_posts(config: EventConfig, lines: list[str]) -> tuple[list, list, int]:
    """Rows, rejects and ignored lines the way the ingest made them before: a Post per
    post, its lanes, sentiment and urgency set, then `prepare`."""
    lanes, sentiment = LaneRules(config), SentimentScorer()
    urgency = UrgencyDetector.from_config(config.urgency)
    rows, problems, ignored = [], [], 0
    for number, line in enumerate(lines, 1):
        parsed = parse_line(line)
        if parsed.ignored is not None and not parsed.posts and not parsed.problems:
            ignored += 1
        problems += [(number, reason) for reason in parsed.problems]
        for post in parsed.posts:
            post.lanes = lanes.lanes(post)
            post.sentiment = sentiment.score(post.text)
            post.urgency = None if post.repost_of_id else urgency.check(post.text)
            rows.append(tuple(prepare(post)))
    return rows, problems, ignored


@pytest.mark.parametrize("chat_only", [False, True])
def test_rows_from_fields_equal_rows_from_posts(config: EventConfig, chat_only: bool) -> None:
    config = _bare(config) if chat_only else config
    rows, problems, ignored = _through_posts(config, TRICKY)
    out = Processor(config).process([(n, line, None) for n, line in enumerate(TRICKY, 1)])
    assert out.posts == rows
    assert [(r.line, r.reason) for r in out.rejects] == problems
    assert out.ignored == ignored
    assert len(rows) == 19 and len(problems) == 9  # every tricky case reached the check
    # The chat's tag counted only while the chat ran (lanes read the time from text).
    by_id = {row[0]: row for row in out.posts}
    during, before = (by_id[int(json.loads(TRICKY[i])["data"]["id"])] for i in (2, 3))
    assert during[5] == ("hashtag",) and before[5] == (() if chat_only else ("hashtag",))


def test_x_times_are_kept_as_text_and_others_become_moments() -> None:
    ((fields, _),) = read_line(_line(_tweet(1, created_at="2026-11-19T07:00:02.000Z"))).posts
    assert fields.created_at == "2026-11-19T07:00:02.000Z"
    ((fields, _),) = read_line(_line(_tweet(1, created_at="2026-11-19T08:00:02+01:00"))).posts
    assert fields.created_at == datetime(2026, 11, 19, 7, 0, 2, tzinfo=UTC)
    ((post),) = parse_line(_line(_tweet(1, created_at="2026-11-19T07:00:02.000Z"))).posts
    assert post.created_at == datetime(2026, 11, 19, 7, 0, 2, tzinfo=UTC)
    assert post.created_at.tzinfo is UTC
    for bad in ("2026-02-30T07:00:02.000Z", "2026-11-19T07:61:02.000Z"):
        parsed = read_line(_line(_tweet(1, created_at=bad)))
        assert parsed.posts == [] and "bad created_at" in parsed.problems[0]
