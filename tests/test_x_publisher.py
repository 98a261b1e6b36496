"""Publisher `x` on recorded traffic: posts, replies, duplicates and failed sends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
import tweepy
from requests.adapters import HTTPAdapter

import tests.cassettes.build as recorded
from eventdesk.publish import Outgoing, PublishError, PublishUnknown
from eventdesk.publishers.x import XPublisher, comparable, user_client
from eventdesk.secrets import load_credentials
from tests.x_support import MATCH, OURS, no_network, recorder, shared, x_event  # noqa: F401

pytestmark = pytest.mark.usefixtures("no_network")
NOW = datetime(2026, 11, 19, 9, 30, tzinfo=UTC)
KEYS = {  # invented
    "EVENTDESK_X_CONSUMER_KEY": "ck-test-000111",
    "EVENTDESK_X_CONSUMER_SECRET": "cs-test-000222",
    "EVENTDESK_X_KINGSMEREPOLICE_ACCESS_TOKEN": "at-test-000333",
    "EVENTDESK_X_KINGSMEREPOLICE_ACCESS_TOKEN_SECRET": "ats-test-000444",
}
# Sends are checked on their bodies: the text and what it replies to.
with_bodies = recorder(OURS)
with_bodies.match_on = (*MATCH, "body")
REPLY = Outgoing("outbox-1", "KingsmerePolice", recorded.REPLY, in_reply_to=int(recorded.REPLY_TO))


def publisher(env=KEYS, **kwargs) -> XPublisher:
    config = x_event()
    return XPublisher(config, load_credentials(config, env), now=lambda: NOW, **kwargs)


async def test_a_post_goes_out_and_comes_back_with_its_id() -> None:
    # tweepy's own recording of create_tweet.
    with shared.use_cassette("test_client_create_and_delete_tweet.yaml"):
        sent = await publisher().publish(Outgoing("outbox-0", "@KingsmerePolice", "Test Tweet"))
    assert (sent.remote_id, sent.at, sent.already) == ("1456012973835788293", NOW, False)


async def test_a_reply_is_sent_in_reply_to_the_post() -> None:
    with with_bodies.use_cassette("publish_reply.yaml") as cassette:
        sent = await publisher().publish(REPLY)
    assert cassette.all_played  # matched on the body: text and in_reply_to_tweet_id
    assert sent.remote_id == recorded.POSTED and not sent.already


async def test_a_duplicate_is_settled_as_already_posted_from_our_recent_posts() -> None:
    with with_bodies.use_cassette("publish_duplicate.yaml") as cassette:
        sent = await publisher().publish(REPLY)
    assert cassette.all_played
    assert sent.already and sent.remote_id == recorded.POSTED
    assert sent.at == datetime(2026, 11, 19, 9, 12, tzinfo=UTC)


async def test_find_sent_matches_words_and_reply_target_only() -> None:
    other = Outgoing("outbox-2", "KingsmerePolice", recorded.REPLY, in_reply_to=1)
    with recorder(OURS).use_cassette("publish_duplicate.yaml", allow_playback_repeats=True):
        pub = publisher()
        assert await pub.find_sent(other) is None  # same words, another post
        assert (await pub.find_sent(REPLY)).remote_id == recorded.POSTED


async def test_failed_sends_are_unknown_retryable_or_final() -> None:
    pub = publisher()
    with with_bodies.use_cassette("publish_faults.yaml") as cassette:
        with pytest.raises(PublishUnknown, match="503"):  # may have gone out
            await pub.publish(REPLY)
        with pytest.raises(PublishError, match="429") as limited:
            await pub.publish(REPLY)
        assert limited.value.retryable
        with pytest.raises(PublishError, match="401") as refused:
            await pub.publish(REPLY)
        assert not refused.value.retryable
        with pytest.raises(PublishError, match="403 Forbidden: When authenticating"):
            await pub.publish(REPLY)
    assert cassette.all_played


class _Fails(HTTPAdapter):
    """A transport that fails as the network does, after or before sending."""

    def __init__(self, error: type[Exception]) -> None:
        super().__init__()
        self.error = error

    def send(self, request, **kwargs):
        raise self.error("simulated")


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (requests.ReadTimeout, PublishUnknown),
        (requests.ConnectionError, PublishUnknown),
        (requests.ConnectTimeout, PublishError),
    ],
)
async def test_timeouts_after_sending_are_unknown_before_connecting_retryable(error, outcome):
    def failing_client(keys) -> tweepy.Client:
        client = user_client(keys)
        client.session.mount("https://", _Fails(error))
        return client

    with pytest.raises(outcome) as caught:
        await publisher(client_factory=failing_client).publish(REPLY)
    if outcome is PublishError:
        assert caught.value.retryable


async def test_what_cannot_be_sent_is_refused_before_any_request() -> None:
    pub = publisher(env={})
    with pytest.raises(PublishError, match="no posting credentials for @KingsmerePolice: set "
                       "EVENTDESK_X_CONSUMER_KEY"):  # fmt: skip
        await pub.publish(REPLY)
    with pytest.raises(PublishError, match="too long for X: 281/280"):
        await publisher().publish(Outgoing("k", "KingsmerePolice", "x" * 281))
    with pytest.raises(PublishError, match="media"):
        await publisher().publish(Outgoing("k", "KingsmerePolice", "x", media=("a.png",)))


def test_comparable_text_undoes_what_x_does_to_a_post() -> None:
    sent = "Report it at https://kingsmere.police.example/report & keep  the ref"
    back = "@amira_k @KingsmereAir Report it at https://t.co/AbC &amp; keep the ref"
    assert comparable(sent) == comparable(back)
    assert comparable("A <b> & c") != comparable("A b c")
