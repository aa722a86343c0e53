"""The fills table's scrollbar on a terminal: its thumb follows the rows, and a fill that leaves the
thumb where it was does not send the bar's cells again (`blotter.ui.scrollbar.QuietScrollBar`)."""

from __future__ import annotations

import asyncio
from typing import Any

from textual._compositor import ChopsUpdate

from tests.ui.conftest import SIZE, Terminal, settle, until
from tests.ui.test_filter import app_with, commission, execution, morning
from tests.ui.test_partial_updates import differences, fill


async def add_fill(app: Any, pilot: Any, n: int) -> None:
    for event in fill(n):
        app.events.put(event)
    await until(pilot, lambda: app.store.fill_count() == n + 1, f"fill {n} taken in")
    await settle(pilot, resynced=False)


def test_the_thumb_a_terminal_shows_follows_the_rows_on_and_out_of_sight():
    asyncio.run(_thumb_follows())


async def _thumb_follows() -> None:
    app = app_with(morning())
    term = Terminal(app, SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(term.fill_rows()) >= 10, "the morning's fills on screen")
        await pilot.press("2")
        bar = app.pane("fills").table.vertical_scrollbar.region
        thumbs = set()

        def thumb() -> tuple[Any, ...]:
            return tuple((cell.data, cell.fg, cell.bg, cell.reverse)
                         for cell in (term.screen.buffer[y][bar.x] for y in range(bar.y, bar.bottom)))

        for n in range(12, 30):  # following the last row: each fill scrolls the table
            await add_fill(app, pilot, n)
            assert differences(term, app) == [], f"after fill {n}, following"
            thumbs.add(thumb())
        await pilot.press("home")
        for n in range(30, 50):  # scrolled back to the first row: only the bar's thumb moves
            await add_fill(app, pilot, n)
            assert differences(term, app) == [], f"after fill {n}, out of sight"
            thumbs.add(thumb())
        assert len(thumbs) > 20, "the thumb was seen in as many places and sizes"


def test_a_fill_out_of_sight_that_leaves_the_thumb_in_place_sends_no_cell_of_the_bar():
    asyncio.run(_quiet_bar())


async def _quiet_bar() -> None:
    app = app_with(morning() + [e for n in range(12, 3000) for e in (execution(n, "MSFT", "SLD", 99.0),
                                                                        commission(n, 1.0))])
    spans: list[tuple[int, int, int]] = []
    shown = app._display

    def display(screen: Any, update: Any) -> None:
        if isinstance(update, ChopsUpdate):
            spans.extend(update.spans)
        shown(screen, update)

    app._display = display  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.store.fill_count() == 3000, "the day's fills taken in")
        await pilot.press("2", "home")
        await settle(pilot, resynced=False)
        bar = app.pane("fills").table.vertical_scrollbar.region
        assert bar.width and bar.height > 5
        for n in range(3000, 3010):
            spans.clear()
            await add_fill(app, pilot, n)
            assert spans, "the fill drew nothing"
            on_bar = [(y, x1, x2) for y, x1, x2 in spans if bar.y <= y < bar.bottom and x1 <= bar.x < x2]
            assert on_bar == [], f"fill {n} sent the scrollbar's cells again"
