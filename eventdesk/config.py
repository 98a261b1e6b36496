"""The event config: one TOML file per event, validated once into a typed model.

Unknown keys and bad values are refused with the file, the key and what was expected.
Relative paths in the file are taken from the file's own folder.
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from eventdesk.errors import UserError
from eventdesk.xtext import LIMIT, weigh


def _shaped(pattern: str, expected: str) -> AfterValidator:
    """A text that must match `pattern` whole; refused as `expected`, in words."""
    shape = re.compile(pattern)

    def check(value: str) -> str:
        if not shape.fullmatch(value):
            raise ValueError(f"expected {expected}, not {value!r}")
        return value

    return AfterValidator(check)


Handle = Annotated[str, _shaped(r"[A-Za-z0-9_]{1,15}", "an X handle: 1 to 15 letters, digits or _")]
Hashtag = Annotated[
    str, _shaped(r"#?\w{1,100}", "a hashtag: letters, digits or _ (up to 100), '#' optional")
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SignatureRule(_Strict):
    """How an account signs its posts.

    `kind = "initials"`: a shared account (the chief officers') whose every post starts
    with a rank and the author's initials, e.g. "ACC MJ: ".
    """

    kind: Literal["none", "initials"] = "none"
    ranks: tuple[str, ...] = ("CC", "DCC", "ACC", "T/ACC", "Supt", "Ch Supt")

    def pattern(self) -> re.Pattern[str] | None:
        if self.kind == "none":
            return None
        ranks = "|".join(re.escape(r) for r in sorted(self.ranks, key=len, reverse=True))
        return re.compile(rf"^(?:{ranks}) [A-Z]{{2,3}}: \S")

    def problem(self, text: str) -> str | None:
        """Why `text` breaks this rule, or None when it is signed correctly."""
        pattern = self.pattern()
        if pattern is None or pattern.match(text):
            return None
        example = "ACC" if "ACC" in self.ranks else self.ranks[0]
        return f"must start with a rank and initials, e.g. '{example} MJ: '"

    def prefix(self, rank: str, initials: str) -> str:
        return "" if self.kind == "none" else f"{rank} {initials}: "


class Account(_Strict):
    """One of our accounts on X."""

    handle: Handle
    name: str = Field(min_length=1, max_length=50)
    user_id: str | None = Field(default=None, pattern=r"^\d{1,20}$")
    signature: SignatureRule = SignatureRule()


class EventWindow(_Strict):
    """The event's name, time zone, window and tracked hashtags."""

    name: str = Field(min_length=1, max_length=100)
    timezone: str = "Europe/London"
    start: datetime  # local time in `timezone`, e.g. 2026-11-19T07:00
    end: datetime
    hashtags: tuple[Hashtag, ...] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value in ("localtime", "posixrules"):  # whatever this machine is set to
            raise ValueError(
                f"{value!r} is this machine's own zone; name the event's, e.g. 'Europe/London'"
            )
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}, expected e.g. 'Europe/London'"
            ) from None
        return value

    @field_validator("hashtags")
    @classmethod
    def _strip_hash(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(tag.lstrip("#") for tag in value)

    @model_validator(mode="after")
    def _window_makes_sense(self) -> EventWindow:
        start, end = self.start_utc, self.end_utc
        if end <= start:
            raise ValueError("end must be after start")
        if end - start > timedelta(days=14):
            raise ValueError("an event window is at most 14 days")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _aware(self, value: datetime) -> datetime:
        if value.tzinfo is None:
            return value.replace(tzinfo=self.zone)
        return value.astimezone(self.zone)

    @property
    def start_utc(self) -> datetime:
        return self._aware(self.start).astimezone(ZoneInfo("UTC"))

    @property
    def end_utc(self) -> datetime:
        return self._aware(self.end).astimezone(ZoneInfo("UTC"))


class UrgencyConfig(_Strict):
    """Extra urgent phrases and patterns on top of (or instead of) the shipped defaults."""

    use_defaults: bool = True
    phrases: tuple[str, ...] = ()  # matched case-insensitively, on word boundaries
    patterns: tuple[str, ...] = ()  # regular expressions, case-insensitive
    idioms: tuple[str, ...] = ()  # phrases that must NOT raise the alarm

    @field_validator("patterns", "idioms")
    @classmethod
    def _compiles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from eventdesk.regex_shape import nested_unbounded

        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression {pattern!r}: {exc}") from None
            if nested_unbounded(pattern):
                raise ValueError(
                    f"{pattern!r} repeats a repeat without bound (like (a+)+), which one "
                    "crafted post can keep busy for minutes; bound the outer repeat, e.g. "
                    "{0,5}, or drop the inner one"
                )
        return value


class Paths(_Strict):
    """Where the event's files live. Relative paths are from the config file's folder."""

    db: Path | None = None
    replay: Path | None = None


class ScheduleConfig(_Strict):
    """How the run-of-show is posted."""

    # An item that fell due more than this long ago (the desk was down) is not posted
    # by itself: it waits for an operator.
    grace_minutes: int = Field(default=10, ge=0, le=240)


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Chat(_Strict):
    """A weekly hashtag chat, e.g. #polchat on Thursdays 13:00-14:00 (the event's zone).

    Its theme post (`theme`, the post's whole text) goes out from `account`
    `days_ahead` days before each chat, at the chat's start time.
    """

    hashtag: Hashtag
    weekday: Weekday
    start: time
    end: time
    theme: str = Field(min_length=1)
    account: Handle
    days_ahead: int = Field(default=3, ge=0, le=6)

    @field_validator("hashtag")
    @classmethod
    def _strip_hash(cls, value: str) -> str:
        return value.lstrip("#")

    @model_validator(mode="after")
    def _ends_after_start(self) -> Chat:
        if self.end <= self.start:
            raise ValueError("a chat's end must be after its start, on the same day")
        return self

class XConfig(_Strict):
    """The live X source: stream or poll, the read budget, where the secrets are.

    X bills reads per post, so the caps are the force's own limits; polling stops at a
    cap unless `stop_at_cap = false`. `secrets` is relative to the config file.
    """

    mode: Literal["stream", "poll"] = "stream"
    poll_seconds: float = Field(default=60.0, ge=5, le=3600)
    reads_per_day: int | None = Field(default=None, ge=1)
    reads_per_month: int | None = Field(default=None, ge=1)
    warn_at: float = Field(default=0.8, gt=0, le=1)
    stop_at_cap: bool = True
    secrets: Path | None = None


Initials = Annotated[str, _shaped(r"[A-Z]{2,3}", "initials: 2 or 3 capital letters")]
Key = Annotated[
    str,
    _shaped(
        r"[a-z0-9][a-z0-9_-]{0,39}", "a key: up to 40 of a-z, 0-9, - and _, not starting - or _"
    ),
]


class Operator(_Strict):
    """A member of the desk: their login on the shared host and how they sign posts."""

    login: str = Field(min_length=1, max_length=64)  # the OS user, as getpass gives it
    name: str = Field(min_length=1, max_length=80)
    initials: Initials | None = None  # e.g. "MJ": signs the chief officers' posts
    rank: str | None = Field(default=None, max_length=20)  # e.g. "ACC"
    team: Key | None = None  # a [[teams]] key


class Team(_Strict):
    """Somewhere a post can be handed off to, e.g. the 101 control room."""

    key: Key
    name: str = Field(min_length=1, max_length=80)


class CannedReply(_Strict):
    """A ready reply. `urgent_first` ones are offered first on urgent posts (the 999 advice)."""

    key: Key
    title: str = Field(min_length=1, max_length=80)
    text: str = Field(min_length=1)
    urgent_first: bool = False

    @field_validator("text")
    @classmethod
    def _fits(cls, value: str) -> str:
        weighed = weigh(value)
        if weighed.length > LIMIT:
            raise ValueError(f"longer than X allows ({weighed.length} of {LIMIT})")
        return value


class DeskConfig(_Strict):
    """How long a claim ("MJ is replying") and the desk process's lease last."""

    claim_expiry: float = Field(default=120, gt=0, le=3600)  # seconds
    lease_seconds: float = Field(default=10, ge=2, le=300)


class EventConfig(_Strict):
    """The whole config of one event."""

    event: EventWindow
    accounts: tuple[Account, ...] = Field(min_length=1)
    urgency: UrgencyConfig = UrgencyConfig()
    paths: Paths = Paths()
    schedule: ScheduleConfig = ScheduleConfig()
    chats: tuple[Chat, ...] = ()
    x: XConfig | None = None  # no [x] section: no live source
    operators: tuple[Operator, ...] = ()
    teams: tuple[Team, ...] = ()
    canned_replies: tuple[CannedReply, ...] = ()
    desk: DeskConfig = DeskConfig()
    source: Path | None = None  # the file this was loaded from

    @model_validator(mode="after")
    def _unique_handles(self) -> EventConfig:
        seen: set[str] = set()
        for account in self.accounts:
            key = account.handle.lower()
            if key in seen:
                raise ValueError(f"account @{account.handle} is listed twice")
            seen.add(key)
        return self

    @model_validator(mode="after")
    def _chats_post_from_our_accounts(self) -> EventConfig:
        for chat in self.chats:
            if self.account(chat.account) is None:
                raise ValueError(f"chat #{chat.hashtag}: account @{chat.account} is not ours")
        return self

    @model_validator(mode="after")
    def _desk_cross_checks(self) -> EventConfig:
        for kind, keys in (
            ("operator login", [o.login for o in self.operators]),
            ("team", [t.key for t in self.teams]),
            ("canned reply", [c.key for c in self.canned_replies]),
        ):
            if len(set(keys)) != len(keys):
                raise ValueError(f"a {kind} is listed twice")
        teams = {t.key for t in self.teams}
        for operator in self.operators:
            if operator.team is not None and operator.team not in teams:
                raise ValueError(f"operator {operator.login!r}: no [[teams]] key {operator.team!r}")
        return self

    def account(self, handle: str) -> Account | None:
        handle = handle.lstrip("@").lower()
        return next((a for a in self.accounts if a.handle.lower() == handle), None)

    @property
    def handles(self) -> frozenset[str]:
        """Our handles, lower-cased, for matching mentions and authors."""
        return frozenset(a.handle.lower() for a in self.accounts)

    @property
    def tracked(self) -> frozenset[str]:
        """Tracked hashtags, lower-cased, without '#'."""
        return frozenset(tag.lower() for tag in self.event.hashtags)


def _describe(error: Any) -> str:  # pydantic's ErrorDetails
    where = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"unknown key '{where}'"
    if error["type"] == "missing":
        return f"missing key '{where}'"
    message = error["msg"].removeprefix("Value error, ")
    return f"key '{where}': {message}"


def parse_config(data: dict, source: Path | None = None) -> EventConfig:
    """Validate a parsed TOML mapping. Raises UserError naming the file and key."""
    label = str(source) if source else "config"
    try:
        config = EventConfig.model_validate({**data, "source": source})
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise UserError(f"{label}: {_describe(first)}{more}") from None
    if source is not None:
        base = source.parent
        paths = {
            name: (base / value.expanduser() if not value.expanduser().is_absolute() else value)
            for name, value in config.paths.model_dump().items()
            if value is not None
        }
        config = config.model_copy(update={"paths": config.paths.model_copy(update=paths)})
    return config


def load_config(path: Path | str) -> EventConfig:
    """Read and validate an event config file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise UserError(f"{path}: no such config file") from None
    except PermissionError:
        raise UserError(f"{path}: cannot read the config file (permission denied)") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, expected a TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not valid TOML: the file is not UTF-8") from None
    return parse_config(data, path)
