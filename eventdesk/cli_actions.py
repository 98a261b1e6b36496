"""CLI commands of the operators' desk: `serve`, `audit verify|export`, `handoff`.

Registered on the main `eventdesk` group by eventdesk.cli. Mistakes raise UserError
(one line, exit code 2); `audit verify` exits 1 when the log was tampered with.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from eventdesk import export as exporting
from eventdesk.config import EventConfig, load_config
from eventdesk.desk import Desk, DeskRole
from eventdesk.errors import UserError
from eventdesk.handoff import write_handoff
from eventdesk.identity import login_name
from eventdesk.publish import Publisher
from eventdesk.publishers.dry_run import DryRunPublisher, dry_run_path
from eventdesk.runner import scheduler_role
from eventdesk.sources.base import Source
from storage import Database, audit
from storage.handoff import handoff_report

_db_option = click.option(
    "--db", "db_path", type=click.Path(path_type=Path, readable=False), required=True,
    help="The event database.",
)  # fmt: skip


async def _with_db(db_path: Path, work: Callable[[Database], Awaitable[Any]]) -> Any:
    db = await Database.open(db_path, create=False)
    try:
        return await work(db)
    finally:
        await db.close()


def _event_db(config: EventConfig, config_path: Path, db_path: Path | None) -> Path:
    path = db_path or config.paths.db
    if path is None:
        raise UserError(f"{config_path}: no [paths] db, and no --db given")
    return path


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True,
              help="The event's TOML config.")  # fmt: skip
@click.option("--db", "db_path", type=click.Path(path_type=Path, readable=False), default=None,
              help="The event database (default: paths.db from the config).")  # fmt: skip
@click.option("--replay", type=click.Path(path_type=Path), default=None,
              help="A recorded event to ingest (default: paths.replay).")  # fmt: skip
@click.option("--speed", default="1", show_default=True, help="Replay speed: N times, or max.")
@click.option("--dry-run-delay", type=click.FloatRange(0), default=0.0, hidden=True,
              help="Seconds the dry-run publisher takes to answer (crash tests).")  # fmt: skip
def serve(config_path: Path, db_path: Path | None, replay: Path | None, speed: str,
          dry_run_delay: float) -> None:  # fmt: skip
    """Run the desk process headless: source, ingest and outbox sender, holding the lease.

    Started while another process is the desk, it waits on standby and takes over
    when that one stops or dies. With --replay (or paths.replay) it replays a recorded
    event and sends to the dry-run publisher (<db>.dry-run.jsonl); otherwise the
    config's [x] section makes it stream or poll X and post through X.
    """
    from eventdesk.sources.replay import ReplaySource, parse_speed

    config = load_config(config_path)
    path = _event_db(config, config_path, db_path)
    replay = replay or config.paths.replay
    pace = parse_speed(speed)
    if replay is not None and not replay.exists():
        raise UserError(f"{replay}: no such replay file")
    playing: list[ReplaySource] = []

    def play(_db: Database) -> ReplaySource:
        assert replay is not None
        playing[:] = [ReplaySource(replay, speed=pace)]
        return playing[0]

    def event_clock() -> datetime:
        """A replay's own time (its run-of-show falls due as the recorded day passes);
        the real time on a live event."""
        moment = playing[0].event_time() if playing else None
        return moment or datetime.now(UTC)

    source: Callable[[Database], Source] | None = None
    publisher: Publisher = DryRunPublisher(dry_run_path(path), delay=dry_run_delay)
    if replay is not None:
        source = play
    elif config.x is not None:
        # Live: X's stream (or polling) in, X's create_tweet out. Credentials are checked
        # now, so a missing token or a secrets file others can read stops here, plainly.
        from eventdesk.publishers.x import XPublisher
        from eventdesk.secrets import load_credentials
        from eventdesk.sources.factory import make_source

        credentials = load_credentials(config)
        credentials.bearer_token()
        publisher = XPublisher(config, credentials)

        def live(db: Database) -> Source:
            return make_source(config, db=db)

        source = live

    def report(role: DeskRole, detail: str) -> None:
        click.echo(f"eventdesk serve: {role.value} {detail}".rstrip(), err=True)

    desk = Desk(
        path, config, publisher=publisher,
        operator=login_name(), source=source, on_role=report,
        scheduler=scheduler_role(config, event_clock),
        clock=event_clock if replay is not None else None,
    )  # fmt: skip

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, desk.stop)
        await desk.run(standby=True)

    asyncio.run(run())


@click.group()
def audit_group() -> None:
    """The audit log: who did what, when, to which post; hash-chained."""


@audit_group.command(name="verify")
@_db_option
def audit_verify(db_path: Path) -> None:
    """Check the chain: exit 0 if intact, 1 naming each edited, deleted or moved row."""
    report = asyncio.run(_with_db(db_path, audit.verify))
    if report.ok:
        unsealed = f" ({report.unsealed} copied acks not yet chained)" if report.unsealed else ""
        click.echo(f"audit log intact: {report.rows} rows, head {report.head}{unsealed}")
        return
    for problem in report.problems:
        click.echo(f"tampered: {problem}")
    click.echo(f"audit log tampered: {len(report.problems)} problem(s) in {report.rows} rows")
    sys.exit(1)


@audit_group.command(name="export")
@_db_option
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
def audit_export(db_path: Path, fmt: str) -> None:
    """Export the audit log (CSV: one row per action, before/after as JSON)."""

    async def go(db: Database) -> int:
        return await exporting.write_audit_csv(audit.all_entries(db), sys.stdout)

    asyncio.run(_with_db(db_path, go))


@click.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(["md"]), default="md", show_default=True)
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="The event's TOML config (default: the bundled demo event).")  # fmt: skip
@click.option("--at", "at", default=None,
              help="As of this moment (ISO; naive: event zone). Default: now.")  # fmt: skip
def handoff(db_path: Path, fmt: str, config_path: Path | None, at: str | None) -> None:
    """The shift handoff report: hand-offs, urgent posts, outbox, inbox, metrics, notes."""
    from eventdesk.paths import bundled

    config = load_config(config_path or bundled("demo_event.toml"))
    now = datetime.now(UTC)
    if at is not None:
        try:
            now = datetime.fromisoformat(at)
        except ValueError:
            raise UserError(f"--at: expected a time like 2026-11-19T19:00, not {at!r}") from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=config.event.zone)
    start = audit.stamp(config.event.start_utc)

    async def go(db: Database) -> None:
        write_handoff(await handoff_report(db, start=start, now=now), config, sys.stdout)

    asyncio.run(_with_db(db_path, go))


def register(group: click.Group) -> None:
    """Add these commands to the `eventdesk` group."""
    group.add_command(serve)
    group.add_command(audit_group, name="audit")
    group.add_command(handoff)
