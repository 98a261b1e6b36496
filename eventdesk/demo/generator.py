"""A seeded, believable 24-hour demo event as X API v2 filtered-stream JSON lines.

The whole day is planned first (our run-of-show, #polchat hour, the public's chatter and
inbox, reactions that follow our posts), then sorted by time, given snowflake ids in that
order and rendered one message at a time. The same seed and arguments give the same
bytes. Standard library only.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import math
import os
import random
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from eventdesk.config import EventConfig
from eventdesk.demo import crowd
from eventdesk.demo.planner import Planner
from eventdesk.demo.render import Planned, Renderer
from eventdesk.demo.timeline import Clock

# Shares of the posts that grow with `posts` (the rest, ours and the oddities, are fixed).
SHARES = {"polchat": 0.02, "truepicture": 0.03, "reactions": 0.27, "mentions": 0.08}
DUPLICATE_RATE = 0.002  # re-delivered lines, as after a reconnect
KEEP_ALIVE_RATE = 0.0005  # blank keep-alive lines


def generate_event(config: EventConfig, *, seed: int = 24, posts: int = 30_000) -> Iterator[dict]:
    """Yield stream messages in created_at order for the event window of `config`.

    `posts` is the approximate total. Only distinct messages are yielded; the keep-alives
    and duplicate deliveries of a real connection are added by `write_replay`.
    """
    renderer, planned = _plan(config, seed, posts)
    for post in planned:
        message = renderer.message(post)
        if message is not None:
            yield message


def _lines(config: EventConfig, seed: int, posts: int) -> Iterator[str]:
    """The messages of `generate_event` as compact JSON, built faster."""
    renderer, planned = _plan(config, seed, posts)
    for post in planned:
        line = renderer.line(post)
        if line is not None:
            yield line


def _plan(config: EventConfig, seed: int, posts: int) -> tuple[Renderer, list[Planned]]:
    if posts < 0:
        raise ValueError("posts must not be negative")
    rng = random.Random(seed)
    clock = Clock(config)
    plan = Planner(config, clock, rng, crowd=min(10_000, max(300, posts // 8)))
    plan.our_day()
    crowd.emergencies(plan)
    crowd.awkward(plan)
    answers = max(5, round(40 * math.sqrt(posts / 30_000)))
    fixed = len(plan.posts) + 8 + 12 + round(answers * 1.25)  # + polchat's own, + answers
    scalable = max(0, posts - fixed)
    budgets = {name: round(scalable * share) for name, share in SHARES.items()}
    plan.polchat_hour(budgets["polchat"])
    crowd.truepicture(plan, budgets["truepicture"])
    crowd.reactions(plan, budgets["reactions"])
    crowd.mentions(plan, budgets["mentions"])
    crowd.chatter(plan, scalable - sum(budgets.values()))
    plan.desk_answers(answers)
    planned = plan.posts
    planned.sort(key=lambda p: (p.at, p.order))
    return Renderer(config, clock, plan.users, random.Random(seed * 1_000_003 + 7)), planned


def write_replay(path: Path, config: EventConfig, *, seed: int = 24, posts: int = 30_000) -> int:
    """Write the messages as JSON lines (gzip if path ends in .gz); return lines written.

    Like a real stream the file carries a few blank keep-alive lines and a few exact
    duplicate deliveries of a recent line. The file appears whole or not at all.
    """
    path = Path(path)
    wire = random.Random(f"eventdesk-demo-wire:{seed}")
    recent: deque[str] = deque(maxlen=6)
    written = 0
    partial = path.with_name(path.name + ".part")
    try:
        with _open(partial, gzipped=path.name.endswith(".gz")) as out:
            chunk: list[str] = []
            for text in _lines(config, seed, posts):
                line = text + "\n"
                chunk.append(line)
                recent.append(line)
                roll = wire.random()
                if roll < DUPLICATE_RATE:
                    chunk.append(wire.choice(recent))
                elif roll < DUPLICATE_RATE + KEEP_ALIVE_RATE:
                    chunk.append("\n")
                if len(chunk) >= 1000:
                    written += len(chunk)
                    out.write("".join(chunk).encode("utf-8"))
                    chunk.clear()
            written += len(chunk)
            out.write("".join(chunk).encode("utf-8"))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written


@contextlib.contextmanager
def _open(path: Path, *, gzipped: bool) -> Iterator[io.BufferedIOBase]:
    with path.open("wb") as raw:
        if not gzipped:
            yield raw
            return
        # No file name and a fixed mtime in the header, so the bytes depend on the seed only.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=3) as packed:
            yield packed
