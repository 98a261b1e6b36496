"""The run-of-show sheet: a planner's CSV read, and every row checked before any is used.

Columns (header on line 1, any order, case-insensitive):
  at       local time in the event's zone: "07:30" (its one occurrence in the event
           window), "2026-11-19 07:30", or ISO 8601 with an offset; see eventtime.py
           for the hours that daylight saving makes ambiguous or impossible
  account  one of our handles, '@' optional
  text     the post exactly as it will go out: X-weighted length at most 280, and the
           account's signature rule (e.g. "ACC MJ: " on the chief officers' account)
  media    optional: files separated by ';', relative to the CSV's folder
  owner    optional: the operator or team responsible
  tags     optional: words separated by spaces or commas
  key      optional: a stable name for the row

The key makes re-importing an edited sheet update rows instead of adding them. Without a
`key` column a row's key is its account and its time as written ("kingsmerepolice@
2026-11-19 07:30"), so editing the text, media, owner or tags of a row updates it, but
editing its time makes it a new row and the old one is gone from the sheet (skipped if
still planned; see storage.schedule.import_sheet). Give rows a key when times may move.

Problems are reported with the CSV line the row starts on (a quoted cell may span
lines), all of them, before anything is imported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from eventdesk import media as mediafiles
from eventdesk.config import Account, EventConfig
from eventdesk.errors import UserError
from eventdesk.eventtime import TimeProblem, local_text, parse_moment
from eventdesk.xtext import LIMIT, weigh
from storage.schedule import Slot

COLUMNS = ("at", "account", "text", "media", "owner", "tags", "key")
REQUIRED = ("at", "account", "text")
_TAG_SPLIT = re.compile(r"[\s,]+")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one cell of the sheet."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Sheet:
    """A checked sheet: the rows as slots, or the problems that stop its import."""

    path: Path
    slots: list[Slot] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def text_problems(account: Account, text: str) -> list[str]:
    """Why `text` cannot go out from `account` (X's length, the signature rule)."""
    if not text.strip():
        return ["no text"]
    found = []
    weighed = weigh(text)
    if weighed.over:
        found.append(
            f"{weighed.length} long as X counts it (links 23, emoji 2), "
            f"{weighed.over} over the {LIMIT} limit"
        )
    elif not weighed.valid:
        found.append("X would refuse this text (it holds characters X does not allow)")
    if signature := account.signature.problem(text):
        found.append(f"@{account.handle} posts {signature}")
    return found


def media_problems(cell: str, base: Path) -> tuple[tuple[str, ...], list[str]]:
    """The attachments named in a media cell as absolute paths, and what is wrong."""
    names = [name.strip() for name in cell.split(";") if name.strip()]
    checked: list[mediafiles.MediaFile] = []
    found: list[str] = []
    for name in names:
        path = Path(name).expanduser()
        result = mediafiles.check_file(path if path.is_absolute() else base / path)
        if isinstance(result, str):
            found.append(result)
        else:
            checked.append(result)
    if not found and (why := mediafiles.check_set(checked)):
        found.append(why)
    return tuple(str(f.path.resolve()) for f in checked), found


def derived_key(account: str, at: datetime, config: EventConfig) -> str:
    """The key of a row without one: account and planned local time (see module doc)."""
    return f"{account.lower()}@{local_text(at, config.event.zone)}"


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, expected a CSV file") from None
    except PermissionError:
        raise UserError(f"{path}: cannot read the file (permission denied)") from None
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's byte-order mark is dropped
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{path}: line {line}: not UTF-8 text; save the sheet as CSV UTF-8"
        ) from None
    if not text.strip():
        raise UserError(f"{path}: empty, expected a header row like: at,account,text")
    return text


def _header(path: Path, cells: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in cells]
    for name in names:
        if name and name not in COLUMNS:
            raise UserError(
                f"{path}: line 1: unknown column {name!r}; the columns are {', '.join(COLUMNS)}"
            )
        if name and names.count(name) > 1:
            raise UserError(f"{path}: line 1: column {name!r} appears twice")
    if missing := [name for name in REQUIRED if name not in names]:
        raise UserError(
            f"{path}: line 1: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}; the header needs at least at,account,text"
        )
    return names


def read_sheet(path: Path, config: EventConfig) -> Sheet:
    """Read and check every row of a run-of-show CSV.

    A file that is not a sheet at all (missing, not UTF-8, empty, bad header) raises
    UserError; problems with rows are collected in `Sheet.problems`.
    """
    reader = csv.reader(io.StringIO(_decode(path), newline=""), strict=True)
    sheet = Sheet(path)
    seen: dict[str, int] = {}
    end = 0  # the line the last complete record ended on
    try:
        names = _header(path, next(reader))
        end = reader.line_num
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            sheet.rows += 1
            row = _check_row(sheet, line, names, cells, config, path.parent.resolve())
            if row is None:
                continue
            if row.key in seen:
                sheet.problems.append(
                    Problem(
                        line,
                        "key",
                        f"same key as line {seen[row.key]} ({row.key!r}); "
                        "give one of them its own key",
                    )  # fmt: skip
                )
                continue
            seen[row.key] = line
            sheet.slots.append(row)
    except csv.Error as exc:
        raise UserError(f"{path}: line {end + 1}: not valid CSV: {exc}") from None
    if not sheet.rows:
        raise UserError(f"{path}: no rows under the header")
    return sheet


def _check_row(
    sheet: Sheet, line: int, names: list[str], cells: list[str], config: EventConfig, base: Path
) -> Slot | None:
    """The row as a slot, or None after adding its problems to the sheet."""
    if len(cells) > len(names) and any(cell.strip() for cell in cells[len(names) :]):
        sheet.problems.append(
            Problem(line, None, f"{len(cells)} cells but the header has {len(names)} columns")
        )
        return None
    values = dict(zip(names, cells + [""] * (len(names) - len(cells)), strict=True))
    problems: list[Problem] = []
    at: datetime | None = None
    try:
        at = parse_moment(values["at"], config.event)
    except TimeProblem as exc:
        problems.append(Problem(line, "at", str(exc)))
    handle = values["account"].strip().lstrip("@")
    account = config.account(handle) if handle else None
    if account is None:
        ours = ", ".join(a.handle for a in config.accounts)
        said = f"unknown account {handle!r}" if handle else "no account"
        problems.append(Problem(line, "account", f"{said}; ours are {ours}"))
    text = values["text"]
    if account is not None:
        problems += [Problem(line, "text", why) for why in text_problems(account, text)]
    elif not text.strip():
        problems.append(Problem(line, "text", "no text"))
    media, why = media_problems(values.get("media", ""), base)
    problems += [Problem(line, "media", message) for message in why]
    sheet.problems += problems
    if problems or at is None or account is None:
        return None
    key = values.get("key", "").strip() or derived_key(account.handle, at, config)
    tags = tuple(t for t in _TAG_SPLIT.split(values.get("tags", "")) if t)
    return Slot(key, at, account.handle, text, media, values.get("owner", "").strip(), tags, line)
