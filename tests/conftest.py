"""Shared fixtures: the bundled demo config, temporary databases, stream-line builders."""

from __future__ import annotations

import itertools
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from eventdesk.config import EventConfig, load_config
from eventdesk.paths import bundled


def _find_shared() -> Path:
    """The team's shared data folder: $EVENTDESK_SHARED, else a `shared/` beside any
    parent of this checkout (the workplace lays clones out as <root>/main beside
    <root>/shared), else /work/shared where a clean CI clone elsewhere still finds it."""
    if env := os.environ.get("EVENTDESK_SHARED"):
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared"
    return Path("/work/shared")


SHARED = _find_shared()
CASSETTES = SHARED / "data" / "x-api-v2-cassettes"
GROUNDTRUTH = SHARED / "data" / "vader-groundtruth" / "tweets_GroundTruth.txt"

EPOCH = 1288834974657
_ids = itertools.count(1)


def snowflake(moment: datetime) -> int:
    return ((int(moment.timestamp() * 1000) - EPOCH) << 22) | next(_ids) % 4096


@pytest.fixture
def config() -> EventConfig:
    return load_config(bundled("demo_event.toml"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "event.db"


def tweet_line(
    text: str,
    *,
    at: datetime | None = None,
    author: tuple[str, str, str] = ("900", "member_of_public", "A Member"),
    hashtags: tuple[str, ...] = (),
    mentions: tuple[str, ...] = (),
    reply_to: tuple[int, str] | None = None,
    post_id: int | None = None,
    **extra: Any,
) -> str:
    """One filtered-stream message, shaped exactly as X API v2 sends it."""
    at = at or datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    post_id = post_id or snowflake(at)
    tweet: dict[str, Any] = {
        "id": str(post_id),
        "text": text,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "author_id": author[0],
        "conversation_id": str(reply_to[0] if reply_to else post_id),
        "edit_history_tweet_ids": [str(post_id)],
        "lang": "en",
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1, "quote_count": 0},
        "entities": {
            "hashtags": [{"start": 0, "end": 0, "tag": t} for t in hashtags],
            "mentions": [{"start": 0, "end": 0, "username": m, "id": "1"} for m in mentions],
        },
    }
    if reply_to:
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": str(reply_to[0])}]
        tweet["in_reply_to_user_id"] = reply_to[1]
    tweet.update(extra)
    users = [{"id": author[0], "username": author[1], "name": author[2]}]
    return json.dumps({"data": tweet, "includes": {"users": users},
                       "matching_rules": [{"id": "1", "tag": "test"}]})  # fmt: skip


def times(n: int, start: datetime | None = None, step: float = 1.0) -> list[datetime]:
    start = start or datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    return [start + timedelta(seconds=step * i) for i in range(n)]


def write_lines(path: Path, lines: list[str | bytes]) -> Path:
    with path.open("wb") as handle:
        for line in lines:
            handle.write((line.encode() if isinstance(line, str) else line) + b"\n")
    return path
