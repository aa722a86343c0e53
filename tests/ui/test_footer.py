"""The key bar at the bottom: it follows the keys that work where the focus is, and a move of the focus
that changes none of them (switching panes) leaves its labels in place instead of re-mounting them,
each re-mount being a layout of the whole screen."""

from __future__ import annotations

import asyncio
import queue

from textual.widgets._footer import FooterKey

from blotter.config import Settings
from blotter.ui.app import BlotterApp
from tests.ui.conftest import SIZE, Offline, Terminal, until


def test_switching_panes_keeps_the_key_labels_and_a_filter_line_hides_the_letter_keys_until_esc():
    asyncio.run(_key_bar())


async def _key_bar() -> None:
    app = BlotterApp(Settings(client_id=1), Offline(), queue.SimpleQueue())  # type: ignore[arg-type]
    term = Terminal(app, SIZE)

    def bottom() -> str:
        return term.screen.display[-1]

    def labels() -> list[FooterKey]:
        return list(app.query(FooterKey))

    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "New order" in bottom(), "the key bar drawn")
        before = labels()
        for key, pane in (("2", "fills"), ("3", "commissions"), ("4", "messages"), ("1", "orders")):
            await pilot.press(key)
            await until(pilot, lambda p=pane: app.focused is not None and app.focused.id == app.pane(p).table.id,
                        f"pane {key} focused")
        await pilot.pause()
        assert labels() == before, "the labels were mounted again on a move of the focus that changed no key"

        await pilot.press("slash")  # in a filter line the letters are text: the bar stops offering them
        await until(pilot, lambda: "New order" not in bottom(), "the letter keys gone while a filter is typed")
        await pilot.press("escape")
        await until(pilot, lambda: "New order" in bottom() and "Filter" in bottom(), "the keys back after Esc")


def test_a_switch_of_pane_moves_the_focus_colour_from_border_to_border():
    """The main screen no longer repaints everything when the focus moves: each pane's border still
    shows whether it has the focus, one pane after another."""
    asyncio.run(_borders())


async def _borders() -> None:
    app = BlotterApp(Settings(client_id=1), Offline(), queue.SimpleQueue())  # type: ignore[arg-type]
    term = Terminal(app, SIZE)
    titles = {"orders": "Open orders", "fills": "Fills (", "commissions": "Commissions", "messages": "Messages ("}

    def corner(pane: str) -> str:
        """The colour of the top-left corner of the pane's border."""
        for y, line in enumerate(term.screen.display):
            x = line.find(titles[pane])
            if x >= 0:
                left = line.rfind("╭", 0, x)
                return term.screen.buffer[y][left].fg
        raise AssertionError(f"no {pane} pane on screen")

    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "New order" in term.screen.display[-1], "the screen drawn")
        focus, other = corner("orders"), corner("fills")
        assert focus != other
        for key, pane in (("2", "fills"), ("3", "commissions"), ("4", "messages"), ("1", "orders")):
            await pilot.press(key)
            await until(pilot, lambda p=pane: corner(p) == focus, f"the {pane} pane's border in the focus colour")
            assert [name for name in titles if corner(name) == focus] == [pane], "another border kept the colour"
