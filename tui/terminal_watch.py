"""Leaving when the terminal is gone.

An operator's SSH connection drops, or the tmux server the desk ran in is killed. The
usual hang-up signal kills the desk at once, which loses nothing (every batch commits
with its checkpoint, the lease expires, a post being sent is marked unknown at the
next start). But the signal goes to the terminal's session leader and its foreground
jobs, and a leader that does not pass it on (`make demo` under tmux: make is the
leader) leaves the desk running without a terminal: Textual's input thread then reads
end-of-file in a loop that never sleeps, a core at 100 % until someone finds it.

`TerminalWatch` looks at the terminal the desk started on once a second. Once it is
no longer a terminal (a hung-up one says so), the desk is asked to quit as usual; if
it has not ended `grace` seconds later (Textual may be waiting on writes that can
never happen), the process ends itself with the hang-up signal it should have had.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class TerminalWatch:
    """A thread that calls `on_lost` once, when `fd` stops being a terminal."""

    def __init__(self, fd: int, on_lost: Callable[[], None], *, interval: float = 1.0) -> None:
        self.fd, self.on_lost, self.interval = fd, on_lost, interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="terminal-watch", daemon=True)

    @classmethod
    def start_if_terminal(
        cls, fd: int, on_lost: Callable[[], None], *, interval: float = 1.0
    ) -> TerminalWatch | None:
        """A running watch of `fd`, or None when it is no terminal to begin with (a
        pipe, a test's headless run)."""
        if not os.isatty(fd):
            return None
        watch = cls(fd, on_lost, interval=interval)
        watch._thread.start()
        return watch

    def stop(self) -> None:
        self._stopping.set()

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            if not os.isatty(self.fd):
                log.warning("the terminal is gone: the desk stands down")
                self.on_lost()
                return


def quit_or_hang_up(request_quit: Callable[[], object], grace: float = 5.0) -> None:
    """Ask the desk to quit; end the process with SIGHUP if it is still here after
    `grace` seconds."""
    timer = threading.Timer(grace, os.kill, (os.getpid(), signal.SIGHUP))
    timer.daemon = True
    timer.start()
    request_quit()
