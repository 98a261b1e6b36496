"""The operator-action screens, each driven with Pilot in a small App on a real database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    OptionList,
    RadioButton,
    Select,
    Static,
    TextArea,
)

from eventdesk.identity import operator_for
from eventdesk.text import visible
from storage import Database, audit, outbox
from storage import actions as acts
from storage import handoff as handoffs
from storage import lease as leases
from storage import panes as queries
from storage.actions import FlagCategory
from storage.metrics import desk_metrics
from storage.outbox import OutboxState
from tests.conftest import tweet_line
from tests.tui.conftest import FROZEN, HOSTILE, ingest_lines, settle
from tests.tui.test_hostile_text import assert_inert_content
from tui.compose_screen import ComposeScreen
from tui.dialogs import AskScreen, ConfirmScreen
from tui.flag_screen import FlagChange, FlagScreen
from tui.handoff_screens import AuditScreen, HandOffScreen, MetricsScreen, ShiftHandoffScreen
from tui.outbox_screen import OutboxScreen

ASKER = 1862000000000002001  # "@KingsmerePolice question number 1 about parking"
URGENT = 1862000000000005000  # "@KingsmerePolice there's a man with a knife ..."
HOSTILE_POST = 1862000000000009000
HOSTILE_TEXT = "@KingsmerePolice " + " ".join(HOSTILE[k] for k in ("click", "close", "esc"))
HOSTILE_NAME = "[@click=app.quit]x[/]"


class Harness(App[None]):
    """Opens one screen on mount and keeps what it was dismissed with."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


@pytest.fixture
async def db(desk_db, config):
    await ingest_lines(
        desk_db,
        config,
        [
            tweet_line(
                HOSTILE_TEXT,
                mentions=("KingsmerePolice",),
                author=("66", "a_[/]_b", HOSTILE_NAME),
                post_id=HOSTILE_POST,
            )
        ],
        "hostile.jsonl",
    )
    database = await Database.open(desk_db)
    yield database
    await database.close()


async def rows(db: Database) -> list[outbox.OutboxItem]:
    return await outbox.in_states(db, list(OutboxState))


def text_of(screen: Screen[Any], selector: str) -> str:
    return screen.query_one(selector, Static).render().plain


# -- compose ------------------------------------------------------------------------------


async def open_compose(db, config, post_id: int, login: str = "mjones") -> ComposeScreen:
    post = await queries.post(db, post_id)
    assert post is not None
    return ComposeScreen(post, config, operator_for(config, login), db)


async def ready(pilot, screen: ComposeScreen) -> None:
    await settle(pilot, lambda: screen.key is not None and pilot.app.screen is screen)


@pytest.mark.parametrize(
    ("account", "text", "message"),
    [
        (
            "KingsmerePolice",
            "🚓" * 141,
            "too long: 282 of 280 characters as X counts them (2 over)",
        ),
        ("KingsmerePolice", "   ", "the reply is empty"),
        ("KingsmereCOs", "ACC TO: Great work", "signed TO, but your initials are MJ"),
        ("KingsmereCOs", "Great work", "@KingsmereCOs posts must start with a rank and initials"),
    ],
    ids=["over-limit", "empty", "wrong-initials", "unsigned"],
)
async def test_compose_errors_are_shown_and_nothing_is_sent(
    db, config, account: str, text: str, message: str
) -> None:
    screen = await open_compose(db, config, ASKER)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        screen.query_one("#compose-account", Select).value = account
        await pilot.pause()
        screen.query_one("#compose-text", TextArea).text = text
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: message in text_of(screen, "#compose-problems"))
        assert app.screen is screen  # no confirmation was offered
    assert await rows(db) == []


async def test_the_count_is_xs_weighted_length_and_turns_red_over_the_limit(db, config) -> None:
    screen = await open_compose(db, config, ASKER)
    async with Harness(lambda: screen).run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        area = screen.query_one("#compose-text", TextArea)
        area.text = "See https://example.org/" + "a" * 300  # a URL weighs 23
        await pilot.pause()
        count = screen.query_one("#compose-count", Static)
        assert count.render().plain == "27/280" and not count.has_class("-over")
        area.text = "👮" * 141
        await pilot.pause()
        assert count.render().plain == "282/280  (2 over)" and count.has_class("-over")


