"""Which lanes of the desk a post belongs in, by the event config."""

from __future__ import annotations

from eventdesk.chats import live_chat
from eventdesk.config import EventConfig
from eventdesk.model import Lane, Post


class LaneRules:
    """Sorts posts into the hashtag, inbox and own lanes for one event."""

    def __init__(self, config: EventConfig) -> None:
        self._config = config
        self._tracked = config.tracked
        # A weekly chat's hashtag is followed while the chat runs, even if not tracked.
        self._chat_tags = frozenset(chat.hashtag.lower() for chat in config.chats) - self._tracked
        self._handles = config.handles
        self._ids = frozenset(a.user_id for a in config.accounts if a.user_id)

    def lanes(self, post: Post) -> frozenset[Lane]:
        lanes: set[Lane] = set()
        tags = {tag.lower() for tag in post.hashtags}
        if tags & self._tracked or (tags & self._chat_tags and self._in_chat(post, tags)):
            lanes.add(Lane.HASHTAG)
        ours = post.author_id in self._ids or post.author_username.lower() in self._handles
        if ours:
            lanes.add(Lane.OWN)
        elif post.repost_of_id is None and (  # a repost amplifies; it asks us nothing
            post.in_reply_to_user_id in self._ids
            or any(name.lower() in self._handles for name in post.mentions)
        ):
            lanes.add(Lane.INBOX)
        return frozenset(lanes)

    def _in_chat(self, post: Post, tags: set[str]) -> bool:
        window = live_chat(self._config, post.created_at)
        return window is not None and window.chat.hashtag.lower() in tags
