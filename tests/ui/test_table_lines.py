"""The tables draw each line as Textual's own styling of a widget would (`LineTable.render_lines`
skips Textual's StylesCache for a table with nothing to style but its lines): in each theme, with
NO_COLOR, focused or not, and cropped as a narrow terminal crops them."""

from __future__ import annotations

import asyncio
import queue
from typing import Any

import pytest
from textual.geometry import Region

from blotter.config import Settings
from blotter.ui.app import BlotterApp
from tests.ui.conftest import Offline, settle, until
from tests.ui.test_filter import morning


@pytest.mark.parametrize("theme", ["dark", "light", "high-contrast", "ansi"])
@pytest.mark.parametrize("size", [(140, 40), (70, 24)])
def test_the_tables_lines_are_those_textuals_styling_makes(theme, size, monkeypatch):
    asyncio.run(_same_lines(theme, size))


def test_the_tables_lines_with_no_color_are_those_textuals_styling_makes(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    asyncio.run(_same_lines("dark", (140, 40)))


async def _same_lines(theme: str, size: tuple[int, int]) -> None:
    events: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for e in morning():
        events.put(e)
    app = BlotterApp(Settings(client_id=1, theme=theme), Offline(), events)  # type: ignore[arg-type]
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.store.fill_count() == 12, "the morning's fills taken in")
        await settle(pilot, resynced=False)
        for focus in ("1", "2", "3"):
            await pilot.press(focus)
            await pilot.pause()
            for name in ("orders", "fills", "commissions"):
                table = app.pane(name).table
                assert table._plain()
                width, height = table.size
                for crop in (Region(0, 0, width, height), Region(3, 1, width // 2, height - 2)):
                    ours = [list(strip) for strip in table.render_lines(crop)]
                    textuals = [list(strip) for strip in table._styles_cache.render_widget(table, crop)]
                    assert ours == textuals, f"{name} in {theme} at {size}, crop {crop}"
