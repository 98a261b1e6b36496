"""Publisher `x`: posts and replies through tweepy's create_tweet, per-account keys.

Sending is at most once (see eventdesk/publish.py): nothing here retries. A 5xx or a
connection lost after the request went out may have posted, so it is PublishUnknown;
a 403 for duplicate content means X already has this post from this account, so it is
settled as already posted, with its id when our recent posts show it.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy

from eventdesk.config import EventConfig
from eventdesk.publish import Outgoing, Published, PublishError, PublishUnknown
from eventdesk.secrets import Credentials, UserKeys
from eventdesk.xapi import describe
from eventdesk.xtext import LIMIT, weigh

RECENT = 100  # our posts looked through to settle an unknown send
_URL = re.compile(r"https?://\S+")
_LEADING_MENTIONS = re.compile(r"^(?:@\w{1,15}\s+)+")


def user_client(keys: UserKeys) -> tweepy.Client:
    """A client acting as one of our accounts (OAuth 1.0a keys, or an OAuth 2 token)."""
    if keys.kind == "oauth1":
        parts = (keys.consumer_key, keys.consumer_secret, keys.access_token,
                 keys.access_token_secret)  # fmt: skip
        key, secret, token, token_secret = (p.reveal() for p in parts if p is not None)
        return tweepy.Client(
            consumer_key=key,
            consumer_secret=secret,
            access_token=token,
            access_token_secret=token_secret,
            return_type=requests.Response,
        )
    if keys.oauth2_token is None:
        raise PublishError(f"no posting credentials for @{keys.handle}")
    return tweepy.Client(keys.oauth2_token.reveal(), return_type=requests.Response)


def comparable(text: str) -> str:
    """Text as X gives it back, made comparable with what we sent: X escapes &, < and >,
    shortens links to t.co, and puts the @names a reply answers in front."""
    text = _LEADING_MENTIONS.sub("", html.unescape(text))
    return " ".join(_URL.sub("URL", text).split())


def _duplicate(exc: tweepy.Forbidden) -> bool:
    return any("duplicate" in str(message).lower() for message in exc.api_messages)


class XPublisher:
    """Posts for our accounts on X."""

    name = "x"

    def __init__(
        self,
        config: EventConfig,
        credentials: Credentials,
        *,
        client_factory: Callable[[UserKeys], tweepy.Client] = user_client,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config, self.credentials = config, credentials
        self._factory, self._now = client_factory, now
        self._clients: dict[str, tweepy.Client] = {}

    def _client(self, handle: str) -> tuple[tweepy.Client, bool]:
        """The account's client, and whether it signs with OAuth 1.0a (user_auth)."""
        keys = self.credentials.for_account(handle)
        if keys.kind is None:
            missing = ", ".join(keys.missing())
            raise PublishError(f"no posting credentials for @{keys.handle}: set {missing}")
        key = handle.lstrip("@").lower()
        if key not in self._clients:
            self._clients[key] = self._factory(keys)
        return self._clients[key], keys.kind == "oauth1"

    async def publish(self, item: Outgoing) -> Published:
        if item.media:
            raise PublishError("posting media is not supported by the X publisher yet")
        weighed = weigh(item.text)
        if not weighed.valid:
            raise PublishError(f"too long for X: {weighed.length}/{LIMIT}")
        client, oauth1 = self._client(item.account)
        try:
            response = await asyncio.to_thread(
                client.create_tweet, text=item.text, in_reply_to_tweet_id=item.in_reply_to,
                user_auth=oauth1,
            )  # fmt: skip
        except tweepy.Forbidden as exc:
            if not _duplicate(exc):
                raise PublishError(describe(exc)) from None
            found = await self.find_sent(item)
            # X says it has this post; without its id among our recent posts the row
            # is still settled, as already posted.
            return found or Published("", self._now(), already=True)
        except tweepy.TooManyRequests as exc:
            raise PublishError(describe(exc), retryable=True) from None
        except tweepy.TwitterServerError as exc:
            raise PublishUnknown(describe(exc)) from None
        except tweepy.HTTPException as exc:
            raise PublishError(describe(exc)) from None
        except requests.ConnectTimeout:
            # The connection was never made, so nothing was sent.
            raise PublishError("could not connect to X (timed out)", retryable=True) from None
        except requests.RequestException as exc:
            raise PublishUnknown(f"lost touch with X while posting: {type(exc).__name__}") from None
        return Published(str(json.loads(response.text)["data"]["id"]), self._now())

    async def find_sent(self, item: Outgoing) -> Published | None:
        """Our account's recent post with the same words (and reply target), if any."""
        client, oauth1 = self._client(item.account)
        account = self.config.account(item.account)
        try:
            user_id = account.user_id if account and account.user_id else None
            if user_id is None:
                me = await asyncio.to_thread(client.get_me, user_auth=oauth1)
                user_id = json.loads(me.text)["data"]["id"]
            response = await asyncio.to_thread(
                client.get_users_tweets, user_id, max_results=RECENT, user_auth=oauth1,
                tweet_fields=["created_at", "referenced_tweets"],
            )  # fmt: skip
        except tweepy.HTTPException as exc:
            raise PublishUnknown(f"could not look up our recent posts: {describe(exc)}") from None
        except requests.RequestException as exc:
            raise PublishUnknown(
                f"could not look up our recent posts: {type(exc).__name__}"
            ) from None
        wanted = comparable(item.text)
        for post in json.loads(response.text).get("data") or []:
            if comparable(post.get("text", "")) != wanted or not _replies_to(post, item):
                continue
            created = post.get("created_at")
            at = datetime.fromisoformat(created.replace("Z", "+00:00")) if created else self._now()
            return Published(str(post["id"]), at, already=True)
        return None

    async def close(self) -> None:
        for client in self._clients.values():
            client.session.close()
        self._clients.clear()


def _replies_to(post: dict[str, Any], item: Outgoing) -> bool:
    if item.in_reply_to is None:
        return True
    refs = post.get("referenced_tweets") or []
    return any(r.get("type") == "replied_to" and str(r.get("id")) == str(item.in_reply_to)
               for r in refs)  # fmt: skip
