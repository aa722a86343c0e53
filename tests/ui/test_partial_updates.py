"""What a terminal shows after the app's partial updates is what a whole new frame would show.

The main screen draws a partial update only where changed regions cross each widget
(`blotter.ui._textual.DirtyRowsCompositor`). A terminal emulator is fed every frame the app writes, and
after each step of a trader's session its every cell (character, colours, attributes) is compared with
a second emulator given a full render of the screen as it stands.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pyte
from textual._compositor import LayoutUpdate

from blotter.ui.app import BlotterApp
from blotter.ui._textual import DirtyRowsCompositor
from tests.ui.conftest import SIZE, Terminal, settle, until
from tests.ui.test_filter import commission, execution

CELL = ("data", "fg", "bg", "bold", "italics", "underscore", "strikethrough", "reverse")


def full_frame(app: BlotterApp) -> pyte.Screen:
    compositor = app.screen._compositor
    screen = pyte.Screen(*SIZE)
    lines = [[strip] for strip in compositor.render_strips()]
    pyte.Stream(screen).feed(LayoutUpdate(lines, compositor.size.region).render_segments(app.console))
    return screen


def differences(term: Terminal, app: BlotterApp) -> list[str]:
    full = full_frame(app)
    out = []
    for y in range(SIZE[1]):
        for x in range(SIZE[0]):
            shown, whole = term.screen.buffer[y][x], full.buffer[y][x]
            if any(getattr(shown, f) != getattr(whole, f) for f in CELL):
                out.append(f"({x},{y}) shown {shown} whole {whole}\n  shown: {term.screen.display[y]}\n"
                           f"  whole: {full.display[y]}")
    return out


def fill(n: int) -> list[Any]:
    return [execution(0xf000 + n, "AAPL", "BOT", 190.0 + n), commission(0xf000 + n, 0.35)]


def test_a_terminal_given_the_partial_updates_shows_every_cell_a_full_frame_would(world):
    asyncio.run(_partial_updates(world))


async def _partial_updates(world) -> None:
    app = world.app()
    term = Terminal(app, SIZE)
    steps = [("2",), ("j",), ("j",), ("pagedown",), ("slash",), ("a",), ("a", "p"), ("escape",),
             ("1",), ("k",), ("n",), ("escape",), ("3",), ("4",), ("2",), ("d",), ("d",), ("1",)]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen._compositor, DirtyRowsCompositor)
        assert differences(term, app) == []
        for n, keys in enumerate(steps):
            await pilot.press(*keys)
            if n % 3 == 0:  # a fill arrives between some keys: a row, its order and the totals change
                for e in fill(n):
                    app.events.put(e)
                await until(pilot, app.events.empty, "the fill taken in")
            await settle(pilot)
            assert differences(term, app) == [], f"after {keys}"
        await until(pilot, lambda: "190.00" in term.text, "a fill of the session's on screen")
