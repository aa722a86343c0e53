"""The `/` filter over the fills, as a trader types it, checked on what a terminal shows.

The app's output (its partial updates too: a border line, a row) is fed to a terminal emulator, so a
line the app forgot to redraw shows here as it would on the trader's screen.
"""

from __future__ import annotations

import asyncio
import queue
import time
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any, AsyncIterator

import pytest

from blotter.config import Settings
from blotter.domain import events as ev
from blotter.ui.app import BlotterApp
from tests.ui.conftest import Offline, Terminal, burst, until

SYMBOLS = ("AAPL", "MSFT", "SPY")
SIZE = (140, 50)


def execution(n: int, symbol: str, side: str, price: float) -> ev.Execution:
    contract = ev.ContractRef(con_id=100 + SYMBOLS.index(symbol), symbol=symbol, sec_type="STK",
                              exchange="SMART", currency="USD")
    return ev.Execution(-1, f"0000e0d5.{n:08x}.01.01", 1 + n % 4, 1, 900 + n % 4, contract,
                        "20261120 10:00:00 US/Eastern", "DU1234567", "ISLAND", side, Decimal(100), price,
                        Decimal(100), price, received=time.time())


def commission(n: int, amount: float) -> ev.Commission:
    return ev.Commission(f"0000e0d5.{n:08x}.01.01", amount, "USD", None, received=time.time())


def morning() -> list[Any]:
    """12 fills: AAPL, MSFT and SPY in turn, bought and sold in turn, each with its commission."""
    out: list[Any] = [ev.Connection(ev.ConnState.CONNECTED, "test", "127.0.0.1", 7497, 1, 200, time.time())]
    for n in range(12):
        out += [execution(n, SYMBOLS[n % 3], ("BOT", "SLD")[n % 2], 100.0 + n), commission(n, 1.0)]
    return out


def app_with(events: list[Any]) -> BlotterApp:
    q: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for e in events:
        q.put(e)
    return BlotterApp(Settings(client_id=1), Offline(), q)  # type: ignore[arg-type]


