"""X credentials: a bearer token for reading, per-account user keys for posting.

They come from the environment or from a secrets TOML file that only its owner may read
(mode 0600), the environment winning. A value is held in a `Secret`, whose repr and str
are masked, so a credential printed by mistake, or shown among a traceback's locals, is
not revealed. Every loaded value is also registered with the log redactor: tweepy logs
its request headers (the bearer token among them) at DEBUG, and the redactor masks any
known value in any log record before a handler sees it.

Environment variables (HANDLE is the account's handle in capitals, e.g. KINGSMEREPOLICE):
    EVENTDESK_X_BEARER_TOKEN                 app bearer token, for reading
    EVENTDESK_X_CONSUMER_KEY, ..._SECRET     the app's OAuth 1.0a consumer key and secret
    EVENTDESK_X_HANDLE_ACCESS_TOKEN          the account's OAuth 1.0a access token
    EVENTDESK_X_HANDLE_ACCESS_TOKEN_SECRET   ... and its secret
    EVENTDESK_X_HANDLE_OAUTH2_TOKEN          or the account's OAuth 2.0 user access token

The secrets file holds the same, e.g.:
    bearer_token = "..."
    consumer_key = "..."
    consumer_secret = "..."
    [accounts.KingsmerePolice]
    access_token = "..."
    access_token_secret = "..."
"""

from __future__ import annotations

import logging
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from eventdesk.config import EventConfig
from eventdesk.errors import UserError

ENV_PREFIX = "EVENTDESK_X_"
ENV_BEARER = "EVENTDESK_X_BEARER_TOKEN"
ENV_CONSUMER_KEY = "EVENTDESK_X_CONSUMER_KEY"
ENV_CONSUMER_SECRET = "EVENTDESK_X_CONSUMER_SECRET"
MASK = "****"

_APP_KEYS = {"bearer_token", "consumer_key", "consumer_secret"}
_ACCOUNT_KEYS = {"access_token", "access_token_secret", "oauth2_token"}


class Secret:
    """A credential. `reveal()` gives the value to the one call that needs it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        _redactor.add(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a Secret is not pickled: it would leave the process unmasked")


@dataclass(frozen=True, slots=True)
class UserKeys:
    """What posting as one account needs: OAuth 1.0a keys or an OAuth 2.0 user token."""

    handle: str
    consumer_key: Secret | None = None
    consumer_secret: Secret | None = None
    access_token: Secret | None = None
    access_token_secret: Secret | None = None
    oauth2_token: Secret | None = None

    @property
    def kind(self) -> Literal["oauth1", "oauth2"] | None:
        """Which complete set is present (OAuth 1.0a first), or None."""
        oauth1 = (self.consumer_key, self.consumer_secret, self.access_token,
                  self.access_token_secret)  # fmt: skip
        if all(part is not None for part in oauth1):
            return "oauth1"
        return "oauth2" if self.oauth2_token is not None else None

    def missing(self) -> list[str]:
        """What to add for a complete set, in words; empty when complete."""
        if self.kind is not None:
            return []
        name = f"{ENV_PREFIX}{self.handle.upper()}_"
        wanted = [
            (self.consumer_key, ENV_CONSUMER_KEY),
            (self.consumer_secret, ENV_CONSUMER_SECRET),
            (self.access_token, name + "ACCESS_TOKEN"),
            (self.access_token_secret, name + "ACCESS_TOKEN_SECRET"),
        ]
        return [env for value, env in wanted if value is None]


@dataclass(frozen=True, slots=True)
class Credentials:
    """Everything loaded, with where it came from (for `eventdesk doctor`)."""

    bearer: Secret | None
    accounts: dict[str, UserKeys]  # by lower-cased handle
    file: Path | None = None
    origins: dict[str, str] = field(default_factory=dict)  # what → env var or file

    def bearer_token(self) -> Secret:
        """The bearer token, or a UserError saying where to put it."""
        if self.bearer is None:
            where = f" or bearer_token in {self.file}" if self.file else ""
            raise UserError(f"no X bearer token: set {ENV_BEARER}{where}")
        return self.bearer

    def for_account(self, handle: str) -> UserKeys:
        return self.accounts.get(handle.lstrip("@").lower(), UserKeys(handle.lstrip("@")))


def secrets_path(config: EventConfig) -> Path | None:
    """The secrets file the config names, relative to the config file's folder."""
    if config.x is None or config.x.secrets is None:
        return None
    path = config.x.secrets.expanduser()
    if not path.is_absolute() and config.source is not None:
        path = config.source.parent / path
    return path


