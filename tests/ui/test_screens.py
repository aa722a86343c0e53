"""Screenshots of what a trader sees (pytest-textual-snapshot): look at the SVG before updating one."""

from __future__ import annotations

from tests.ui.conftest import SIZE, settle


def test_main_screen_connected_and_populated(snap_compare, world):
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=settle)


def test_main_screen_at_80x24(snap_compare, world):
    assert snap_compare(world.app(), terminal_size=(80, 24), run_before=settle)


def test_finished_orders_view(snap_compare, world):
    async def finished(pilot):
        await settle(pilot)
        await pilot.press("d")
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=finished)
