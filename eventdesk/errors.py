"""Typed errors the core raises for the caller (CLI or App) to show as one plain line."""


class UserError(Exception):
    """A mistake the user can fix: a missing file, bad config, an unreadable database.

    The CLI prints the message on one line and exits with code 2; never a traceback.
    """
