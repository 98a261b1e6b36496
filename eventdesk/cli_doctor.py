"""`eventdesk doctor --config F`: what works with X at this access level, what to fix.

Read-only: it asks X a handful of small questions (a search of 10 posts, one page of
mentions per account, the stream rules, who each posting account is) and changes
nothing. One plain line per finding; exit 0 when all is well, 1 when something needs
fixing, 2 for a mistake on the command line or in the config.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import click
import requests
import tweepy

from eventdesk.config import EventConfig, load_config
from eventdesk.errors import UserError
from eventdesk.secrets import Credentials, load_credentials
from eventdesk.sources.budget import ReadBudget
from eventdesk.sources.x_rules import event_tag, plan, search_query, wanted_rules
from eventdesk.xapi import RateLimited, Refused, XProblem, call, read_client


class Report:
    """The findings, printed as they come."""

    def __init__(self) -> None:
        self.problems = 0

    def ok(self, text: str) -> None:
        click.echo(f"ok   {text}")

    def fix(self, text: str) -> None:
        self.problems += 1
        click.echo(f"fix  {text}")


def _until(reset: str | float | None) -> str:
    if reset is None:
        return "X sent no reset time"
    return f"until {datetime.fromtimestamp(float(reset), UTC):%H:%M} UTC"


def _answered(response: requests.Response) -> str:
    headers = response.headers
    level = headers.get("x-access-level")
    parts = [f"access level {level}"] if level else []
    if "x-rate-limit-remaining" in headers:
        parts.append(
            f"{headers['x-rate-limit-remaining']}/{headers.get('x-rate-limit-limit', '?')} "
            f"calls left {_until(headers.get('x-rate-limit-reset'))}"
        )
    return "answers" + (f" ({'; '.join(parts)})" if parts else "")


def _failed(exc: XProblem, env_hint: str) -> str:
    if isinstance(exc, RateLimited):
        return f"rate limited {_until(exc.reset)}: try again later"
    if exc.status == 401:
        return f"credentials refused (401): check {env_hint}"
    if exc.status == 403:
        return f"not available at this access level (403): {exc}"
    return str(exc)


def _credentials(config: EventConfig, env: Mapping[str, str], report: Report) -> Credentials:
    try:
        credentials = load_credentials(config, env)
    except UserError as exc:
        report.fix(str(exc))
        # Carry on with what the environment holds.
        assert config.x is not None
        bare = config.model_copy(update={"x": config.x.model_copy(update={"secrets": None})})
        credentials = load_credentials(bare, env)
    if credentials.file is not None:
        report.ok(f"secrets file {credentials.file}: readable by its owner only")
    return credentials


async def _reading(config: EventConfig, credentials: Credentials, report: Report) -> None:
    if credentials.bearer is None:
        report.fix("no bearer token for reading: set EVENTDESK_X_BEARER_TOKEN or bearer_token "
                   "in the secrets file")  # fmt: skip
        return
    report.ok(f"bearer token: from {credentials.origins['bearer token']}")
    client = read_client(credentials.bearer)
    hint = credentials.origins["bearer token"]
    try:
        answer = await call(client.search_recent_tweets, search_query(config, with_accounts=True),
                            max_results=10)  # fmt: skip
        report.ok(f"search: {_answered(answer)}")
    except XProblem as exc:
        report.fix(f"search: {_failed(exc, hint)}")
    for account in config.accounts:
        if not account.user_id:
            report.ok(f"@{account.handle}: no user_id, so its mentions are found by search")
            continue
        try:
            answer = await call(client.get_users_mentions, account.user_id, max_results=5)
            report.ok(f"mentions of @{account.handle}: {_answered(answer)}")
        except XProblem as exc:
            report.fix(f"mentions of @{account.handle}: {_failed(exc, hint)}")
    await _rules(config, credentials, report)


async def _rules(config: EventConfig, credentials: Credentials, report: Report) -> None:
    assert config.x is not None and credentials.bearer is not None
    stream = tweepy.StreamingClient(credentials.bearer.reveal(), return_type=requests.Response)
    try:
        answer = await call(stream.get_rules)
    except Refused as exc:
        if exc.status == 403 and config.x.mode == "poll":
            report.ok("no filtered stream at this access level; mode is poll, as it must be")
        elif exc.status == 403:
            report.fix('no filtered stream at this access level (403): set mode = "poll" in [x]')
        else:
            report.fix(f"stream rules: {_failed(exc, 'the bearer token')}")
        return
    except XProblem as exc:
        report.fix(f"stream rules: {_failed(exc, 'the bearer token')}")
        return
    existing = json.loads(answer.text).get("data") or []
    changes = plan(existing, wanted_rules(config), event_tag(config))
    report.ok(f"stream rules: {changes.kept} in place, {len(changes.add)} to add and "
              f"{len(changes.delete)} stale to delete at start, {changes.foreign} of other "
              "tools left alone")  # fmt: skip


async def _posting(config: EventConfig, credentials: Credentials, report: Report) -> None:
    from eventdesk.publishers.x import user_client

    for account in config.accounts:
        keys = credentials.for_account(account.handle)
        if keys.kind is None:
            oauth2 = f"EVENTDESK_X_{account.handle.upper()}_OAUTH2_TOKEN"
            missing = ", ".join(keys.missing())
            report.fix(f"@{account.handle} cannot post: set {missing} (or {oauth2})")
            continue
        client = user_client(keys)
        try:
            answer = await call(client.get_me, user_auth=keys.kind == "oauth1")
        except XProblem as exc:
            report.fix(f"@{account.handle} posting keys: {_failed(exc, 'its access token')}")
            continue
        name = (json.loads(answer.text).get("data") or {}).get("username", "")
        if name.lower() != account.handle.lower():
            report.fix(f"@{account.handle} posting keys belong to @{name}: use that account's")
        else:
            report.ok(f"@{account.handle} posting keys: accepted ({keys.kind})")


async def _budget(config: EventConfig, db_path: Path | None, report: Report) -> None:
    from storage import Database, StorageError

    assert config.x is not None
    budget = ReadBudget(config.x)
    if db_path is not None and db_path.exists():
        try:
            db = await Database.open(db_path, create=False, reads_only=True)
        except StorageError as exc:
            report.fix(f"read budget: {exc}")
            return
        try:
            budget.db = db
            await budget.load()
        finally:
            await db.close()
    if budget.exhausted:
        report.fix(f"read budget: {budget.label}: at the cap, reading stops "
                   "(raise the cap or set stop_at_cap = false)")  # fmt: skip
    elif budget.warning:
        report.fix(f"read budget: {budget.label}: over {budget.warn_at:.0%} of a cap")
    else:
        report.ok(f"read budget: {budget.label}")


async def examine(config: EventConfig, env: Mapping[str, str], db_path: Path | None) -> int:
    """Print the findings; return how many need fixing."""
    report = Report()
    if config.x is None:
        report.fix("no [x] section in the config: the desk has no live source")
        return report.problems
    report.ok(f"config {config.source}: mode {config.x.mode}")
    credentials = _credentials(config, env, report)
    await _reading(config, credentials, report)
    await _posting(config, credentials, report)
    await _budget(config, db_path, report)
    return report.problems


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True,
              help="The event's TOML config.")  # fmt: skip
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=None,
              help="The event database, for the read budget (default: the config's).")  # fmt: skip
def doctor(config_path: Path, db_path: Path | None) -> None:
    """Check X credentials, endpoints, stream rules, rate limits and the read budget."""
    config = load_config(config_path)
    problems = asyncio.run(examine(config, os.environ, db_path or config.paths.db))
    click.echo(f"{problems} thing(s) to fix" if problems else "all good")
    sys.exit(1 if problems else 0)
