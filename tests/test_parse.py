"""Parsing X API v2 messages, including real responses recorded through tweepy."""

import json
from datetime import UTC, datetime

import pytest
import requests
import tweepy
import vcr

from eventdesk.model import Post
from eventdesk.parse import parse_line, time_from_id
from tests.conftest import CASSETTES, tweet_line

recorded = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="none",  # never the network: a request not in the cassette fails
    match_on=["method", "scheme", "host", "port", "path", "query"],
    decode_compressed_response=True,
)


def client() -> tweepy.Client:
    # Any bearer token: the cassettes answer, nothing leaves the machine.
    return tweepy.Client("test-bearer-token", return_type=requests.Response)


@pytest.mark.parametrize(
    ("cassette", "call", "count"),
    [
        ("test_client_search_recent_tweets.yaml", lambda c: c.search_recent_tweets("Tweepy"), 10),
        ("test_client_get_users_mentions.yaml", lambda c: c.get_users_mentions(783214), 10),
        ("test_client_get_tweet.yaml", lambda c: c.get_tweet(1293593516040269825), 1),
    ],
)
def test_recorded_x_responses_parse_into_posts(cassette, call, count) -> None:
    with recorded.use_cassette(cassette):
        response = call(client())
    body = response.text
    parsed = parse_line(body)
    assert parsed.problems == []
    assert len(parsed.posts) == count
    page = json.loads(body)["data"]
    page = page if isinstance(page, list) else [page]
    for post, tweet in zip(parsed.posts, page, strict=True):
        assert post.id == int(tweet["id"])
        assert post.text == tweet["text"]  # exactly as received
        # These requests asked for no fields: the time comes from the id itself.
        assert post.created_at == time_from_id(post.id)
        assert post.created_at.year in (2020, 2022)


def test_recorded_tweet_keeps_emoji_and_finds_hashtags_in_text() -> None:
    with recorded.use_cassette("test_client_get_tweet.yaml"):
        body = client().get_tweet(1293593516040269825).text
    (post,) = parse_line(body).posts
    assert "\U0001f941" in post.text  # 🥁, sent as a surrogate-pair escape
    assert post.hashtags == ("TwitterAPI",)
    # The id carries its creation time: milliseconds since X's epoch, above 22 bits.
    millis = (1293593516040269825 >> 22) + 1288834974657
    assert post.created_at == datetime.fromtimestamp(millis / 1000, tz=UTC)
    assert post.created_at.date().isoformat() == "2020-08-12"  # the API v2 launch day


def test_recorded_mentions_page_finds_mentions_without_entities() -> None:
    with recorded.use_cassette("test_client_get_users_mentions.yaml"):
        body = client().get_users_mentions(783214).text
    posts = parse_line(body).posts
    # Every post on the mentions page of user 783214 (@Twitter) mentions it; usernames
    # are case-insensitive on X, and people write @twitter too.
    assert len(posts) == 10
    assert all("twitter" in {m.lower() for m in p.mentions} for p in posts)
    assert posts[1].mentions == ("WilliamCohan", "elonmusk", "Twitter", "PuckNews")


def test_stream_message_fields() -> None:
    line = tweet_line(
        "@KingsmerePolice thanks #KP24", hashtags=("KP24",), mentions=("KingsmerePolice",),
        reply_to=(1861000000000000000, "1400000000000000001"), post_id=1861000000000000123,
    )  # fmt: skip
    (post,) = parse_line(line).posts
    assert isinstance(post, Post)
    assert post.author_username == "member_of_public"
    assert post.author_name == "A Member"
    assert post.reply_to_id == post.conversation_id == 1861000000000000000
    assert post.in_reply_to_user_id == "1400000000000000001"
    assert post.hashtags == ("KP24",)
    assert post.mentions == ("KingsmerePolice",)
    assert post.metrics["like_count"] == 1
    assert post.raw == line


