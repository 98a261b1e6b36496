"""The demo generator: a seeded, believable 24-hour event as X filtered-stream JSON lines."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from eventdesk.config import EventConfig, load_config
from eventdesk.demo import generate_event, write_replay
from eventdesk.parse import parse_line
from eventdesk.paths import bundled

ROOT = Path(__file__).resolve().parents[1]
TWITTER_EPOCH_MS = 1288834974657
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
METRICS = {
    "retweet_count",
    "reply_count",
    "like_count",
    "quote_count",
    "bookmark_count",
    "impression_count",
}
# Unmistakable words of the emergencies the generator writes, and idioms that are not.
EMERGENCY_WORDS = (
    "with a knife",
    "is on fire",
    "break in my back door",
    "won't wake up",
    "tryna get in my",
    "not moving",
    "ploughed into",
    "restraining order",
    "gone in the river",
    "screaming for help",
    "collapsed",
    "going to jump",
    "stabbed",
    "wandered off",
    "machete",
)
IDIOM_WORDS = ("killing me", "die for", "killed it", "killing it", "death of me")


@dataclass
class Day:
    """One generated default day, read back from its gzip file."""

    written: int
    lines: list[str]
    messages: list[dict[str, Any]]  # every non-blank line, duplicates included

    @property
    def posts(self) -> list[dict[str, Any]]:
        """Each post once, in file order (first delivery)."""
        seen: set[str] = set()
        out = []
        for message in self.messages:
            if message["data"]["id"] not in seen:
                seen.add(message["data"]["id"])
                out.append(message)
        return out


@pytest.fixture(scope="module")
def demo_config() -> EventConfig:
    return load_config(bundled("demo_event.toml"))


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory, demo_config: EventConfig) -> Day:
    path = tmp_path_factory.mktemp("demo") / "kp24.jsonl.gz"
    written = write_replay(path, demo_config)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        text = handle.read()
    assert text.endswith("\n")
    lines = text.split("\n")[:-1]
    return Day(written, lines, [json.loads(line) for line in lines if line])


def local(config: EventConfig, stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(config.event.zone)


def author(message: dict[str, Any]) -> dict[str, str]:
    data = message["data"]
    return next(u for u in message["includes"]["users"] if u["id"] == data["author_id"])


# Determinism ---------------------------------------------------------------------------
def test_same_seed_gives_identical_bytes_and_another_seed_does_not(
    tmp_path: Path, demo_config: EventConfig
) -> None:
    for name in ("a.jsonl", "b.jsonl", "a.jsonl.gz", "b.jsonl.gz", "c.jsonl"):
        seed = 25 if name.startswith("c") else 7
        write_replay(tmp_path / name, demo_config, seed=seed, posts=3000)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert (tmp_path / "a.jsonl").read_bytes() != (tmp_path / "c.jsonl").read_bytes()
    with gzip.open(tmp_path / "a.jsonl.gz", "rb") as handle:
        assert handle.read() == (tmp_path / "a.jsonl").read_bytes()
    assert not list(tmp_path.glob("*.part"))


def test_the_file_holds_exactly_the_generated_messages(
    tmp_path: Path, demo_config: EventConfig
) -> None:
    path = tmp_path / "small.jsonl"
    write_replay(path, demo_config, seed=3, posts=2000)
    seen: set[str] = set()
    firsts = []
    for line in path.read_text(encoding="utf-8").split("\n")[:-1]:
        if line and json.loads(line)["data"]["id"] not in seen:
            seen.add(json.loads(line)["data"]["id"])
            firsts.append(line)
    expected = [
        json.dumps(m, ensure_ascii=False, separators=(",", ":"))
        for m in generate_event(demo_config, seed=3, posts=2000)
    ]
    assert firsts == expected


def test_the_command_line_is_deterministic_whatever_the_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"cli{hash_seed}.jsonl.gz"
        result = subprocess.run(
            [sys.executable, "-m", "eventdesk.demo", str(out), "--posts", "1500", "--seed", "5"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        assert result.returncode == 0, result.stderr
        assert f"to {out}" in result.stdout
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_the_command_line_refuses_a_missing_config_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "eventdesk.demo",
            str(tmp_path / "x.jsonl"),
            "--config",
            str(tmp_path / "nope.toml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "nope.toml" in result.stderr
    assert not (tmp_path / "x.jsonl").exists()


# Size and shape --------------------------------------------------------------------------
def test_the_default_day_is_about_thirty_thousand_posts(day: Day) -> None:
    assert day.written == len(day.lines)
    assert 20_000 <= len(day.posts) <= 50_000
    assert abs(len(day.posts) - 30_000) <= 1_500  # ±5%


def test_a_small_day_keeps_to_its_size(demo_config: EventConfig) -> None:
    assert abs(sum(1 for _ in generate_event(demo_config, posts=5000)) - 5000) <= 250


def test_every_line_is_a_stream_message_the_desk_can_parse(day: Day) -> None:
    for line, message in zip([x for x in day.lines if x], day.messages, strict=True):
        assert set(message) == {"data", "includes", "matching_rules"}
        data = message["data"]
        assert data["id"].isdigit() and data["author_id"].isdigit()
        assert isinstance(data["text"], str) and data["text"]
        assert STAMP.match(data["created_at"])
        # The id carries the creation time, as X's snowflakes do.
        created = datetime.fromisoformat(data["created_at"].replace("Z", "+00:00"))
        id_ms = (int(data["id"]) >> 22) + TWITTER_EPOCH_MS
        assert id_ms // 1000 == int(created.timestamp())
        assert data["conversation_id"].isdigit()
        assert data["edit_history_tweet_ids"] == [data["id"]]
        assert set(data["public_metrics"]) == METRICS
        assert all(isinstance(v, int) and v >= 0 for v in data["public_metrics"].values())
        assert isinstance(data["lang"], str)
        assert author(message)["username"]
        assert set(author(message)) == {"id", "name", "username"}
        users = {u["id"] for u in message["includes"]["users"]}
        for mention in data.get("entities", {}).get("mentions", ()):
            assert mention["id"] in users
        assert message["matching_rules"]
        assert all(set(r) == {"id", "tag"} for r in message["matching_rules"])
        parsed = parse_line(line)
        assert parsed.problems == [] and len(parsed.posts) == 1


def test_references_point_back_in_time_and_threads_share_their_root(day: Day) -> None:
    by_id = {m["data"]["id"]: m["data"] for m in day.posts}
    replies = 0
    for message in day.posts:
        data = message["data"]
        refs = data.get("referenced_tweets", ())
        if not refs:
            assert data["conversation_id"] == data["id"]
            assert "in_reply_to_user_id" not in data
            continue
        (ref,) = refs
        parent = by_id[ref["id"]]
        assert int(parent["id"]) < int(data["id"])
        assert message["includes"]["tweets"] == [parent]
        if ref["type"] == "replied_to":
            replies += 1
            assert data["conversation_id"] == parent["conversation_id"]
            assert data["in_reply_to_user_id"] == parent["author_id"]
            users = {u["id"]: u["username"] for u in message["includes"]["users"]}
            assert data["text"].startswith("@" + users[parent["author_id"]] + " ")
        else:
            assert ref["type"] in ("quoted", "retweeted")
    assert replies > 2000


def test_ids_are_unique_except_deliberate_duplicates_and_keep_alives_are_blank(day: Day) -> None:
    counts = Counter(m["data"]["id"] for m in day.messages)
    repeated = {i for i, n in counts.items() if n > 1}
    text_of: dict[str, str] = {}
    for line in filter(None, day.lines):
        post_id = json.loads(line)["data"]["id"]
        if post_id in repeated:
            assert text_of.setdefault(post_id, line) == line  # exact re-delivery
    duplicates = sum(counts.values()) - len(counts)
    assert 0.0005 * len(day.lines) <= duplicates <= 0.005 * len(day.lines)
    blanks = day.lines.count("")
    assert 1 <= blanks <= len(day.lines) / 500


def test_posts_come_in_time_order_inside_the_event_window(
    day: Day, demo_config: EventConfig
) -> None:
    start = demo_config.event.start_utc.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    end = demo_config.event.end_utc.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    stamps = [m["data"]["created_at"] for m in day.posts]
    assert stamps == sorted(stamps)
    assert start <= stamps[0] and stamps[-1] < end
    ids = [int(m["data"]["id"]) for m in day.posts]
    assert len(set(ids)) == len(ids)


def test_the_day_has_a_rhythm(day: Day, demo_config: EventConfig) -> None:
    hours = Counter(local(demo_config, m["data"]["created_at"]).hour for m in day.posts)
    assert len(hours) == 24
    assert max(hours.values()) >= 3 * min(hours.values())
    small_hours = sum(hours[h] for h in (2, 3, 4)) / 3
    assert small_hours * 3 < sum(hours[h] for h in (8, 9)) / 2
    assert small_hours * 3 < sum(hours[h] for h in (19, 20, 21)) / 3


# Our accounts ------------------------------------------------------------------------
def test_each_of_our_accounts_posts_and_the_chief_officers_sign(
    day: Day, demo_config: EventConfig
) -> None:
    ours = {a.user_id: a for a in demo_config.accounts}
    roots = Counter(
        m["data"]["author_id"]
        for m in day.posts
        if m["data"]["author_id"] in ours and "referenced_tweets" not in m["data"]
    )
    assert set(roots) == set(ours)
    assert 45 <= sum(roots.values()) <= 90
    chiefs = demo_config.accounts[1]
    signed = [m["data"]["text"] for m in day.posts if m["data"]["author_id"] == chiefs.user_id]
    assert signed
    assert all(chiefs.signature.problem(text) is None for text in signed)
    for message in day.posts:
        if message["data"]["author_id"] in ours:
            tag = "from:" + ours[message["data"]["author_id"]].handle
            assert tag in [r["tag"] for r in message["matching_rules"]]
    answers = [
        m
        for m in day.posts
        if m["data"]["author_id"] == demo_config.accounts[0].user_id
        and m["data"].get("in_reply_to_user_id") not in (None, *ours)
    ]
    assert len(answers) >= 20


def test_polchat_hour_has_six_questions_answered_in_their_threads(
    day: Day, demo_config: EventConfig
) -> None:
    main = demo_config.accounts[0].user_id
    questions = {}
    for message in day.posts:
        data = message["data"]
        found = re.match(r"Q([1-6]): ", data["text"])
        if data["author_id"] == main and found:
            when = local(demo_config, data["created_at"])
            assert (when.hour, when.date().isoformat()) == (13, "2026-11-19")
            assert "#polchat" in data["text"]
            assert "hashtag:polchat" in [r["tag"] for r in message["matching_rules"]]
            questions[data["id"]] = int(found.group(1))
    assert sorted(questions.values()) == [1, 2, 3, 4, 5, 6]
    answered = Counter()
    answers = []
    for message in day.posts:
        data = message["data"]
        number = questions.get(data["conversation_id"])
        if number is None or data["id"] in questions:
            continue
        if data["author_id"] != main:
            assert re.match(rf"(?:@\w+ )+A{number}\b", data["text"], re.IGNORECASE), data["text"]
            assert data["in_reply_to_user_id"] == main
            answered[number] += 1
            answers.append(data["text"])
    assert set(answered) == {1, 2, 3, 4, 5, 6}
    assert min(answered.values()) >= 5
    # A published transcript of a few stock answers said again and again reads as fake.
    assert len(set(answers)) >= 0.9 * len(answers)
    ours_in_threads = [
        m
        for m in day.posts
        if m["data"]["author_id"] == main
        and m["data"]["conversation_id"] in questions
        and m["data"]["id"] not in questions
    ]
    assert ours_in_threads


# The public ------------------------------------------------------------------------------
def test_truepicture_is_posted_through_the_day(day: Day, demo_config: EventConfig) -> None:
    posts = [
        m for m in day.posts if "hashtag:truepicture" in [r["tag"] for r in m["matching_rules"]]
    ]
    assert len(posts) >= 100
    assert len({m["data"]["author_id"] for m in posts}) >= 10
    assert len({local(demo_config, m["data"]["created_at"]).hour for m in posts}) >= 18


def test_a_few_genuine_emergencies_reach_our_inbox_among_harmless_idioms(
    day: Day, demo_config: EventConfig
) -> None:
    handles = {"@" + a.handle for a in demo_config.accounts}
    emergencies = [
        m["data"]["text"]
        for m in day.posts
        if any(word in m["data"]["text"] for word in EMERGENCY_WORDS)
        and not re.search(r"(?i)traffic is not moving", m["data"]["text"])
    ]
    assert 5 <= len(emergencies) <= 15
    assert all(any(h in text for h in handles) for text in emergencies)
    idioms = [m for m in day.posts if any(w in m["data"]["text"].lower() for w in IDIOM_WORDS)]
    assert len(idioms) >= 100


def test_entity_offsets_point_at_their_text(day: Day) -> None:
    counts = Counter()
    for message in day.posts:
        data = message["data"]
        text, entities = data["text"], data.get("entities", {})
        for tag in entities.get("hashtags", ()):
            assert text[tag["start"] : tag["end"]] == "#" + tag["tag"]
            counts["hashtags"] += 1
        for mention in entities.get("mentions", ()):
            assert text[mention["start"] : mention["end"]] == "@" + mention["username"]
            counts["mentions"] += 1
        for url in entities.get("urls", ()):
            assert text[url["start"] : url["end"]] == url["url"]
            assert url["expanded_url"].startswith("https://") and "{" not in url["expanded_url"]
            counts["urls"] += 1
    assert counts["hashtags"] > 20_000 and counts["mentions"] > 5_000 and counts["urls"] > 50


def test_awkward_texts_are_carried_as_received(day: Day) -> None:
    texts = [m["data"]["text"] for m in day.posts]
    long_posts = [t for t in texts if len(t) > 1000]
    assert len(long_posts) == 1 and 15_000 <= len(long_posts[0]) <= 17_000
    assert all(len(t) <= 280 for t in texts if t is not long_posts[0])
    joined = "\n".join(texts)
    for needle in (
        "[bold red]URGENT[/]",
        "[@click=app.quit]",
        "a [/] b",
        "\x1b[31m",
        "\x1b]52;c;aGVsbG8=\x07",
        "\u202e",
        "キングズミア",
        "金斯米尔",
    ):
        assert needle in joined, needle
    names = {u["name"] for m in day.posts for u in m["includes"]["users"]}
    assert any("[" in name for name in names) and any("\x1b" in name for name in names)
    assert Counter(m["data"]["lang"] for m in day.posts).most_common(1)[0][0] == "en"
