"""Where posts come from: a replay file or X itself, behind one small interface."""

from eventdesk.sources.base import Source, SourceLine, SourceState
from eventdesk.sources.factory import make_source
from eventdesk.sources.replay import ReplaySource

__all__ = ["ReplaySource", "Source", "SourceLine", "SourceState", "make_source"]
