"""Who is at the keyboard: the OS login on the shared host, mapped through the config.

Every operator runs eventdesk in their own SSH session, so the login is the identity
and every action is attributed to it. A login not listed under `[[operators]]` can
still read and act, under the login itself as the name (a new starter on the night
shift must not be locked out of the desk), but has no initials, so cannot post from
an account whose posts are signed.
"""

from __future__ import annotations

import getpass

from eventdesk.config import EventConfig, Operator


def login_name() -> str:
    """The OS user running this process."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME (some containers)
        return "operator"


def operator_for(config: EventConfig, login: str | None = None) -> Operator:
    """The configured operator for `login` (default: this process's), or a bare one."""
    login = login or login_name()
    for operator in config.operators:
        if operator.login == login:
            return operator
    return Operator(login=login, name=login)


def is_known(config: EventConfig, login: str) -> bool:
    return any(operator.login == login for operator in config.operators)
