"""The interface every publisher implements; the outbox cannot tell a dry run from X.

A publisher sends one post (a reply, or a run-of-show item) from one of our accounts
and returns the remote id. The outbox marks a row `sending` before it calls `publish`
and records what comes back, so a publisher never retries a send on its own: a
timeout or a dropped connection is `PublishUnknown` (it may have gone out), and only
a person, or `find_sent`, settles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One post to send. `key` is the outbox row's idempotency key."""

    key: str
    account: str  # our account's handle, without '@'
    text: str
    in_reply_to: int | None = None  # the post this replies to
    media: tuple[str, ...] = ()  # local file paths


@dataclass(frozen=True, slots=True)
class Published:
    remote_id: str
    at: datetime  # when the publisher saw it accepted (UTC)
    already: bool = False  # the service said it was already posted (a duplicate)


class PublishError(Exception):
    """The send failed and nothing went out; `retryable` says whether trying later may work."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class PublishUnknown(Exception):
    """The send may or may not have gone out (timeout, dropped connection, 5xx)."""


class Publisher(Protocol):
    """Sends posts for our accounts.

    `name` shows in the header and the outbox ("dry-run", "x"). `publish` raises
    `PublishError` or `PublishUnknown`, never anything else for a failed send.
    `find_sent` looks among the account's recent posts for one matching `item`
    (used to settle an outbox row left unknown by a crash); None when not found.
    """

    name: str

    async def publish(self, item: Outgoing) -> Published: ...

    async def find_sent(self, item: Outgoing) -> Published | None: ...

    async def close(self) -> None: ...
