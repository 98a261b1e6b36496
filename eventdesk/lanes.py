"""Which lanes of the desk a post belongs in, by the event config."""

from __future__ import annotations

from eventdesk.chats import live_chat
from eventdesk.config import EventConfig
from eventdesk.model import Lane, Post, PostFields, moment


class LaneRules:
    """Sorts posts into the hashtag, inbox and own lanes for one event."""

    def __init__(self, config: EventConfig) -> None:
        self._config = config
        self._tracked = config.tracked
        # A weekly chat's hashtag is followed while the chat runs, even if not tracked.
        self._chat_tags = frozenset(chat.hashtag.lower() for chat in config.chats) - self._tracked
        self._handles = config.handles
        self._ids = frozenset(a.user_id for a in config.accounts if a.user_id)

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
        window = live_chat(self._config, moment(post.created_at))
        return window is not None and window.chat.hashtag.lower() in tags
