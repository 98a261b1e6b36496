"""The outbox: one row per key, at most one send per row, and the settle actions."""

import stat
from datetime import UTC, datetime

import pytest

from eventdesk.outbox import OutboxSender, backoff
from eventdesk.publish import Outgoing, Published, PublishError, PublishUnknown
from eventdesk.publishers.dry_run import DryRunPublisher, dry_run_path
from storage import Database, audit, outbox
from storage import lease as leases
from storage.actions import Refused
from storage.outbox import LeaseLost, OutboxState
from storage.posts import write_batch
from tests.test_storage import post

HOLDER = "test-host:1:abc"


class Scripted:
    """A publisher that answers each call with the next scripted outcome."""

    name = "scripted"

    def __init__(self, *outcomes: BaseException | str) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[Outgoing] = []

    async def publish(self, item: Outgoing) -> Published:
        self.calls.append(item)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return Published(outcome, datetime.now(UTC))

    async def find_sent(self, item: Outgoing) -> Published | None:
        return None

    async def close(self) -> None:
        return None


@pytest.fixture
async def db(db_path):
    database = await Database.open(db_path)
    await leases.acquire(database, HOLDER, seconds=60, operator="desk")
    yield database
    await database.close()


async def queue(db: Database, key: str = "k1", **fields) -> outbox.OutboxItem:
    values = {"account": "KingsmerePolice", "text": "Thanks, we're on it", "operator": "mjones"}
    values.update(fields)
    return (await outbox.enqueue(db, key=key, **values)).item


async def test_the_same_key_twice_makes_one_row(db) -> None:
    first = await outbox.enqueue(db, key="k1", account="KingsmerePolice", text="a", operator="mj")
    again = await outbox.enqueue(db, key="k1", account="KingsmerePolice", text="a", operator="mj")
    assert first.created and not again.created
    assert again.item == first.item
    assert await db.scalar("SELECT count(*) FROM outbox") == 1


async def test_two_operators_replying_to_one_post_make_one_row(db) -> None:
    await write_batch(db, [post(10)], source="t")
    # Both open the dialog before either sends: the same key.
    key_a, key_b = await outbox.reply_key(db, 10), await outbox.reply_key(db, 10)
    assert key_a == key_b
    a = await outbox.enqueue(db, key=key_a, account="KingsmerePolice", text="A's reply",
                             operator="mjones", in_reply_to=10)  # fmt: skip
    b = await outbox.enqueue(db, key=key_b, account="KingsmerePolice", text="B's reply",
                             operator="tokafor", in_reply_to=10)  # fmt: skip
    assert a.created and not b.created
    assert b.item.operator == "mjones" and b.item.text == "A's reply"
    # A deliberate follow-up, opened after the first reply was queued, is a new row.
    assert await outbox.reply_key(db, 10) != key_a


async def test_a_reply_shows_in_its_conversation_at_once_as_pending(db) -> None:
    await write_batch(db, [post(20), post(21, reply_to_id=20, conversation_id=20)], source="t")
    item = await queue(db, in_reply_to=21)
    assert item.conversation_id == 20
    (shown,) = await outbox.for_conversation(db, 20)
    assert (shown.id, shown.state) == (item.id, OutboxState.PENDING)
    assert [i.id for i in await outbox.for_post(db, 21)] == [item.id]
    assert await outbox.accounts_answering(db, 20) == {"kingsmerepolice"}


async def test_sender_marks_sending_before_it_publishes_then_sent(db) -> None:
    first, second = await queue(db, "k1"), await queue(db, "k2")
    states_seen: list[str] = []

    class Watching(Scripted):
        async def publish(self, item: Outgoing) -> Published:
            row = await outbox.by_key(db, item.key)
            states_seen.append(row.state.value)
            return await super().publish(item)

    publisher = Watching("111", "222")
    done = await OutboxSender(db, publisher, HOLDER).send_due()
    assert states_seen == ["sending", "sending"]
    assert [c.key for c in publisher.calls] == ["k1", "k2"]  # oldest first
    assert [(d.id, d.state, d.remote_id) for d in done] == [
        (first.id, OutboxState.SENT, "111"),
        (second.id, OutboxState.SENT, "222"),
    ]
    kinds = [e.kind for e in await audit.entries(db) if e.target == f"outbox:{first.id}"]
    assert kinds == ["reply.queued", "outbox.sending", "outbox.sent"]


