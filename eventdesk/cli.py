"""The `eventdesk` command. A user's mistake gets one plain line and exit code 2."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import sqlite3
import sys
from collections.abc import Coroutine
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import click

from eventdesk import export as exporting
from eventdesk.config import EventConfig, load_config
from eventdesk.errors import UserError
from eventdesk.paths import bundled, data_dir
from eventdesk.text import visible
from storage import Database, DatabaseUnavailable, StorageError
from storage.posts import PostFilter, iter_posts, rejects, utc_text

log = logging.getLogger("eventdesk")


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def _config(path: Path | None) -> EventConfig:
    return load_config(path if path is not None else bundled("demo_event.toml"))


def _moment(value: str | None, zone: ZoneInfo, name: str) -> str | None:
    """A --since/--until value (ISO date or date-time; naive means the event's zone)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"--{name}: expected a date or time like 2026-11-19T13:00, not {value!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        return utc_text(moment.astimezone(UTC))
    except OverflowError:  # year 1 or 9999 moved past the calendar's ends by its offset
        raise UserError(f"--{name}: {value!r} is out of range") from None


config_option = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), default=None,
    help="The event's TOML config (default: the bundled demo event).",
)  # fmt: skip
db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, readable=False),
    required=True,
    help="The event database.",
)


@click.group(invoke_without_command=True)
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """eventdesk: the social-media desk for an event day. With no command, the demo."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if ctx.invoked_subcommand is None:
        ctx.invoke(demo)


def _operator(name: str | None) -> str:
    import getpass

    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def _time_of_day(value: str | None, config: EventConfig) -> datetime | None:
    """'12:45' → that time on the event's day(s), within its window, in UTC."""
    if value is None:
        return None
    try:
        hour, minute = (int(part) for part in value.split(":"))
        wanted = time(hour, minute)
    except ValueError:
        raise UserError(f"--at: expected a time of day like 12:45, not {value!r}") from None
    event = config.event
    start = event.start_utc.astimezone(event.zone)
    moment = datetime.combine(start.date(), wanted, tzinfo=event.zone)
    if moment < start:
        moment += timedelta(days=1)
    return moment.astimezone(UTC)


def _run_desk(settings: Any) -> None:
    """Start the dashboard (imported here: the rest of the CLI never loads textual)."""
    from tui.app import EventDeskApp

    app = EventDeskApp(settings)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


async def _check_database(db_path: Path) -> None:
    """Open and close the database before the desk starts: what would stop the desk
    (not a database, a newer schema, a file this user cannot write) is one plain line
    here, not an error drawn over the screen."""
    await (await Database.open(db_path, create=False)).close()


def _check_theme(theme: str | None) -> None:
    """Refuse an unknown --theme before any work (the app's constructor would raise)."""
    from tui.settings import theme_names

    names = theme_names()
    if theme and theme not in names:
        raise UserError(f"--theme: no theme {theme!r}; try one of: {', '.join(names)}")


desk_options = [
    click.option("--operator", help="Your name on the desk (default: your login name)."),
    click.option("--quiet", is_flag=True, help="No terminal bell on urgent posts."),
    click.option("--theme", help="A Textual theme, e.g. textual-dark, nord, gruvbox."),
]


def with_desk_options(command):
    for option in reversed(desk_options):
        command = option(command)
    return command


@cli.command()
@click.option("--posts", type=click.IntRange(1, 2_000_000), default=30_000, show_default=True,
              help="Size of the generated event.")  # fmt: skip
@click.option("--seed", default=24, show_default=True, help="Seed of the generated event.")
@click.option("--speed", default="60", show_default=True, help="Replay speed: N times, or max.")
@click.option("--at", "at", default="12:45", show_default=True,
              help="Jump to this time of day: everything before it arrives at once.")  # fmt: skip
