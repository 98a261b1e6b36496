"""Choosing the source for a run: a replay file, or X itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from eventdesk.config import EventConfig
from eventdesk.errors import UserError
from eventdesk.sources.base import Source
from eventdesk.sources.replay import ReplaySource
from storage import Database


def make_source(
    config: EventConfig,
    *,
    replay: Path | str | None = None,
    speed: float | None = None,
    db: Database | None = None,
    env: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], Any] = asyncio.sleep,
) -> Source:
    """A replay of `replay` (or of the config's `paths.replay`) when there is one, else X
    as the config's [x] section says. `db` keeps X's read budget across restarts.

    Raises UserError when there is no source to be had, or X's credentials are missing
    or kept in a file others can read.
    """
    path = replay or config.paths.replay
    if path is not None:
        return ReplaySource(path, speed=speed)
    if config.x is None:
        where = f" to {config.source}" if config.source else ""
        raise UserError(f"no source: give a replay file, or add an [x] section{where}")
    from eventdesk.secrets import load_credentials
    from eventdesk.sources.x import XSource

    credentials = load_credentials(config, env)
    return XSource(config, credentials, db=db, clock=clock, sleep=sleep)