async def test_replying_from_another_account_than_addressed_warns_and_no_sends_nothing(
    db, config
) -> None:
    screen = await open_compose(db, config, ASKER)
    async with Harness(lambda: screen).run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        assert screen.query_one("#compose-account", Select).value == "KingsmerePolice"
        screen.query_one("#compose-account", Select).value = "KingsmereAir"
        screen.query_one("#compose-text", TextArea).text = "We'll look into it."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        question = text_of(pilot.app.screen, "#confirm-question")
        assert "the post is addressed to @KingsmerePolice; you are replying as @KingsmereAir" in (
            question
        )
        assert "Send as @KingsmereAir?" in question
        await pilot.press("n")
        await settle(pilot, lambda: "Not sent." in text_of(screen, "#compose-problems"))
    assert await rows(db) == []


async def test_a_valid_reply_makes_one_pending_row_even_when_send_is_pressed_twice(
    db, config
) -> None:
    screen = await open_compose(db, config, ASKER, login="tokafor")
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        assert [(c.post_id, c.operator) for c in await acts.active_claims(db)] == [
            (ASKER, "tokafor")
        ]
        screen.query_one("#compose-text", TextArea).text = "Thanks, passed to the team."
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y", "ctrl+s", "y")
        await settle(pilot, lambda: app.results != [])
    [queued] = app.results
    assert await acts.active_claims(db) == []  # released on close
    assert queued.created and queued.item.key == f"reply:{ASKER}:1"
    [row] = await rows(db)
    assert (row.state, row.account, row.text, row.operator, row.in_reply_to) == (
        OutboxState.PENDING, "KingsmerePolice", "Thanks, passed to the team.", "tokafor", ASKER,
    )  # fmt: skip


async def test_the_signed_account_is_prefilled_with_the_operators_signature(db, config) -> None:
    screen = await open_compose(db, config, ASKER)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        area = screen.query_one("#compose-text", TextArea)
        assert area.text == ""
        screen.query_one("#compose-account", Select).value = "KingsmereCOs"
        await settle(pilot, lambda: area.text == "ACC MJ: ")
        await pilot.press(*"Thank you all")
        screen.query_one("#compose-account", Select).value = "KingsmerePolice"
        await settle(pilot, lambda: area.text == "Thank you all")


async def test_the_999_advice_is_offered_first_on_an_urgent_post(db, config) -> None:
    # Listed last in this config, so only the urgent ordering can bring it first.
    late = config.model_copy(update={"canned_replies": tuple(reversed(config.canned_replies))})
    screen = await open_compose(db, late, URGENT)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        canned = screen.query_one("#compose-canned", OptionList)
        assert canned.get_option_at_index(0).id == "danger-999"
        canned.focus()
        await pilot.press("1")
        area = screen.query_one("#compose-text", TextArea)
        await settle(pilot, lambda: area.text.startswith("If you are in danger now, call 999."))
    calm = await open_compose(db, late, ASKER)
    async with Harness(lambda: calm).run_test(size=(120, 40)) as pilot:
        await ready(pilot, calm)
        assert calm.query_one("#compose-canned", OptionList).get_option_at_index(0).id == (
            "call-101"
        )


async def test_a_second_operator_sees_who_is_replying_and_one_reply_is_queued(db, config) -> None:
    first = await open_compose(db, config, ASKER, login="mjones")
    app = Harness(lambda: first)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, first)
        second = await open_compose(db, config, ASKER, login="tokafor")
        late: list[Any] = []
        app.push_screen(second, late.append)
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Megan Jones is replying to this post" in text_of(app.screen, "#confirm-question")
        await pilot.press("y")
        await settle(pilot, lambda: second.key is not None and app.screen is second)
        assert text_of(second, "#compose-claim") == "Megan Jones is replying to this post"
        assert second.key == first.key  # both opened before either sent
        second.query_one("#compose-text", TextArea).text = "Tunde here: we are on it."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: late != [] and app.screen is first)
        first.query_one("#compose-text", TextArea).text = "Megan here: we are on it."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: "queued a reply" in text_of(first, "#compose-problems"))
        assert "Tunde Okafor queued a reply to this post first" in text_of(
            first, "#compose-problems"
        )
    [row] = await rows(db)
    assert (row.operator, row.text) == ("tokafor", "Tunde here: we are on it.")


async def test_compose_shows_a_hostile_post_literally(db, config) -> None:
    screen = await open_compose(db, config, HOSTILE_POST)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        plain = assert_inert_content(screen.query_one("#compose-post", Static).render())
        assert "@a_[/]_b" in plain
        assert visible(HOSTILE_TEXT) in plain
        assert app.is_running


# -- flag ---------------------------------------------------------------------------------


