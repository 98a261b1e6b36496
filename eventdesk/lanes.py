"""Which lanes of the desk a post belongs in, by the event config.

The rules are made from a `LaneSpec`, plain values taken from the config, so that a
scoring process can sort posts without importing the config model (pydantic).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from eventdesk.eventtime import live_window
from eventdesk.model import Lane, Post, PostFields, moment

if TYPE_CHECKING:
    from eventdesk.config import EventConfig


@dataclass(frozen=True, slots=True)
class ChatHours:
    """A weekly chat's hashtag (lower-cased, without '#') and when it runs, on the
    event's wall clock."""

    hashtag: str
    weekday: str
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class LaneSpec:
    """What the lanes need of an event config. Pickled small: what a scoring process
    is started with, instead of the config."""

    tracked: frozenset[str]  # lower-cased, without '#'
    handles: frozenset[str]  # ours, lower-cased
    account_ids: frozenset[str]  # ours
    chats: tuple[ChatHours, ...]  # in the config's order: the first live one counts
    zone: ZoneInfo  # the event's, which the chats' hours are in

    @classmethod
    def of(cls, config: EventConfig) -> LaneSpec:
        return cls(
            config.tracked,
            config.handles,
            frozenset(a.user_id for a in config.accounts if a.user_id),
            tuple(ChatHours(c.hashtag.lower(), c.weekday, c.start, c.end) for c in config.chats),
            config.event.zone,
        )


class LaneRules:
    """Sorts posts into the hashtag, inbox and own lanes for one event."""

    def __init__(self, config: EventConfig | LaneSpec) -> None:
        spec = config if isinstance(config, LaneSpec) else LaneSpec.of(config)
        self._tracked = spec.tracked
        # A weekly chat's hashtag is followed while the chat runs, even if not tracked.
        self._chat_tags = frozenset(chat.hashtag for chat in spec.chats) - self._tracked
        self._chats, self._zone = spec.chats, spec.zone
        self._handles = spec.handles
        self._ids = spec.account_ids

    def lanes(self, post: Post | PostFields) -> frozenset[Lane]:
        hashtag, inbox, own = self.flags(post)
        lanes = {Lane.HASHTAG} if hashtag else set()
        if inbox:
            lanes.add(Lane.INBOX)
        if own:
            lanes.add(Lane.OWN)
        return frozenset(lanes)

    def flags(self, post: Post | PostFields) -> tuple[bool, bool, bool]:
        """Whether the post is in the hashtag, the inbox and the own lane."""
        tags = {tag.lower() for tag in post.hashtags}
        hashtag = bool(
            tags & self._tracked or (tags & self._chat_tags and self._in_chat(post, tags))
        )
        own = post.author_id in self._ids or post.author_username.lower() in self._handles
        inbox = (
            not own
            and post.repost_of_id is None  # a repost amplifies; it asks us nothing
            and (
                post.in_reply_to_user_id in self._ids
                or any(name.lower() in self._handles for name in post.mentions)
            )
        )
        return hashtag, inbox, own

    def _in_chat(self, post: Post | PostFields, tags: set[str]) -> bool:
        live = live_window(self._chats, self._zone, moment(post.created_at))
        return live is not None and live[0].hashtag in tags
