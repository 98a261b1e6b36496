"""The handoff report, the desk metrics and the audit log as Content for the screens.

The same facts as eventdesk.handoff's Markdown, built as Content instead: every
stranger's string (post text, usernames, notes, outcomes, errors) goes through
`visible` and is assembled as plain text, so nothing in it is parsed as markup and no
control character reaches the terminal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from textual.content import Content

from eventdesk.config import EventConfig
from eventdesk.handoff import span_text
from eventdesk.text import visible
from storage.actions import Assignment
from storage.audit import AuditEntry, AuditReport, canonical
from storage.handoff import HandoffReport
from storage.metrics import DeskMetrics

EXCERPT = 120  # characters of a post in a report line
Part = str | tuple[str, str]


def local_time(text: str, zone: ZoneInfo) -> str:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(zone)
    return f"{moment:%a %H:%M}"


def one_line(text: str) -> str:
    """A stranger's text on one line, cut to EXCERPT, control characters made visible."""
    flat = " ".join(visible(text, newlines=False).split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}s" if value < 60 else span_text(value)


class _Names:
    """Logins and team keys as the config names them (shown literally)."""

    def __init__(self, config: EventConfig) -> None:
        self.people = {o.login: o.name for o in config.operators}
        self.teams = {t.key: t.name for t in config.teams}

    def person(self, login: str | None) -> str:
        return "nobody" if login is None else one_line(self.people.get(login, login))

    def team(self, key: str | None) -> str:
        return one_line(self.teams.get(key, key)) if key else "no team"


def _heading(text: str) -> tuple[str, str]:
    return (f"\n{text}\n", "bold underline")


def _assignment(item: Assignment, names: _Names, zone: ZoneInfo) -> list[Part]:
    parts: list[Part] = [
        f"  post {item.post_id}, {item.state.value} since {local_time(item.updated_at, zone)}, "
        f"from {names.person(item.created_by)}"
    ]
    if item.urgent:
        parts.append((" URGENT" + (" (passed on by phone)" if item.phoned else ""), "bold"))
    if item.note:
        parts.append(f": {one_line(item.note)}")
    return [*parts, "\n"]


