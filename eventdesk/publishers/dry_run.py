"""A publisher that sends nothing: it records what would have gone out, for replays and demos.

Each call appends one JSON line to a file beside the database (`<db>.dry-run.jsonl`)
and returns a made-up post id. A file, not a table: the record stands for X, which is
outside our database and our transactions, so a crash test can count what "went out"
independently of the outbox rows it checks, and a person can read it with `cat`.
The line is written (and fsync'd) before `delay`, so a slow dry run behaves like a
service that accepted the post but answered late: the case where at-most-once matters.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from eventdesk.publish import Outgoing, Published

EPOCH_MS = 1288834974657  # X's snowflake epoch: made-up ids look like real ones
FILE_MODE = 0o660  # like the database: the operators' group, never the world


def dry_run_path(db_path: Path) -> Path:
    """Where the dry run of the database at `db_path` records its sends."""
    return db_path.with_name(db_path.name + ".dry-run.jsonl")


def _fake_id(moment: datetime) -> str:
    millis = int(moment.timestamp() * 1000) - EPOCH_MS
    return str((millis << 22) | secrets.randbits(22))


class DryRunPublisher:
    """Records sends in a JSON-lines file; never touches the network."""

    name = "dry-run"

    def __init__(self, path: Path, *, delay: float = 0.0) -> None:
        self.path = path
        self.delay = delay

    def _append(self, record: dict) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            os.write(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    async def publish(self, item: Outgoing) -> Published:
        at = datetime.now(UTC)
        remote_id = _fake_id(at)
        record = {
            "remote_id": remote_id,
            "at": at.isoformat(),
            "key": item.key,
            "account": item.account,
            "text": item.text,
            "in_reply_to": item.in_reply_to,
            "media": list(item.media),
        }
        await asyncio.to_thread(self._append, record)
        if self.delay:
            await asyncio.sleep(self.delay)
        return Published(remote_id, at)

    def sent(self) -> list[dict]:
        """Every record so far, oldest first."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    async def find_sent(self, item: Outgoing) -> Published | None:
        for record in reversed(await asyncio.to_thread(self.sent)):
            if record["key"] == item.key:
                return Published(record["remote_id"], datetime.fromisoformat(record["at"]))
        return None

    async def close(self) -> None:
        return None