@click.option("--fresh", is_flag=True, help="Start again with a new database.")
@with_desk_options
def demo(posts: int, seed: int, speed: str, at: str, fresh: bool, operator: str | None,
         quiet: bool, theme: str | None) -> None:  # fmt: skip
    """Run the desk on the bundled demo event (a generated 24-hour Twitterthon)."""
    from eventdesk.demo import write_replay
    from eventdesk.demo.history import run_of_show_until
    from eventdesk.sources.replay import parse_speed
    from tui.settings import DeskSettings, ReplayPlan

    _check_theme(theme)
    config = _config(None)
    pace = parse_speed(speed)
    jump = _time_of_day(at, config)
    folder = data_dir() / "demo"
    folder.mkdir(parents=True, exist_ok=True, mode=0o770)
    replay = folder / f"kp24-seed{seed}-{posts}.jsonl.gz"
    db_path = folder / "kp24.db"
    # Each run replays the event afresh, so the desk always opens on a moving event.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    if fresh:
        replay.unlink(missing_ok=True)
    if not replay.exists():
        click.echo(f"Generating the demo event ({posts} posts) into {replay} ...")
        write_replay(replay, config, seed=seed, posts=posts)
    # The plan for the day; what was due before the jump went out on time.
    _run(run_of_show_until(db_path, config, jump))
    _run_desk(
        DeskSettings(
            config=config,
            db_path=db_path,
            operator=_operator(operator),
            replay=ReplayPlan(replay, pace, jump),
            quiet=quiet,
            theme=theme,
        )  # fmt: skip
    )


@cli.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True,
              help="The event's TOML config.")  # fmt: skip
@click.option("--db", "db_path", type=click.Path(path_type=Path, readable=False), default=None,
              help="The event database (default: paths.db from the config).")  # fmt: skip
@with_desk_options
def desk(config_path: Path, db_path: Path | None, operator: str | None, quiet: bool,
         theme: str | None) -> None:  # fmt: skip
    """Open the dashboard on an event's database (another process ingests)."""
    from tui.settings import DeskSettings

    _check_theme(theme)
    config = load_config(config_path)
    db_path = db_path or config.paths.db
    if db_path is None:
        raise UserError(f"{config_path}: no [paths] db, and no --db given")
    if not db_path.exists():
        raise UserError(f"{db_path}: no such database")
    _run(_check_database(db_path))
    _run_desk(DeskSettings(config=config, db_path=db_path, operator=_operator(operator),
                           quiet=quiet, theme=theme, follow_replay=True))  # fmt: skip


class _StopSignals:
    """While inside it, Ctrl-C (SIGINT), SIGTERM and SIGHUP call `stop` instead of
    ending the process at once, and `received` holds the signal that came.

    Ctrl-C, a service manager or `kill`, and a closed terminal all stop the ingest the
    same clean way: the batches in flight end (or are dropped, never half stored), the
    scoring processes are shut down rather than left to notice their parent is gone,
    and the summary of what was stored is printed. A second signal is left to act as
    if none were handled, so Ctrl-C twice still interrupts at once. A signal ignored
    when the command started (`nohup`, a background job) stays ignored.
    """

    NAMES = ("SIGINT", "SIGTERM", "SIGHUP")

    def __init__(self, stop: Any) -> None:
        self._stop = stop
        self._handled: list[int] = []
        self.received: int | None = None

    def __enter__(self) -> _StopSignals:
        import signal

        loop = asyncio.get_running_loop()
        for name in self.NAMES:
            signum = getattr(signal, name, None)  # Windows has no SIGHUP
            if signum is None or signal.getsignal(signum) is signal.SIG_IGN:
                continue
            try:
                loop.add_signal_handler(signum, self._received, signum)
            except NotImplementedError:  # no such handlers on Windows: as before
                break
            self._handled.append(signum)
        return self

    def __exit__(self, *exc: object) -> None:
        self._release()

    def _received(self, signum: int) -> None:
        self.received = signum
        self._release()
        self._stop()

    def _release(self) -> None:
        loop = asyncio.get_running_loop()
        while self._handled:
            loop.remove_signal_handler(self._handled.pop())


async def _ingest(
    db_path: Path, replay: Path, speed: float | None, config: EventConfig, workers: int
):
    """Run the ingest: its summary, and the signal that stopped it (None if none did)."""
    from eventdesk.ingest import Ingest
    from eventdesk.sources.replay import ReplaySource

    source = ReplaySource(replay, speed=speed)
    db = await Database.open(db_path)
    try:
        ingest = Ingest(db, config, workers=workers)
        with _StopSignals(ingest.stop) as signals:
            try:
                summary = await ingest.run(source)
            except sqlite3.OperationalError as exc:
                # The disk filled, or the file was made read-only, mid-run. Every batch
                # stored so far committed with its checkpoint: say what was, and stop.
                click.echo(ingest.summary.line())
                raise DatabaseUnavailable(
                    f"{db_path}: cannot store posts: {exc} (the {ingest.summary.ingested} "
                    "stored are kept, and the same command resumes after them)"
                ) from None
        return summary, signals.received
    finally:
        await db.close()