async def test_without_the_lease_nothing_is_taken(db) -> None:
    item = await queue(db)
    await leases.release(db, HOLDER, operator="desk")
    with pytest.raises(LeaseLost):
        await OutboxSender(db, Scripted("1"), HOLDER).send_due()
    assert (await outbox.get(db, item.id)).state is OutboxState.PENDING


async def test_publish_outcomes_unknown_retry_failed(db) -> None:
    unknown, retry, failed, odd = [await queue(db, f"k{i}") for i in range(4)]
    publisher = Scripted(
        PublishUnknown("timed out"),
        PublishError("rate limited", retryable=True),
        PublishError("duplicate content"),
        RuntimeError("secret-token-in-message"),
    )
    await OutboxSender(db, publisher, HOLDER).send_due()
    assert (await outbox.get(db, unknown.id)).state is OutboxState.UNKNOWN
    again = await outbox.get(db, retry.id)
    assert (again.state, again.attempts, again.error) == (OutboxState.PENDING, 1, "rate limited")
    assert again.not_before > again.updated_at  # waits before the next attempt
    assert (await outbox.get(db, failed.id)).state is OutboxState.FAILED
    strange = await outbox.get(db, odd.id)
    assert strange.state is OutboxState.UNKNOWN and "secret" not in strange.error
    assert len(publisher.calls) == 4  # the retry is not due yet


async def test_a_retryable_error_fails_for_good_after_max_attempts(db) -> None:
    item = await queue(db)
    sender = OutboxSender(db, Scripted(PublishError("busy", retryable=True)), HOLDER,
                          max_attempts=1)  # fmt: skip
    await sender.send_due()
    assert (await outbox.get(db, item.id)).state is OutboxState.FAILED


def test_backoff_grows_and_is_capped() -> None:
    waits = [backoff(n).total_seconds() for n in (1, 2, 3, 10, 50)]
    assert waits == [15, 30, 60, 600, 600]


async def test_a_row_left_sending_becomes_unknown_and_is_settled_by_a_person(db) -> None:
    item = await queue(db)
    taken = await outbox.take_next(db, HOLDER)
    assert taken.state is OutboxState.SENDING
    # The desk dies here. The next desk recovers: never re-sent blindly.
    (recovered,) = await outbox.recover_sending(db)
    assert recovered.state is OutboxState.UNKNOWN
    publisher = Scripted("999")
    assert await OutboxSender(db, publisher, HOLDER).send_due() == []
    assert publisher.calls == []
    # A person checked X: not there. Resend is a new, attributed attempt.
    resent = await outbox.resend(db, item.id, "tokafor")
    assert resent.state is OutboxState.PENDING
    (sent,) = await OutboxSender(db, publisher, HOLDER).send_due()
    assert (sent.state, sent.attempts, sent.remote_id) == (OutboxState.SENT, 2, "999")
    resend_entry = [e for e in await audit.entries(db) if e.kind == "outbox.resend"]
    assert [e.operator for e in resend_entry] == ["tokafor"]
    with pytest.raises(Refused, match="is sent"):
        await outbox.resend(db, item.id, "tokafor")


async def test_mark_sent_records_the_remote_id_given_by_a_person(db) -> None:
    item = await queue(db)
    await outbox.take_next(db, HOLDER)
    await outbox.recover_sending(db)
    with pytest.raises(Refused, match="digits"):
        await outbox.mark_sent(db, item.id, "mjones", "https://x.com/whatever")
    done = await outbox.mark_sent(db, item.id, "mjones", " 1861234567890 ")
    assert (done.state, done.remote_id) == (OutboxState.SENT, "1861234567890")
    assert [i.id for i in await outbox.in_states(db, [OutboxState.UNKNOWN])] == []


async def test_dry_run_records_each_send_in_a_group_only_file(db, db_path) -> None:
    publisher = DryRunPublisher(dry_run_path(db_path))
    item = await queue(db, text="Thanks 👮 https://example.org/very/long/link")
    (sent,) = await OutboxSender(db, publisher, HOLDER).send_due()
    (record,) = publisher.sent()
    assert record["key"] == item.key and record["text"] == item.text
    assert record["remote_id"] == sent.remote_id and sent.remote_id.isdigit()
    found = await publisher.find_sent(Outgoing(item.key, item.account, item.text))
    assert found is not None and found.remote_id == sent.remote_id
    assert await publisher.find_sent(Outgoing("other", "a", "b")) is None
    mode = stat.S_IMODE(dry_run_path(db_path).stat().st_mode)
    assert mode & 0o007 == 0