@pytest.mark.parametrize(
    ("line", "outcome"),
    [
        ("", "ignored"),
        ("\r", "ignored"),
        ('{"errors": [{"title": "operational-disconnect"}]}', "ignored"),
        ('{"meta": {"result_count": 0}}', "ignored"),
        ('{"data": [], "meta": {"result_count": 0}}', "ignored"),
        ("{not json", "not JSON: Expecting property name enclosed in double quotes at column 2"),
        ('{"data": "a\tb"}', "not JSON: Invalid control character at column 12"),
        ("[1, 2]", "not a JSON object"),
        ('{"includes": {}}', "no 'data'"),
        ('{"data": {"text": "no id"}}', "without a valid id"),
        ('{"data": {"id": "12a", "text": "x"}}', "without a valid id"),
        ('{"data": {"id": "99999999999999999999", "text": "x"}}', "without a valid id"),
        ('{"data": {"id": "1861000000000000000"}}', "has no text"),
        ('{"data": {"id": "1861000000000000000", "text": "x", "created_at": "yesterday"}}',
         "bad created_at"),
        ('{"data": "a string"}', "not a JSON object"),
        ("[" * 100000 + "]" * 100000, "not JSON"),
    ],
)  # fmt: skip
def test_bad_lines_are_ignored_or_rejected_with_a_reason(line: str, outcome: str) -> None:
    parsed = parse_line(line)
    assert parsed.posts == []
    if outcome == "ignored":
        assert parsed.ignored and parsed.problems == []
    else:
        assert len(parsed.problems) == 1 and outcome in parsed.problems[0]


def test_a_page_keeps_good_posts_and_rejects_bad_ones() -> None:
    page = {
        "data": [
            {"id": "1861000000000000001", "text": "fine", "author_id": "7"},
            {"id": "oops", "text": "bad id"},
            {"id": "1861000000000000002", "text": "also fine"},
        ],
        "includes": {"users": [{"id": "7", "username": "seven", "name": "Seven"}]},
        "meta": {"result_count": 3},
    }
    parsed = parse_line(json.dumps(page))
    assert [p.text for p in parsed.posts] == ["fine", "also fine"]
    assert parsed.posts[0].author_username == "seven"
    assert json.loads(parsed.posts[0].raw)["data"]["id"] == "1861000000000000001"
    assert len(parsed.problems) == 1


def test_a_byte_order_mark_before_a_message_is_file_framing() -> None:
    """A file saved by a Windows tool starts with a byte order mark (and files joined
    together carry one each): the message after it is read as sent, its text exact."""
    line = tweet_line("\ufeff inside the text is kept", hashtags=("KP24",))
    plain, marked = parse_line(line), parse_line("\ufeff" + line + "\r\n")
    assert marked.problems == [] and len(marked.posts) == 1
    assert marked.posts[0] == plain.posts[0]
    assert marked.posts[0].text == "\ufeff inside the text is kept"
    assert marked.posts[0].raw == line
    page = json.dumps({"data": [json.loads(line)["data"]], "meta": {"result_count": 1}})
    assert [p.id for p in parse_line("\ufeff" + page).posts] == [plain.posts[0].id]


def test_hostile_text_is_kept_exactly() -> None:
    text = "[@click=app.quit]x[/] a [/] b \x1b[31mred\x1b]52;c;aGk=\x07 \u202eevil\r\x08 🚓 \x00"
    (post,) = parse_line(tweet_line(text)).posts
    assert post.text == text


def test_a_long_post_is_read_from_note_tweet() -> None:
    long_text = "Full shift summary #KP24 " + "word " * 2000
    line = tweet_line(
        long_text[:270] + "…",
        note_tweet={
            "text": long_text,
            "entities": {"hashtags": [{"start": 19, "end": 24, "tag": "KP24"}]},
        },
    )
    (post,) = parse_line(line).posts
    assert post.text == long_text
    assert post.hashtags == ("KP24",)
