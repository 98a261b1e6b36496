"""BandedCompositor writes, for any set of changed regions, what Textual's own
compositor writes for them: compared on the desk's real screens."""

from __future__ import annotations

import random

import pytest
from textual._compositor import Compositor
from textual.geometry import Region

from tests.tui.conftest import lists, loaded, make_app, settle
from widgets.banded_compositor import BandedCompositor, bands


def test_bands_group_regions_whose_lines_are_near() -> None:
    regions = [Region(1, 5, 50, 1), Region(0, 47, 160, 1), Region(107, 4, 52, 1)]
    assert bands(regions, gap=3) == [Region(1, 4, 158, 2), Region(0, 47, 160, 1)]
    assert bands(regions, gap=50) == [Region(0, 4, 160, 44)]
    assert bands([Region(0, 0, 5, 2), Region(0, 5, 5, 1)], gap=3) == [Region(0, 0, 5, 6)]
    assert bands([Region(0, 0, 5, 2), Region(0, 6, 5, 1)], gap=3) == [
        Region(0, 0, 5, 2),
        Region(0, 6, 5, 1),
    ]
    assert bands([]) == []


def written(compositor: Compositor, regions: set[Region], paint, console) -> str:
    """What `paint` (a compositor's partial update) writes for `regions`."""
    compositor._dirty_regions = set(regions)
    update = paint(compositor)
    return update.render_segments(console) if update is not None else ""


def random_regions(rng: random.Random, width: int, height: int) -> set[Region]:
    found = set()
    for _ in range(rng.randint(1, 6)):
        x, y = rng.randrange(width), rng.randrange(height)
        found.add(Region(x, y, rng.randint(1, width - x), rng.randint(1, min(4, height - y))))
    return found


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_banded_paint_writes_what_textuals_writes(desk_db, config, size) -> None:
    app = make_app(config, desk_db)
    rng = random.Random(size[0])
    async with app.run_test(size=size) as pilot:
        await settle(pilot, lambda: loaded(app))
        compositor = app.screen._compositor
        assert isinstance(compositor, BandedCompositor)
        width, height = size

        def compare(what: str, trials: int = 150) -> None:
            for _ in range(trials):
                regions = random_regions(rng, width, height)
                ours = written(
                    compositor, regions, BandedCompositor.render_partial_update, app.console
                )
                theirs = written(compositor, regions, Compositor.render_partial_update, app.console)
                assert ours == theirs, f"{what}: {sorted(regions)}"
            # Whole lines far apart: the case the bands are for.
            regions = {Region(0, 1, width, 1), Region(0, height - 1, width, 1)}
            assert written(
                compositor, regions, BandedCompositor.render_partial_update, app.console
            ) == written(compositor, regions, Compositor.render_partial_update, app.console)

        compare("the desk")
        await pilot.press("j", "j", "enter")  # the detail pane, in its scrolling frame
        await settle(pilot)
        compare("the detail pane")
        await pilot.press("slash", *"traffic")  # the bar over the footer, on its layer
        await settle(pilot)
        compare("the search bar open")
        await pilot.press("enter")
        await settle(pilot, lambda: not app.search_bar.display)
        assert lists(app)[0].current() is not None
        compare("a search's matches")