def check_mode(path: Path) -> None:
    """Refuse a secrets file that anyone but its owner can read or write."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        raise UserError(f"{path}: no such secrets file") from None
    except PermissionError:
        raise UserError(f"{path}: cannot read the secrets file (permission denied)") from None
    if mode & 0o077:
        raise UserError(
            f"{path}: the secrets file is open to others (mode {mode:04o}); "
            f"fix it with: chmod 600 {path}"
        )


def _read_file(path: Path) -> dict[str, Any]:
    check_mode(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except PermissionError:
        raise UserError(f"{path}: cannot read the secrets file (permission denied)") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, expected a secrets TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message names a line and column, never the text there.
        raise UserError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not valid TOML: the file is not UTF-8") from None
    for key, value in data.items():
        if key == "accounts":
            if not isinstance(value, dict):
                raise UserError(f"{path}: 'accounts' must be a table of handles")
            for handle, keys in value.items():
                if not isinstance(keys, dict):
                    raise UserError(f"{path}: 'accounts.{handle}' must be a table")
                for name, secret in keys.items():
                    _check_entry(path, f"accounts.{handle}.{name}", name, secret, _ACCOUNT_KEYS)
        else:
            _check_entry(path, key, key, value, _APP_KEYS)
    return data


def _check_entry(path: Path, where: str, name: str, value: Any, allowed: set[str]) -> None:
    # Name the key, never the value: a typo'd key may still hold a real secret.
    if name not in allowed:
        raise UserError(f"{path}: unknown key '{where}', expected one of {sorted(allowed)}")
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{path}: key '{where}' must be a non-empty string")


def load_credentials(config: EventConfig, env: Mapping[str, str] | None = None) -> Credentials:
    """The environment's credentials over the secrets file's. Raises UserError when the
    named file is missing, unreadable, malformed, or open to others."""
    env = os.environ if env is None else env
    path = secrets_path(config)
    data = _read_file(path) if path is not None else {}
    origins: dict[str, str] = {}

    def pick(what: str, env_name: str, file_value: Any) -> Secret | None:
        if value := env.get(env_name, "").strip():
            origins[what] = env_name
            return Secret(value)
        if isinstance(file_value, str):
            origins[what] = str(path)
            return Secret(file_value.strip())
        return None

    bearer = pick("bearer token", ENV_BEARER, data.get("bearer_token"))
    consumer_key = pick("consumer key", ENV_CONSUMER_KEY, data.get("consumer_key"))
    consumer_secret = pick("consumer secret", ENV_CONSUMER_SECRET, data.get("consumer_secret"))
    in_file = {h.lower(): keys for h, keys in (data.get("accounts") or {}).items()}
    accounts: dict[str, UserKeys] = {}
    for account in config.accounts:
        handle, stored = account.handle, in_file.get(account.handle.lower(), {})
        name = f"{ENV_PREFIX}{handle.upper()}_"
        accounts[handle.lower()] = UserKeys(
            handle=handle,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            access_token=pick(f"@{handle} access token", name + "ACCESS_TOKEN",
                              stored.get("access_token")),
            access_token_secret=pick(f"@{handle} access token secret",
                                     name + "ACCESS_TOKEN_SECRET",
                                     stored.get("access_token_secret")),
            oauth2_token=pick(f"@{handle} OAuth 2 token", name + "OAUTH2_TOKEN",
                              stored.get("oauth2_token")),
        )  # fmt: skip
    unknown = sorted(set(in_file) - {a.handle.lower() for a in config.accounts})
    if unknown:
        raise UserError(f"{path}: 'accounts.{unknown[0]}' is not an account in the config")
    return Credentials(bearer=bearer, accounts=accounts, file=path, origins=origins)


class _Redactor:
    """Masks every known secret value in log records, whichever logger made them.

    Installed as the log-record factory (not a handler filter) so it covers records of
    every logger and every handler, including ones added later.
    """

    def __init__(self) -> None:
        self.values: set[str] = set()
        self._installed = False

    def add(self, value: str) -> None:
        if len(value) >= 4:  # shorter "secrets" would mask ordinary words
            self.values.add(value)
        if not self._installed:
            self._install()

    def redact(self, text: str) -> str:
        for value in sorted(self.values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, MASK)
        return text

    def _install(self) -> None:
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a record whose args do not fit its format: leave it
                return record
            clean = self.redact(message)
            if clean != message:
                record.msg, record.args = clean, None
            return record

        logging.setLogRecordFactory(factory)
        self._installed = True


_redactor = _Redactor()


def redact(text: str) -> str:
    """`text` with every loaded secret value masked (for error messages and states)."""
    return _redactor.redact(text)
