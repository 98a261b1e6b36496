"""Weekly hashtag chats (`[[chats]]` in the config): when they are live, and their theme
posts scheduled days ahead.

A chat's times are wall-clock times in the event's zone, so a Thursday 13:00 chat is
12:00 UTC in October (BST) and 13:00 UTC in November (GMT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

from eventdesk.config import Chat, EventConfig
from eventdesk.errors import UserError
from eventdesk.eventtime import live_window, wall_to_utc, weekly_windows
from eventdesk.schedule import text_problems
from storage import Database
from storage.schedule import Slot, add_missing


@dataclass(frozen=True, slots=True)
class ChatWindow:
    """One occurrence of a chat, in UTC."""

    chat: Chat
    start: datetime
    end: datetime


def occurrences(chat: Chat, config: EventConfig, after: datetime, count: int) -> list[ChatWindow]:
    """The next `count` occurrences of `chat` that have not ended at `after`."""
    windows = weekly_windows(chat, config.event.zone, after)
    return [ChatWindow(chat, start, end) for start, end in islice(windows, count)]


def live_chat(config: EventConfig, moment: datetime) -> ChatWindow | None:
    """The chat going on at `moment` (start ≤ moment < end), if any."""
    found = live_window(config.chats, config.event.zone, moment)
    return None if found is None else ChatWindow(*found)


def followed_hashtags(config: EventConfig, moment: datetime) -> frozenset[str]:
    """The event's tracked hashtags, plus a live chat's (lower-cased, without '#'), so the
    event stream can follow the chat while it runs."""
    window = live_chat(config, moment)
    return config.tracked | ({window.chat.hashtag.lower()} if window else frozenset())


def theme_slots(config: EventConfig, now: datetime, weeks: int = 4) -> list[Slot]:
    """The theme posts of the next `weeks` occurrences of every chat still ahead of
    `now`, keyed 'chat:<hashtag>:<chat date>' so planning again adds nothing twice."""
    slots: list[Slot] = []
    zone = config.event.zone
    for chat in config.chats:
        account = config.account(chat.account)
        assert account is not None  # the config checked it
        if problems := text_problems(account, chat.theme):
            raise UserError(f"chat #{chat.hashtag}: theme: {'; '.join(problems)}")
        for window in occurrences(chat, config, now, weeks):
            day = window.start.astimezone(zone).date()
            at = wall_to_utc(datetime.combine(day - timedelta(days=chat.days_ahead), chat.start),
                             zone)  # fmt: skip
            if at > now:
                key = f"chat:{chat.hashtag.lower()}:{day.isoformat()}"
                slots.append(Slot(key, at, account.handle, chat.theme, tags=(chat.hashtag,)))
    return sorted(slots, key=lambda s: (s.at, s.key))


async def plan_chat_themes(
    db: Database, config: EventConfig, now: datetime, weeks: int = 4
) -> list[str]:
    """Schedule the coming chats' theme posts not scheduled yet; returns the keys added."""
    return await add_missing(db, theme_slots(config, now, weeks), origin="chat", now=now)
