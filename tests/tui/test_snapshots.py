"""One snapshot per screen, with fixed data and a frozen clock (pytest-textual-snapshot).

After a deliberate change to the look: `pytest tests/tui/test_snapshots.py --snapshot-update`,
then read the new SVGs in tests/tui/__snapshots__ before committing them.
"""

from __future__ import annotations

from tests.tui.conftest import make_app, settle
from widgets.desk_pane import DeskPane


def ready(app) -> bool:
    lists = [pane.post_list for pane in app.query(DeskPane)]
    # Every pane filled (the run-of-show too) and the header drawn.
    return (
        all(pl.total and pl.current() is not None for pl in lists)
        and bool(app._list_of(1).items)
        and bool(str(app.query_one("#header-clock").render()))
        and "watching" in str(app.query_one("#header-source").render())
    )


async def wait_ready(pilot) -> None:
    await settle(pilot, lambda: ready(pilot.app))


def test_main_screen_80x24(snap_compare, desk_db, config) -> None:
    assert snap_compare(make_app(config, desk_db), terminal_size=(80, 24), run_before=wait_ready)


def test_main_screen_160x48(snap_compare, desk_db, config) -> None:
    assert snap_compare(make_app(config, desk_db), terminal_size=(160, 48), run_before=wait_ready)


def test_detail_of_a_hostile_post(snap_compare, desk_db, config) -> None:
    async def open_detail(pilot) -> None:
        await wait_ready(pilot)
        await pilot.press(
            *"jjjjjjjj", "enter"
        )  # newest first: 5 of ours, then bidi, cr_bs, osc8, osc52
        await settle(pilot, lambda: "h_osc52" in str(pilot.app.query_one("#detail-body").render()))

    assert snap_compare(make_app(config, desk_db), terminal_size=(120, 40), run_before=open_detail)


def test_help_screen(snap_compare, desk_db, config) -> None:
    async def open_help(pilot) -> None:
        await wait_ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(config, desk_db), terminal_size=(100, 30), run_before=open_help)
