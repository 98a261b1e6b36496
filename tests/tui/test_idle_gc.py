"""The collector's full passes wait for a pause in the typing (tui.idle_gc)."""

from __future__ import annotations

import gc

from tests.tui.conftest import loaded, make_app, settle
from tui.idle_gc import NEVER, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_full_passes_wait_for_a_pause_in_the_typing() -> None:
    clock = Clock()
    before = gc.get_threshold()
    collector = IdleCollector(quiet=2, every=30, at_latest=300, clock=clock)
    collector.start()
    try:
        assert gc.get_threshold() == (before[0], before[1], NEVER)  # none automatic
        clock.now += 31
        collector.key_pressed()
        assert not collector.tick()  # due, but a key came this instant
        clock.now += 1
        assert not collector.tick()  # one second of quiet is not enough
        clock.now += 1
        assert collector.tick() and collector.passes == 1
        clock.now += 10
        assert not collector.tick()  # quiet, but the last pass was 10 s ago
        for _ in range(28):  # an operator typing without a pause, up to five minutes
            clock.now += 10
            collector.key_pressed()
            assert not collector.tick()
        clock.now += 10
        collector.key_pressed()
        assert collector.tick() and collector.passes == 2  # at the latest, all the same
    finally:
        collector.stop()
    assert gc.get_threshold() == before


def test_tick_makes_a_pass_over_every_generation() -> None:
    passes: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "stop":
            passes.append(info["generation"])

    collector = IdleCollector(quiet=0, every=0)
    collector.start()
    gc.callbacks.append(seen)
    try:
        assert collector.tick()
        assert 2 in passes  # the oldest generation, so cycles held there are freed too
    finally:
        gc.callbacks.remove(seen)
        collector.stop()


async def test_the_app_hands_full_passes_to_its_collector(desk_db, config) -> None:
    before = gc.get_threshold()
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        assert gc.get_threshold()[2] == NEVER
        app.collector.every = 0
        app.collector.quiet = 0.5
        await settle(pilot, lambda: app.collector.passes >= 1)
        last_key = app.collector._last_key
        await pilot.press("j")
        assert app.collector._last_key > last_key
    assert gc.get_threshold() == before
