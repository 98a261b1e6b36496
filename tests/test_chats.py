"""Weekly chats: when #polchat is live, and its theme posts planned ahead, once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from eventdesk.chats import followed_hashtags, live_chat, plan_chat_themes, theme_slots
from eventdesk.config import EventConfig, parse_config
from eventdesk.errors import UserError
from storage import Database
from storage.schedule import run_of_show


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_the_chat_is_live_from_its_start_until_its_end(config: EventConfig) -> None:
    # Thursday 19 November 2026, 13:00-14:00 in London (GMT, so UTC).
    assert live_chat(config, utc(2026, 11, 19, 12, 59)) is None
    window = live_chat(config, utc(2026, 11, 19, 13, 0))
    assert window is not None and (window.start, window.end) == (
        utc(2026, 11, 19, 13), utc(2026, 11, 19, 14),
    )  # fmt: skip
    assert live_chat(config, utc(2026, 11, 19, 13, 59, 59)) is not None
    assert live_chat(config, utc(2026, 11, 19, 14, 0)) is None
    assert live_chat(config, utc(2026, 11, 20, 13, 30)) is None  # a Friday


def test_the_stream_follows_the_chat_hashtag_only_while_it_runs(config: EventConfig) -> None:
    bare = config.model_copy(
        update={"event": config.event.model_copy(update={"hashtags": ("KP24",)})}
    )
    assert followed_hashtags(bare, utc(2026, 11, 19, 12)) == {"kp24"}
    assert followed_hashtags(bare, utc(2026, 11, 19, 13, 30)) == {"kp24", "polchat"}
    # The ingest's lanes follow it the same way: a #polchat post is in the event stream
    # during the chat, and not before it.
    from eventdesk.lanes import LaneRules
    from eventdesk.model import Lane, Post

    def chat_post(at: datetime) -> Post:
        text = "A1: more #polchat please"
        return Post(id=1, created_at=at, author_id="5", author_username="someone",
                    author_name="Someone", text=text, hashtags=("polchat",))  # fmt: skip

    rules = LaneRules(bare)
    assert Lane.HASHTAG in rules.lanes(chat_post(utc(2026, 11, 19, 13, 30)))
    assert Lane.HASHTAG not in rules.lanes(chat_post(utc(2026, 11, 19, 12, 0)))


def test_lanes_from_a_pickled_spec_follow_the_chat_like_the_config(config: EventConfig) -> None:
    # A scoring process gets the lanes' plain spec, pickled, never the config.
    import pickle

    from eventdesk.lanes import LaneRules, LaneSpec
    from eventdesk.model import PostFields

    bare = config.model_copy(
        update={"event": config.event.model_copy(update={"hashtags": ("KP24",)})}
    )
    spec = pickle.loads(pickle.dumps(LaneSpec.of(bare)))
    assert spec.chats[0].hashtag == "polchat" and spec.zone.key == "Europe/London"
    from_spec, from_config = LaneRules(spec), LaneRules(bare)
    moments = [
        utc(2026, 11, 19, 12, 59), utc(2026, 11, 19, 13), utc(2026, 11, 19, 14),
        utc(2026, 10, 22, 12, 30), utc(2026, 10, 22, 13, 30),  # BST: 13:30, 14:30 local
        utc(2026, 11, 20, 13, 30),  # a Friday
    ]  # fmt: skip
    seen = []
    for at in moments:
        post = PostFields(1, at, "5", "someone", "Someone", "A1: #PolChat", None, None, None,
                          None, None, ("PolChat",), (), (), {}, None)  # fmt: skip
        assert from_spec.flags(post) == from_config.flags(post)
        seen.append(from_spec.flags(post)[0])
    assert seen == [False, True, False, True, False, False]


def test_chat_times_are_local_across_the_clock_change(config: EventConfig) -> None:
    assert live_chat(config, utc(2026, 10, 22, 12, 30)) is not None  # BST: 13:30 local
    assert live_chat(config, utc(2026, 10, 22, 13, 30)) is None  # 14:30 local
    assert live_chat(config, utc(2026, 10, 29, 13, 30)) is not None  # GMT


def test_theme_posts_are_planned_days_ahead(config: EventConfig) -> None:
    # The next three chats from Tuesday 10 November: the 12th's theme (the 9th) has gone.
    slots = theme_slots(config, utc(2026, 11, 10), weeks=3)
    assert [(s.key, s.at) for s in slots] == [
        ("chat:polchat:2026-11-19", utc(2026, 11, 16, 13)),
        ("chat:polchat:2026-11-26", utc(2026, 11, 23, 13)),
    ]
    assert all(s.account == "KingsmerePolice" and s.text.startswith("This Thursday's #polchat")
               for s in slots)  # fmt: skip


async def test_planning_again_adds_nothing_twice(tmp_path: Path, config: EventConfig) -> None:
    db = await Database.open(tmp_path / "e.db")
    try:
        added = await plan_chat_themes(db, config, utc(2026, 11, 10), weeks=3)
        assert added == ["chat:polchat:2026-11-19", "chat:polchat:2026-11-26"]
        again = await plan_chat_themes(db, config, utc(2026, 11, 11), weeks=4)
        assert again == ["chat:polchat:2026-12-03"]
        rows = await run_of_show(db)
        assert [(r.key, r.origin, r.state) for r in rows][0] == (
            "chat:polchat:2026-11-19", "chat", "planned",
        )  # fmt: skip
        assert len(rows) == 3
    finally:
        await db.close()


@pytest.mark.parametrize(
    ("chat", "message"),
    [
        ({"account": "SomeoneElse"}, "chat #polchat: account @SomeoneElse is not ours"),
        ({"end": time(12, 0)}, "a chat's end must be after its start"),
        ({"weekday": "thursdays"}, "key 'chats.0.weekday'"),
    ],
)
def test_a_chat_config_is_checked(config: EventConfig, chat: dict, message: str) -> None:
    base = {"hashtag": "polchat", "weekday": "thursday", "start": time(13), "end": time(14),
            "theme": "Join us", "account": "KingsmerePolice"}  # fmt: skip
    data = config.model_dump(exclude={"source", "chats"})
    with pytest.raises(UserError, match=re.escape(message)):
        parse_config({**data, "chats": [{**base, **chat}]})
    assert parse_config({**data, "chats": [base]}).chats[0].days_ahead == 3
    assert parse_config(data).schedule.grace_minutes == 10
