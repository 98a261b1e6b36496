"""`eventdesk schedule validate|import|list`: the run-of-show sheet from the command line.

A sheet with problems prints every one with its CSV line on stderr, then one summary
line, and exits 2 with nothing imported.
"""

from __future__ import annotations

import asyncio
import getpass
from datetime import UTC, datetime
from pathlib import Path

import click

from eventdesk.config import EventConfig, load_config
from eventdesk.errors import UserError
from eventdesk.paths import bundled
from eventdesk.runofshow import RunOfShow, status
from eventdesk.schedule import Sheet, read_sheet
from eventdesk.text import visible
from storage import Database
from storage.schedule import ImportReport, import_sheet


def _config(path: Path | None) -> EventConfig:
    return load_config(path if path is not None else bundled("demo_event.toml"))


def _checked(path: Path, config: EventConfig) -> Sheet:
    sheet = read_sheet(path, config)
    if not sheet.ok:
        for problem in sheet.problems:
            click.echo(visible(str(problem), newlines=False), err=True)
        rows = len({p.line for p in sheet.problems})
        raise UserError(
            f"{path}: {len(sheet.problems)} problem(s) in {rows} of {sheet.rows} rows; "
            f"nothing imported"
        )
    return sheet


async def import_run_of_show(
    db_path: Path, sheet: Path, config: EventConfig, *, operator: str,
    now: datetime | None = None,
) -> ImportReport:  # fmt: skip
    """Check a sheet and import it into the database at `db_path` (the demo calls this)."""
    checked = _checked(sheet, config)
    db = await Database.open(db_path)
    try:
        return await import_sheet(db, checked.slots, operator=operator,
                                  now=now or datetime.now(UTC))  # fmt: skip
    finally:
        await db.close()


config_option = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), default=None,
    help="The event's TOML config (default: the bundled demo event).",
)  # fmt: skip
db_option = click.option(
    "--db", "db_path", type=click.Path(path_type=Path, readable=False), required=True,
    help="The event database.",
)  # fmt: skip
sheet_argument = click.argument("sheet", type=click.Path(path_type=Path))


@click.group()
def schedule() -> None:
    """The run-of-show: check and import the planning sheet, list the schedule."""


@schedule.command()
@config_option
@sheet_argument
def validate(config_path: Path | None, sheet: Path) -> None:
    """Check every row of SHEET (a CSV) without importing anything."""
    checked = _checked(sheet, _config(config_path))
    click.echo(f"{sheet}: {checked.rows} rows, no problems")


@schedule.command(name="import")
@config_option
@db_option
@click.option("--operator", help="Who imports (default: your login name).")
@sheet_argument
def import_cmd(config_path: Path | None, db_path: Path, operator: str | None, sheet: Path) -> None:
    """Check SHEET and import it; re-importing updates rows by key."""
    config = _config(config_path)
    who = operator or _login()
    report = asyncio.run(import_run_of_show(db_path, sheet, config, operator=who))
    for key, why in report.kept:
        click.echo(f"kept {visible(key, newlines=False)}: {visible(why, newlines=False)}")
    for key in report.removed:
        click.echo(f"skipped {visible(key, newlines=False)}: gone from the sheet")
    click.echo(
        f"added={len(report.added)} updated={len(report.updated)} "
        f"unchanged={len(report.unchanged)} restored={len(report.restored)} "
        f"removed={len(report.removed)} kept={len(report.kept)}"
    )


@schedule.command(name="list")
@config_option
@db_option
def list_cmd(config_path: Path | None, db_path: Path) -> None:
    """The run-of-show in time order: local time, account, status, key, text."""
    config = _config(config_path)
    now = datetime.now(UTC)

    async def go() -> list[str]:
        db = await Database.open(db_path, create=False, reads_only=True)
        try:
            arranged = await RunOfShow(db, config, lambda: now).arranged()
        finally:
            await db.close()
        items = sorted([*arranged.posted, *([arranged.next] if arranged.next else []),
                        *arranged.rest], key=lambda i: (i.at, i.id))  # fmt: skip
        zone = config.event.zone
        return [
            f"{item.at.astimezone(zone):%a %H:%M}  @{item.account:<15}  "
            f"{status(item, now):<24}  {item.key}  {visible(item.text, newlines=False)[:80]}"
            for item in items
        ]

    for line in asyncio.run(go()):
        click.echo(line)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"
