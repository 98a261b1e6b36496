"""Where posts come from: a replay file or X itself, behind one small interface.

`ReplaySource` and `make_source` are loaded on first use (PEP 562): a scoring process
unpickles `base.SourceChunk`, which imports this package first, and must not pay for
asyncio and the config model to do it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from eventdesk.sources.base import Source, SourceLine, SourceState

if TYPE_CHECKING:
    from eventdesk.sources.factory import make_source
    from eventdesk.sources.replay import ReplaySource

__all__ = ["ReplaySource", "Source", "SourceLine", "SourceState", "make_source"]

_LATER = {"ReplaySource": "eventdesk.sources.replay", "make_source": "eventdesk.sources.factory"}


def __getattr__(name: str) -> object:
    if name not in _LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LATER[name]), name)
    globals()[name] = value  # found here from now on, without this call
    return value
