"""The shift handoff report as Markdown: what the night shift needs, in the event's time.

Strangers' text goes through `md_text` (shown literally, never as links or headings);
names come from the config where an operator or team is listed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import IO
from zoneinfo import ZoneInfo

from eventdesk.clock import span
from eventdesk.config import EventConfig
from eventdesk.export import md_text
from storage.actions import Assignment
from storage.handoff import HandoffReport

EXCERPT = 120  # characters of a post shown in the report


def _local(text: str, zone: ZoneInfo) -> str:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(zone)
    return f"{moment:%a %H:%M}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return md_text(flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…")


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}s" if value < 60 else span_text(value)


def span_text(seconds: float) -> str:
    return span(timedelta(seconds=seconds))


class _Names:
    def __init__(self, config: EventConfig) -> None:
        self.people = {o.login: o.name for o in config.operators}
        self.teams = {t.key: t.name for t in config.teams}

    def person(self, login: str | None) -> str:
        if login is None:
            return "nobody"
        return md_text(self.people.get(login, login))

    def team(self, key: str | None) -> str:
        return md_text(self.teams.get(key, key)) if key else "no team"


def _assignment_line(item: Assignment, names: _Names, zone: ZoneInfo) -> str:
    flags = ""
    if item.urgent:
        flags = " **URGENT** (passed on by phone)" if item.phoned else " **URGENT**"
    note = f": {md_text(item.note)}" if item.note else ""
    return (
        f"- post {item.post_id}, {item.state.value} since {_local(item.updated_at, zone)}, "
        f"from {names.person(item.created_by)}{flags}{note}\n"
    )


def write_handoff(report: HandoffReport, config: EventConfig, out: IO[str]) -> None:
    """Write the report as Markdown."""
    zone = config.event.zone
    names = _Names(config)
    out.write(f"# Shift handoff: {md_text(config.event.name)}\n\n")
    since = _local(report.since, zone)
    out.write(f"_As of {_local(report.at, zone)} ({zone.key}); covering since {since}")
    if report.last is not None:
        out.write(
            f", when {names.person(report.last.to_operator)} took over from "
            f"{names.person(report.last.from_operator)}"
        )
    out.write("._\n\n")

    out.write("## Notes from the lead\n\n")
    for note in report.notes:
        out.write(
            f"- {_local(note.at, zone)} {names.person(note.operator)}: {md_text(note.text)}\n"
        )
    out.write("" if report.notes else "_No notes._\n")

    out.write("\n## Urgent posts and where they stand\n\n")
    for urgent in report.urgent:
        state = [f"seen by {names.person(urgent.acknowledged_by)}" if urgent.acknowledged_by
                 else "**not acknowledged**"]  # fmt: skip
        for a in urgent.assignments:
            who = names.person(a.to_operator) if a.to_operator else names.team(a.to_team)
            phoned = ", phoned" if a.phoned else ""
            outcome = f": {md_text(a.outcome)}" if a.outcome else ""
            state.append(f"handed to {who} ({a.state.value}{phoned}{outcome})")
        if urgent.reply_states:
            state.append("our reply " + ", ".join(urgent.reply_states))
        elif urgent.answered_on_x:
            state.append("answered on X")
        else:
            state.append("no reply")
        out.write(
            f"- {_local(urgent.created_at, zone)} @{md_text(urgent.author_username)} "
            f"(post {urgent.post_id}): {_excerpt(urgent.text)}  \n  {'; '.join(state)}\n"
        )
    out.write("" if report.urgent else "_None._\n")

    out.write("\n## Open and assigned hand-offs\n\n")
    by_person: dict[str, list[Assignment]] = defaultdict(list)
    by_team: dict[str, list[Assignment]] = defaultdict(list)
    for item in report.assignments:
        if item.to_operator:
            by_person[item.to_operator].append(item)
        else:
            by_team[item.to_team or ""].append(item)
    for login, items in sorted(by_person.items()):
        out.write(f"### {names.person(login)}\n\n")
        out.writelines(_assignment_line(item, names, zone) for item in items)
        out.write("\n")
    for key, items in sorted(by_team.items()):
        out.write(f"### Team: {names.team(key)} (not yet taken)\n\n")
        out.writelines(_assignment_line(item, names, zone) for item in items)
        out.write("\n")
    out.write("" if report.assignments else "_None._\n")

    out.write("\n## Outbox: not yet sent\n\n")
    for row in report.outbox:
        check = " — check on X, then resend or mark sent" if row.state.value == "unknown" else ""
        error = f" ({md_text(row.error)})" if row.error else ""
        out.write(
            f"- {row.state.value}{check}: @{row.account} by {names.person(row.operator)}, "
            f"{_local(row.created_at, zone)}: {_excerpt(row.text)}{error}\n"
        )
    out.write("" if report.outbox else "_Everything sent._\n")

    out.write("\n## Unanswered inbox posts (oldest first)\n\n")
    for post in report.unanswered:
        mark = " **URGENT**" if post.urgent else ""
        out.write(
            f"- waiting {span_text(post.age_seconds)}{mark}: @{md_text(post.author_username)} "
            f"(post {post.post_id}): {_excerpt(post.text)}\n"
        )
    out.write("" if report.unanswered else "_None._\n")

    out.write("\n## Run of show, next 12 hours\n\n")
    for item in report.schedule:
        at = item.at.astimezone(zone)
        state = item.state + (f" ({item.hold})" if item.hold else "")
        out.write(f"- {at:%a %H:%M} @{item.account} {state}: {_excerpt(item.text)}\n")
    out.write("" if report.schedule else "_Nothing planned._\n")

    out.write("\n## Volume and sentiment since the last handoff\n\n")
    for lane in report.volume:
        mood = "–" if lane.mean_sentiment is None else f"{lane.mean_sentiment:+.2f}"
        noun = "post" if lane.posts == 1 else "posts"
        out.write(f"- {lane.lane}: {lane.posts} {noun}, mean sentiment {mood}\n")
    out.write("" if report.volume else "_No posts._\n")

    m = report.metrics
    out.write("\n## Desk metrics\n\n")
    out.write(
        f"- inbox posts: {m.inbox_posts}, answered {m.answered}\n"
        f"- time to first response: median {_seconds(m.median_response_seconds)}, "
        f"p90 {_seconds(m.p90_response_seconds)}\n"
        "- unanswered by age: "
        + ", ".join(f"{label} {n}" for label, n in m.unanswered_by_age)
        + "\n- replies per operator: "
        + (", ".join(f"{names.person(who)} {n}" for who, n in m.replies_by_operator) or "none")
        + "\n"
    )
