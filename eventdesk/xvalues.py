"""The checks of X's values both readers of a line share (`eventdesk.parse`,
`eventdesk.stream_message`): ids, times, and hashtags and mentions found in a text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

TWITTER_EPOCH_MS = 1288834974657  # ids since Nov 2010 carry their creation time
MAX_ID = 2**63 - 1
_HASHTAG = re.compile(r"(?<![\w&/])[#＃](\w*[^\W\d]\w*)")
_MENTION = re.compile(r"(?<![\w@])[@＠](\w{1,15})")
# X's own form of created_at, which is also the form the desk stores.
_X_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", re.ASCII)


def time_from_id(post_id: int) -> datetime:
    """The creation time encoded in a snowflake id."""
    return datetime.fromtimestamp(((post_id >> 22) + TWITTER_EPOCH_MS) / 1000, tz=UTC)


def post_id(value: Any) -> int | None:
    if type(value) is str:  # as X sends every id: checked first, it is the common case
        if len(value) <= 19 and value.isdigit() and value.isascii():
            number = int(value)
            return number if 0 < number <= MAX_ID else None
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def timestamp(value: Any) -> datetime | str | None:
    """`value` itself when it is a valid time in X's form (the stored form: no datetime
    made and formatted back, which cost about 5 µs a post), else the moment it names in
    UTC; None when it names none, or no time zone."""
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 24 and _X_TIME.fullmatch(value):
            datetime.fromisoformat(value)  # the digits make a real date and time
            return value
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _found(pattern: re.Pattern[str], marks: str, text: str) -> tuple[str, ...]:
    """`pattern`'s finds in `text`; none without one of the `marks` every find starts
    with (two `in` tests cost a tenth of a search that finds nothing)."""
    if marks[0] not in text and marks[1] not in text:
        return ()
    return tuple(pattern.findall(text))


def hashtags_in(text: str) -> tuple[str, ...]:
    """The hashtags written in `text`, for a post whose entities do not list them."""
    return _found(_HASHTAG, "#＃", text)


def mentions_in(text: str) -> tuple[str, ...]:
    """The usernames mentioned in `text`, for a post whose entities do not list them."""
    return _found(_MENTION, "@＠", text)
