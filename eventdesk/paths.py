"""Where eventdesk keeps its files when the config does not say. One place, no side effects."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def data_dir() -> Path:
    """$EVENTDESK_HOME, else $XDG_DATA_HOME/eventdesk, else ~/.local/share/eventdesk."""
    if home := os.environ.get("EVENTDESK_HOME"):
        return Path(home)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "eventdesk"


def bundled(name: str) -> Path:
    """A file shipped inside the package, e.g. the demo event's config."""
    return Path(str(resources.files("eventdesk") / "data" / name))