async def typed(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await pilot.pause()


@asynccontextmanager
async def morning_on_screen() -> AsyncIterator[tuple[BlotterApp, Terminal, Any]]:
    """The morning's fills on a terminal."""
    app = app_with(morning())
    term = Terminal(app, SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(term.fill_rows()) == 12, "the morning's fills on screen")
        yield app, term, pilot


@asynccontextmanager
async def morning_filtered(text: str) -> AsyncIterator[tuple[BlotterApp, Terminal, Any]]:
    """The morning's fills on a terminal, the fills pane focused and `text` typed in its filter line."""
    async with morning_on_screen() as (app, term, pilot):
        await pilot.press("2", "slash")
        await typed(pilot, text)
        yield app, term, pilot


def shown(term: Terminal, symbol: str, side: str) -> int:
    return sum(1 for row in term.fill_rows() if f" {symbol} " in row and f" {side} " in row)


def test_typing_a_filter_leaves_the_matching_fills_and_escape_brings_all_back():
    asyncio.run(_typing_a_filter())


async def _typing_a_filter():
    async with morning_filtered("msft sld") as (app, term, pilot):
        await until(pilot, lambda: "Fills (2)" in term.text, "the filtered count in the title")
        assert len(term.fill_rows()) == shown(term, "MSFT", "SLD") == 2
        assert "filter: msft sld" in term.text

        await typed(pilot, " 107")  # a third word narrows again: of MSFT sold at 101.00 and 107.00
        await until(pilot, lambda: "Fills (1)" in term.text, "one fill left")
        assert "107.00" in term.fill_rows()[0]

        for _ in range(len(" 107") + len(" sld")):  # backspace to "msft": a wider filter
            await pilot.press("backspace")
        await until(pilot, lambda: "Fills (4)" in term.text, "every MSFT fill back")
        assert shown(term, "MSFT", "BOT") == shown(term, "MSFT", "SLD") == 2

        await typed(pilot, " ")  # a trailing space changes nothing
        assert "Fills (4)" in term.text and len(term.fill_rows()) == 4

        await typed(pilot, "[/]")  # what Textual would read as markup is shown as typed
        await until(pilot, lambda: "filter: msft [/]" in term.text, "the filter as typed")
        assert "Fills (0)" in term.text

        await pilot.press("escape")
        await until(pilot, lambda: "Fills (12)" in term.text, "every fill back")
        assert len(term.fill_rows()) == 12 and "filter:" not in term.text


def test_a_filter_over_sorted_fills_keeps_the_matching_ones_in_the_sorted_order():
    asyncio.run(_filter_over_sorted_fills())


async def _filter_over_sorted_fills():
    async with morning_on_screen() as (app, term, pilot):
        await pilot.press("2", "s", "s", "s", "s", "S")  # by time, side, quantity, then symbol; descending
        await until(pilot, lambda: "sort: Symbol ↓" in term.text, "sorted by symbol, descending")
        await pilot.press("slash")
        await typed(pilot, "p")  # a letter, read from the bitmaps: AAPL and SPY
        await until(pilot, lambda: "Fills (8)" in term.text, "the fills holding a p")
        assert not any(" MSFT " in row for row in term.fill_rows())
        await typed(pilot, "y")  # "py": a pair, every SPY fill
        await until(pilot, lambda: "Fills (4)" in term.text, "the SPY fills")
        assert all(" SPY " in row for row in term.fill_rows())
        await pilot.press("backspace", "backspace")
        await typed(pilot, "msf")  # three letters: searched for in the rows their pairs allow
        await until(pilot, lambda: "Fills (4)" in term.text and "filter: msf" in term.text, "the MSFT fills")
        assert all(" MSFT " in row for row in term.fill_rows())
        await pilot.press("escape")
        await until(pilot, lambda: "Fills (12)" in term.text, "every fill back")
        symbols = [next(s for s in SYMBOLS if f" {s} " in row) for row in term.fill_rows()]
        assert symbols == sorted(symbols, reverse=True), "still in the sorted order"


def test_fills_arriving_under_a_filter_show_only_if_they_match_and_the_count_follows():
    asyncio.run(_fills_arriving_under_a_filter())


async def _fills_arriving_under_a_filter():
    async with morning_filtered("spy") as (app, term, pilot):
        await pilot.press("enter")  # keep the filter, back to the table
        await until(pilot, lambda: "Fills (4)" in term.text, "the SPY fills")

        app.events.put(execution(20, "AAPL", "BOT", 150.0))
        app.events.put(execution(21, "SPY", "SLD", 450.0))
        await until(pilot, lambda: "Fills (5)" in term.text, "the new SPY fill counted on screen")
        assert "450.00" in term.text and "150.00" not in term.text

        # the new fill's commission comes after it: the filter finds it by its commission now
        app.events.put(commission(21, 2.75))
        await pilot.press("slash")
        await typed(pilot, " 2.75")
        await until(pilot, lambda: "Fills (1)" in term.text, "the fill found by its commission")
        assert "450.00" in term.fill_rows()[0]

        await pilot.press("escape")
        await until(pilot, lambda: "Fills (14)" in term.text, "every fill, the AAPL one too")
        assert "150.00" in term.text


def test_keys_typed_in_one_burst_go_where_the_first_ones_sent_focus():
    asyncio.run(_burst())


async def _burst():
    """`2/spy` arriving in one read from the terminal: the filter opens on the fills pane, not on the
    pane that had the focus before the `2`."""
    async with morning_on_screen() as (app, term, pilot):
        burst(app, "2/spy")
        await until(pilot, lambda: "Fills (4)" in term.text, "the SPY fills")
        assert app.pane("fills").filter_text == "spy" and app.pane("orders").filter_text == ""


def test_keys_typed_ahead_before_the_filter_lines_are_mounted_all_reach_the_filter(monkeypatch):
    """The filter lines are mounted once the first frame is out. `2/spyq` typed ahead before that (here:
    the app never told the frame is out) in one burst: the fills' line is mounted and takes every key
    after the `/` in order; the `q` is text there, not Quit."""
    asyncio.run(_typed_ahead(monkeypatch))


async def _typed_ahead(monkeypatch: Any) -> None:
    monkeypatch.setattr(BlotterApp, "on_ready", lambda self: None)
    async with morning_on_screen() as (app, term, pilot):
        assert all(pane.filter_input.parent is None for pane in app.panes), "mounted before the first frame"
        burst(app, "2/spyq", "backspace", "enter")
        await until(pilot, lambda: app.pane("fills").table.has_focus, "the filter kept, the fills focused")
        assert app.is_running and app.pane("fills").filter_text == "spy"
        await until(pilot, lambda: "Fills (4)" in term.text and "filter: spy" in term.text, "the filtered fills drawn")


def test_keys_typed_while_the_app_mounts_keep_the_focus_they_moved(monkeypatch):
    """`2/spy` typed before the app has finished starting: the fills' filter line keeps the focus (the
    app's own first focus on the orders used to come after those keys and take it from the open line,
    so the next Backspace and Enter went nowhere)."""
    mount = BlotterApp.on_mount

    def on_mount(self: BlotterApp) -> None:
        burst(self, "2/spy", queued=True)  # keys waiting since the start: ahead of what mounting sets off
        mount(self)

    monkeypatch.setattr(BlotterApp, "on_mount", on_mount)
    asyncio.run(_typed_while_mounting())


async def _typed_while_mounting() -> None:
    app = app_with(morning())
    async with app.run_test(size=SIZE) as pilot:
        fills = app.pane("fills")
        await until(pilot, lambda: fills.filter_text == "spy", "the typed-ahead filter")
        await pilot.pause()
        assert fills.filter_input.has_focus, f"the focus went to {app.focused}"
        await pilot.press("backspace", "enter")
        await until(pilot, lambda: fills.table.has_focus, "the filter kept, the fills focused")
        assert fills.filter_text == "sp"


def test_letters_every_fill_has_keep_them_all_without_drawing_the_table_again():
    """Typing the start of an exec id (every fill has it) keeps all 12 fills: the count and the filter
    on the border follow each key, and the table's lines, the same rows, are not drawn again."""
    asyncio.run(_every_fill_matches())


async def _every_fill_matches():
    async with morning_filtered("") as (app, term, pilot):
        table = app.pane("fills").table
        drawn: list[int] = []
        draw = table.render_line

        def counted(y: int) -> Any:
            drawn.append(y)
            return draw(y)

        await pilot.pause()
        table.render_line = counted  # type: ignore[method-assign]
        await typed(pilot, "0000e0d5")
        await until(pilot, lambda: "filter: 0000e0d5" in term.text, "the filter on the border")
        assert "Fills (12)" in term.text and len(term.fill_rows()) == 12
        assert drawn == [], f"table lines drawn again for the same rows: {drawn}"
        await typed(pilot, ".0000000a")  # one fill left: now the table is drawn
        await until(pilot, lambda: "Fills (1)" in term.text, "one fill left")
        assert drawn and len([row for row in term.fill_rows() if ".01.01" in row]) == 1  # not the typed line


@pytest.mark.parametrize("keys", [("escape", "n"), ("alt+n",)], ids=["esc-n-in-one-burst", "alt+n"])
def test_escape_then_a_key_typed_at_once_leaves_the_filter_then_acts(keys):
    """Esc and n arriving together (one burst; or within Textual's escape delay, read as alt+n): Esc
    leaves the filter at once, so n opens a ticket rather than being typed into the filter line."""
    asyncio.run(_escape_then_a_key(keys))


async def _escape_then_a_key(keys: tuple[str, ...]) -> None:
    async with morning_filtered("ms") as (app, term, pilot):
        await until(pilot, lambda: "filter: ms" in term.text, "the filter on screen")
        burst(app, "", *keys)
        await until(pilot, lambda: type(app.screen).__name__ == "TicketScreen", "the ticket")
        fills = app.pane("fills")
        assert fills.filter_input.value == "" and fills.filter_text == ""
        assert app.focused is not fills.filter_input