async def test_flag_with_a_note_then_unflag(db, config) -> None:
    post = await queries.post(db, ASKER)
    screen = FlagScreen(post, "mjones", db)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: app.screen is screen)
        screen.query_one("#flag-crime_report", RadioButton).value = True
        screen.query_one("#flag-note", Input).focus()
        await pilot.press(*"ring back")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.results != [])
    assert app.results == [FlagChange(ASKER, FlagCategory.CRIME_REPORT, flagged=True)]
    [standing] = await acts.flags_on(db, ASKER)
    assert (standing.category, standing.note, standing.operator) == (
        FlagCategory.CRIME_REPORT, "ring back", "mjones",
    )  # fmt: skip

    again = FlagScreen(post, "tokafor", db)
    app = Harness(lambda: again)
    async with app.run_test(size=(120, 40)) as pilot:
        unflag = again.query_one("#flag-unflag", Button)
        await settle(pilot, lambda: not unflag.disabled)
        assert "Flagged: crime report" in text_of(again, "#flag-standing")
        assert again.query_one("#flag-note", Input).value == "ring back"
        await pilot.click("#flag-unflag")
        await settle(pilot, lambda: app.results != [])
    assert app.results == [FlagChange(ASKER, FlagCategory.CRIME_REPORT, flagged=False)]
    assert await acts.flags_on(db, ASKER) == []


# -- hand off -----------------------------------------------------------------------------


async def test_an_urgent_post_is_handed_off_only_after_the_phone_box_is_ticked(db, config) -> None:
    post = await queries.post(db, URGENT)
    screen = HandOffScreen(post, config, "mjones", db)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        phoned = screen.query_one("#handoff-phoned", Checkbox)
        await settle(pilot, lambda: app.screen is screen)
        assert phoned.has_class("-urgent") and phoned.display
        screen.query_one("#handoff-to", Select).value = "team:control-room"
        screen.query_one("#handoff-note", Input).value = "knife outside the shop"
        await pilot.press("ctrl+s")
        refusal = "this post is urgent: pass it on by phone first, then confirm that you did"
        await settle(pilot, lambda: refusal in text_of(screen, "#handoff-problems"))
        assert await acts.assignments_on(db, URGENT) == []
        phoned.value = True
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.results != [])
    [item] = app.results
    assert (item.to_team, item.state, item.urgent, item.phoned, item.note) == (
        "control-room", acts.AssignmentState.OPEN, True, True, "knife outside the shop",
    )  # fmt: skip
    assert [a.id for a in await acts.assignments_on(db, URGENT)] == [item.id]
    assert await acts.active_claims(db) == []


async def test_a_calm_post_goes_to_an_operator_without_the_phone_box(db, config) -> None:
    post = await queries.post(db, ASKER)
    screen = HandOffScreen(post, config, "mjones", db)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: app.screen is screen)
        assert not screen.query_one("#handoff-phoned", Checkbox).display
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "choose an operator" in text_of(screen, "#handoff-problems"))
        screen.query_one("#handoff-to", Select).value = "op:sbrennan"
        await pilot.click("#handoff-go")
        await settle(pilot, lambda: app.results != [])
    [item] = app.results
    assert (item.to_operator, item.state) == ("sbrennan", acts.AssignmentState.ASSIGNED)


# -- shift handoff, metrics, audit ----------------------------------------------------------

START = "2026-11-19T07:00:00.000Z"


def report_text(screen: Screen[Any]) -> str:
    return assert_inert_content(screen.query_one(".report-body", Static).render())


async def test_shift_handoff_shows_unanswered_posts_literally_and_is_accepted(db, config) -> None:
    await handoffs.add_lead_note(db, "mjones", "Ring the control room about [@click=app.quit]x[/]")
    screen = ShiftHandoffScreen(config, db, "sbrennan", start=START, clock=lambda: FROZEN)
    app = Harness(lambda: screen)
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot, lambda: "Unanswered inbox" in text_of(screen, ".report-body"))
        text = report_text(screen)
        unanswered = text.split("Unanswered inbox posts")[1].split("Run of show")[0]
        assert "@asker2 (post 1862000000000002002): @KingsmerePolice question number 2" in (
            unanswered
        )
        shown = f"@a_[/]_b (post {HOSTILE_POST}): {visible(HOSTILE_TEXT, newlines=False)}"
        assert shown[:110] in unanswered  # long posts are cut
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Accept the desk from Megan Jones?" in text_of(app.screen, "#confirm-question")
        await pilot.press("y")
        await settle(pilot, lambda: "Accepted" in text_of(screen, ".report-status"))
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, AskScreen))
        await pilot.press(*"Quiet night so far", "enter")
        await settle(pilot, lambda: "Note added." in text_of(screen, ".report-status"))
    last = await handoffs.last_handoff(db)
    assert last is not None and (last.from_operator, last.to_operator) == ("mjones", "sbrennan")
    notes = await handoffs.lead_notes(db, "")
    assert [(n.operator, n.text) for n in notes][-1] == ("sbrennan", "Quiet night so far")