@cli.command()
@db_option
@click.option(
    "--replay",
    type=click.Path(path_type=Path),
    required=True,
    help="JSON lines (.gz too); - reads standard input.",
)
@click.option("--speed", default="max", show_default=True, help="'max', or N times real time.")
@click.option("--workers", type=click.IntRange(0, 64), default=None,
              help="Scoring processes (default: one per core; 0 scores in a thread).")  # fmt: skip
@config_option
def ingest(
    db_path: Path, replay: Path, speed: str, workers: int | None, config_path: Path | None
) -> None:
    """Ingest a recorded event headless; resumes where a previous run stopped."""
    from eventdesk.sources.replay import parse_speed

    pace = parse_speed(speed)
    config = _config(config_path)
    if workers is None:
        workers = os.cpu_count() or 1
    summary, stopped_by = _run(_ingest(db_path, replay, pace, config, workers))
    click.echo(summary.line())
    if stopped_by is not None:
        # Stopped, not finished: 128 + the signal's number, as a shell reports a
        # signal and as `main` ends a KeyboardInterrupt (130 for Ctrl-C).
        sys.exit(128 + stopped_by)


@cli.command(name="export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "md"]), default="jsonl",
              show_default=True)  # fmt: skip
@click.option("--since", help="From this time (ISO; naive means the event's time zone).")
@click.option("--until", help="Up to (not including) this time.")
@click.option("--hashtag", help="Only posts carrying this hashtag.")
@config_option
def export_cmd(
    db_path: Path, fmt: str, since: str | None, until: str | None, hashtag: str | None,
    config_path: Path | None,
) -> None:  # fmt: skip
    """Export stored posts: jsonl, csv, or md (the threaded transcript)."""
    config = _config(config_path)
    zone = config.event.zone
    where = PostFilter(_moment(since, zone, "since"), _moment(until, zone, "until"), hashtag)
    if where.since and where.until and where.since >= where.until:
        raise UserError(f"--since {since} is not before --until {until}: nothing is between")

    async def go() -> None:
        db = await Database.open(db_path, create=False, reads_only=True)
        try:
            rows = iter_posts(db, where)
            out = sys.stdout
            if fmt == "jsonl":
                await exporting.write_jsonl(rows, out)
            elif fmt == "csv":
                await exporting.write_csv(rows, out, terminal=out.isatty())
            else:
                title = f"#{hashtag.lstrip('#')}" if hashtag else config.event.name
                await exporting.write_markdown(rows, out, title=f"Transcript: {title}", zone=zone,
                                               ours=config.handles)  # fmt: skip
        finally:
            await db.close()

    _run(go())


@cli.command(name="rejects")
@db_option
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most N.")
def rejects_cmd(db_path: Path, limit: int | None) -> None:
    """List replay lines that could not be stored, with line number and reason."""

    async def go() -> list[dict[str, Any]]:
        db = await Database.open(db_path, create=False, reads_only=True)
        try:
            return await rejects(db, limit)
        finally:
            await db.close()

    rows = _run(go())
    for row in rows:
        excerpt = visible(row["excerpt"], newlines=False)[:120]
        click.echo(f"line {row['line']}: {visible(row['reason'], newlines=False)} | {excerpt}")
    click.echo(f"{len(rows)} rejected line(s)", err=True)


def _fail(message: str) -> NoReturn:
    click.echo(f"eventdesk: {visible(message, newlines=False)}", err=True)
    sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: usage mistakes and user errors are one line, exit code 2."""
    try:
        cli.main(args=argv, prog_name="eventdesk", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        _fail("aborted")
    except click.ClickException as exc:
        _fail(exc.format_message().replace("\n", " "))
    except (UserError, StorageError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:
        if exc.filename is None and exc.errno not in _NO_ROOM:
            raise  # no fault of the machine's that a user could put right: a bug
        if exc.filename is None:
            # Output that cannot be written (a full disk, /dev/full). Nothing more goes
            # to standard output: the interpreter's last flush would fail again, noisily.
            _drop_stdout()
        where = f"{exc.filename}: " if exc.filename else "cannot write the output: "
        _fail(where + (exc.strerror or str(exc)))


_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _drop_stdout() -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no real stdout
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# Command groups in their own modules, registered last (they import from this one).
from eventdesk.cli_actions import register as _register_actions  # noqa: E402
from eventdesk.cli_doctor import doctor  # noqa: E402
from eventdesk.cli_schedule import schedule  # noqa: E402

cli.add_command(schedule)
cli.add_command(doctor)
_register_actions(cli)
