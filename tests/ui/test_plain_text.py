"""Words from outside (TWS, the journal's OS errors, config and theme files) are shown as they are:
brackets in them are not read as Textual markup, which hid words or, on a stray closing tag, crashed."""

from __future__ import annotations

import asyncio
import queue

from blotter.config import Settings
from blotter.ui.app import BlotterApp
from tests.ui.conftest import Offline, Terminal, until

SIZE = (120, 36)
NOTES = ["journal: could not write: [Errno 13] Permission denied", "config [keys]: no binding called x",
         "TWS said [/x] and [/]"]


def test_notifications_show_brackets_as_they_are():
    asyncio.run(_notifications())


async def _notifications():
    app = BlotterApp(Settings(client_id=1), Offline(), queue.SimpleQueue())  # type: ignore[arg-type]
    term = Terminal(app, SIZE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for note in NOTES:
            app.notify(note, severity="warning")
        await until(pilot, lambda: all(note in term.text for note in NOTES),  # none hidden, none crashing
                    f"{NOTES} shown as written")