async def test_metrics_screen_shows_the_desk_figures(db, config) -> None:
    screen = MetricsScreen(config, db, since=START, clock=lambda: FROZEN)
    async with Harness(lambda: screen).run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: "inbox posts:" in report_text(screen))
        text = report_text(screen)
    figures = await desk_metrics(db, since=START, now=FROZEN)
    assert f"inbox posts: {figures.inbox_posts}, answered {figures.answered}" in text
    by_age = ", ".join(f"{label} {n}" for label, n in figures.unanswered_by_age)
    assert f"unanswered by age: {by_age}" in text


async def test_audit_screen_shows_entries_literally_and_the_verdict(db, config) -> None:
    await acts.flag(db, HOSTILE_POST, "abuse", "mjones", note="a [/] b \x1b]52;c;eA==\x07")
    screen = AuditScreen(db, config.event.zone)
    async with Harness(lambda: screen).run_test(size=(160, 40)) as pilot:
        await settle(pilot, lambda: "Audit log intact" in report_text(screen))
        text = report_text(screen)
    assert f"mjones flag post:{HOSTILE_POST} post {HOSTILE_POST}" in text
    assert '"note":"a [/] b \\u001b]52;c;eA==\\u0007"' in text


# -- outbox -------------------------------------------------------------------------------


async def test_outbox_screen_settles_an_unknown_row_by_marking_it_sent(db, config) -> None:
    await leases.acquire(db, "desk-1", seconds=60, operator="desk")
    queued = await outbox.enqueue(
        db, key="k1", account="KingsmerePolice", text="Thanks [b]all[/b]", operator="mjones",
        in_reply_to=ASKER,
    )  # fmt: skip
    await outbox.take_next(db, "desk-1")
    await outbox.recover_sending(db)
    screen = OutboxScreen(config, db, "tokafor")
    async with Harness(lambda: screen).run_test(size=(140, 40)) as pilot:
        rows_list = screen.query_one(OptionList)
        await settle(pilot, lambda: rows_list.option_count == 1)
        shown = assert_inert_content(rows_list.get_option_at_index(0).prompt)
        assert shown.startswith("unknown — check X") and "Thanks [b]all[/b]" in shown
        await pilot.press("m")
        await settle(pilot, lambda: isinstance(pilot.app.screen, AskScreen))
        await pilot.press(*"12ab34", "enter")  # letters are not taken
        await settle(pilot, lambda: "marked sent" in text_of(screen, "#outbox-status"))
        await settle(pilot, lambda: "sent" in str(rows_list.get_option_at_index(0).prompt))
    item = await outbox.get(db, queued.item.id)
    assert item is not None and (item.state, item.remote_id) == (OutboxState.SENT, "1234")
    [entry] = [e for e in await audit.entries(db) if e.kind == "outbox.mark_sent"]
    assert entry.operator == "tokafor"


async def test_outbox_screen_resends_a_failed_row_after_confirming(db, config) -> None:
    await leases.acquire(db, "desk-1", seconds=60, operator="desk")
    queued = await outbox.enqueue(
        db, key="k2", account="KingsmerePolice", text="Hello", operator="mjones",
    )  # fmt: skip
    taken = await outbox.take_next(db, "desk-1")
    assert taken is not None
    await outbox.record_failed(db, taken.id, "X said 403")
    screen = OutboxScreen(config, db, "tokafor")
    async with Harness(lambda: screen).run_test(size=(140, 40)) as pilot:
        rows_list = screen.query_one(OptionList)
        await settle(pilot, lambda: rows_list.option_count == 1)
        assert "FAILED" in str(rows_list.get_option_at_index(0).prompt)
        await pilot.press("m")
        await settle(pilot, lambda: "Only an unknown row" in text_of(screen, "#outbox-status"))
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: "queued again" in text_of(screen, "#outbox-status"))
    item = await outbox.get(db, queued.item.id)
    assert item is not None and item.state is OutboxState.PENDING