def render_handoff(report: HandoffReport, config: EventConfig) -> Content:
    """Everything the incoming shift needs, in the event's time zone."""
    zone, names = config.event.zone, _Names(config)
    parts: list[Part] = [(f"Shift handoff: {one_line(config.event.name)}\n", "bold")]
    parts.append(
        f"As of {local_time(report.at, zone)} ({zone.key}); since {local_time(report.since, zone)}"
    )
    if report.last is not None:
        parts.append(
            f", when {names.person(report.last.to_operator)} took over from "
            f"{names.person(report.last.from_operator)}"
        )
    parts += [".\n", _heading("Notes from the lead")]
    for note in report.notes:
        parts.append(
            f"  {local_time(note.at, zone)} {names.person(note.operator)}: {one_line(note.text)}\n"
        )
    parts.append("" if report.notes else "  No notes.\n")

    parts.append(_heading("Urgent posts and where they stand"))
    for urgent in report.urgent:
        state = [f"seen by {names.person(urgent.acknowledged_by)}" if urgent.acknowledged_by
                 else "NOT ACKNOWLEDGED"]  # fmt: skip
        for a in urgent.assignments:
            who = names.person(a.to_operator) if a.to_operator else names.team(a.to_team)
            outcome = f": {one_line(a.outcome)}" if a.outcome else ""
            state.append(f"handed to {who} ({a.state.value}{', phoned' if a.phoned else ''}"
                         f"{outcome})")  # fmt: skip
        if urgent.reply_states:
            state.append("our reply " + ", ".join(urgent.reply_states))
        else:
            state.append("answered on X" if urgent.answered_on_x else "no reply")
        parts += [
            (
                f"  {local_time(urgent.created_at, zone)} @{one_line(urgent.author_username)}",
                "bold",
            ),
            f" (post {urgent.post_id}): {one_line(urgent.text)}\n    {'; '.join(state)}\n",
        ]
    parts.append("" if report.urgent else "  None.\n")

    parts.append(_heading("Open and assigned hand-offs"))
    by_person: dict[str, list[Assignment]] = defaultdict(list)
    by_team: dict[str, list[Assignment]] = defaultdict(list)
    for item in report.assignments:
        if item.to_operator:
            by_person[item.to_operator].append(item)
        else:
            by_team[item.to_team or ""].append(item)
    for login, items in sorted(by_person.items()):
        parts.append((f" {names.person(login)}\n", "bold"))
        for item in items:
            parts += _assignment(item, names, zone)
    for key, items in sorted(by_team.items()):
        parts.append((f" Team: {names.team(key)} (not yet taken)\n", "bold"))
        for item in items:
            parts += _assignment(item, names, zone)
    parts.append("" if report.assignments else "  None.\n")

    parts.append(_heading("Outbox: not yet sent"))
    for row in report.outbox:
        check = " — check X, then resend or mark sent" if row.state.value == "unknown" else ""
        error = f" ({one_line(row.error)})" if row.error else ""
        parts.append(
            f"  {row.state.value}{check}: @{row.account} by {names.person(row.operator)}, "
            f"{local_time(row.created_at, zone)}: {one_line(row.text)}{error}\n"
        )
    parts.append("" if report.outbox else "  Everything sent.\n")

    parts.append(_heading("Unanswered inbox posts (oldest first)"))
    for post in report.unanswered:
        mark = " URGENT" if post.urgent else ""
        parts.append(
            f"  waiting {span_text(post.age_seconds)}{mark}: @{one_line(post.author_username)} "
            f"(post {post.post_id}): {one_line(post.text)}\n"
        )
    parts.append("" if report.unanswered else "  None.\n")

    parts.append(_heading("Run of show, next 12 hours"))
    for item in report.schedule:
        hold = f" ({one_line(item.hold)})" if item.hold else ""
        parts.append(
            f"  {item.at.astimezone(zone):%a %H:%M} @{item.account} {item.state}{hold}: "
            f"{one_line(item.text)}\n"
        )
    parts.append("" if report.schedule else "  Nothing planned.\n")

    parts.append(_heading("Volume and sentiment since the last handoff"))
    for lane in report.volume:
        mood = "–" if lane.mean_sentiment is None else f"{lane.mean_sentiment:+.2f}"
        parts.append(f"  {lane.lane}: {lane.posts} post{'s' * (lane.posts != 1)}, "
                     f"mean sentiment {mood}\n")  # fmt: skip
    parts.append("" if report.volume else "  No posts.\n")
    parts += [_heading("Desk metrics"), render_metrics(report.metrics, config).plain]
    return Content.assemble(*parts)


def render_metrics(metrics: DeskMetrics, config: EventConfig) -> Content:
    """First response times, unanswered posts by age, replies per operator."""
    names = _Names(config)
    by_age = ", ".join(f"{label} {n}" for label, n in metrics.unanswered_by_age)
    per_operator = ", ".join(f"{names.person(who)} {n}" for who, n in metrics.replies_by_operator)
    return Content(
        f"  inbox posts: {metrics.inbox_posts}, answered {metrics.answered}\n"
        f"  time to first response: median {_seconds(metrics.median_response_seconds)}, "
        f"p90 {_seconds(metrics.p90_response_seconds)}\n"
        f"  unanswered by age: {by_age}\n"
        f"  replies per operator: {per_operator or 'none'}\n"
    )


def render_audit(entries: Sequence[AuditEntry], report: AuditReport, zone: ZoneInfo) -> Content:
    """The verdict of audit.verify, then the entries, newest last, literally."""
    parts: list[Part] = []
    if report.ok:
        parts.append((f"Audit log intact: {report.rows} rows, head {report.head[:16]}…\n",
                      "bold"))  # fmt: skip
    else:
        parts.append((f"AUDIT LOG TAMPERED: {len(report.problems)} problem(s)\n", "bold reverse"))
        parts += [f"  {problem}\n" for problem in report.problems]
    parts.append("\n")
    for entry in entries:
        post = f" post {entry.post_id}" if entry.post_id is not None else ""
        change = " ".join(
            f"{label} {one_line(canonical(value))}"
            for label, value in (("before", entry.before), ("after", entry.after))
            if value
        )
        parts.append(
            f"{entry.seq:>6} {local_time(entry.at, zone)} {one_line(entry.operator)} {entry.kind} "
            f"{one_line(entry.target)}{post} {change}\n"
        )
    return Content.assemble(*parts)
