"""The keys a trader uses, driven through Textual's pilot against the simulator: what reaches TWS."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from blotter.config import Settings
from blotter.domain import events as ev
from blotter.domain.rows import OrderRow
from blotter.domain.status import OrderStatus
from blotter.ui.app import BlotterApp
from tests.ui.conftest import FIXED, SIZE, burst, order, settle, stock, until


def placed(world) -> list:
    """Every placeOrder the simulator received, decoded by its own reader (what really reached 'TWS')."""
    return [r.request for r in world.sim.recorder.of("placeOrder")]


async def type_order(pilot: Any, line: str) -> None:
    await pilot.press("n")
    await until(pilot, lambda: pilot.app.screen.__class__.__name__ == "TicketScreen", "the ticket")
    for ch in line:
        await pilot.press("space" if ch == " " else ch)
    ticket = pilot.app.screen
    await until(pilot, lambda: ticket.ready(), "a valid order with its contract")


def test_quick_line_order_reaches_tws_with_exactly_the_typed_fields(world):
    asyncio.run(_test_quick_line_order_reaches_tws_with_exactly_the_typed_fields(world))


async def _test_quick_line_order_reaches_tws_with_exactly_the_typed_fields(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(placed(world))
        await type_order(pilot, "BUY 100 AAPL STK LMT 250.50 GTC")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "Review", "the review")
        await pilot.press("enter")
        sent = await until(pilot, lambda: [p for p in placed(world)[before:] if not p.order.what_if],
                           "the order at the simulator")
    [req] = sent
    assert (req.contract.symbol, req.order.action, req.order.total_quantity, req.order.order_type,
            req.order.lmt_price, req.order.tif) == ("AAPL", "BUY", Decimal(100), "LMT", 250.5, "GTC")
    what_ifs = [p for p in placed(world)[before:] if p.order.what_if]
    assert len(what_ifs) == 1, "the review asked TWS for a preview"


def test_escape_sends_nothing(world):
    asyncio.run(_test_escape_sends_nothing(world))


async def _test_escape_sends_nothing(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(placed(world))
        await type_order(pilot, "SELL 10 MSFT STK LMT 500")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen.__class__.__name__ != "TicketScreen", "the ticket to close")
        world.sim.call(lambda: None)
    assert len(placed(world)) == before


def test_modify_sends_the_same_order_id(world):
    asyncio.run(_test_modify_sends_the_same_order_id(world))


async def _test_modify_sends_the_same_order_id(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = [r for r in app.store.working() if r.order_id > 0]
        [row] = rows  # our resting AAPL LMT 200
        orders = app.pane("orders")
        orders.table.move_to(orders.table.keys.index(row.key))
        await pilot.press("m")
        ticket = await until(pilot, lambda: app.screen if app.screen.__class__.__name__ == "TicketScreen" else None,
                             "the modify ticket")
        assert ticket.query_one("#f-side").disabled and ticket.query_one("#f-symbol").disabled
        limit = ticket.query_one("#f-lmt_price")
        limit.value = "201.00"
        await until(pilot, lambda: ticket.ready(), "the modified order valid")
        before = len(placed(world))
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "Review", "the review")
        await pilot.press("enter")
        sent = await until(pilot, lambda: [p for p in placed(world)[before:] if not p.order.what_if], "the modify")
        await until(pilot, lambda: app.store.order(row.key).order.lmt_price == 201.0, "TWS's echo")
    assert [p.order_id for p in sent] == [row.order_id]


def test_cancel_asks_then_cancels(world):
    asyncio.run(_test_cancel_asks_then_cancels(world))


async def confirming_cancel(pilot: Any) -> OrderRow:
    """The blotter settled, our working order selected and `c` pressed: the confirmation open."""
    app = pilot.app
    await settle(pilot)
    [row] = [r for r in app.store.working() if r.order_id > 0]
    orders = app.pane("orders")
    orders.table.move_to(orders.table.keys.index(row.key))
    await pilot.press("c")
    await until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmCancel", "the confirmation")
    return row


async def _test_cancel_asks_then_cancels(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        row = await confirming_cancel(pilot)
        await pilot.press("y")
        await until(pilot, lambda: (app.store.order(row.key) or row).status is OrderStatus.CANCELLED,
                    "the order cancelled")
    assert [r.request.order_id for r in world.sim.recorder.of("cancelOrder")] == [row.order_id]


def test_escape_then_y_at_once_in_the_cancel_confirmation_cancels_nothing(world):
    """Esc then y typed within Textual's escape delay reach the app as alt+y. On the main screen the app
    takes that as Esc and y (bindings.escape_then_key), but not in a dialog, where the y could reach
    the confirmation before the Esc has closed it: there alt+y stays one key, bound to nothing."""
    asyncio.run(_escape_then_y_in_the_confirmation(world))


async def _escape_then_y_in_the_confirmation(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        row = await confirming_cancel(pilot)
        burst(app, "", "alt+y")
        await pilot.pause()  # the app idle: the key taken
        assert app.screen.__class__.__name__ == "ConfirmCancel"
        await pilot.press("escape")
        await until(pilot, lambda: len(app.screen_stack) == 1, "the confirmation closed")
        assert app.store.order(row.key).status is not OrderStatus.CANCELLED
    assert world.sim.recorder.of("cancelOrder") == []


@pytest.mark.parametrize("key", ["n", "c", "C", "m"])
def test_read_only_sends_nothing_and_says_why(world, key):
    asyncio.run(_test_read_only_sends_nothing_and_says_why(world, key))


async def _test_read_only_sends_nothing_and_says_why(world, key):
    app = world.app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = (len(world.sim.recorder.received))
        await pilot.press(key)
        await pilot.pause(0.1)
        assert app.screen.__class__.__name__ == "MainScreen"
        assert "read-only" in str(app.pane("orders").border_subtitle)
        world.sim.call(lambda: None)
        assert len(world.sim.recorder.received) == before


def test_tab_walks_the_modify_ticket_fields_a_trader_may_change(world):
    asyncio.run(_test_tab_walks_the_modify_ticket_fields_a_trader_may_change(world))


async def _test_tab_walks_the_modify_ticket_fields_a_trader_may_change(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [row] = [r for r in app.store.working() if r.order_id > 0]
        orders = app.pane("orders")
        orders.table.move_to(orders.table.keys.index(row.key))
        await pilot.press("m")
        ticket = await until(pilot, lambda: app.screen if app.screen.__class__.__name__ == "TicketScreen" else None,
                             "the modify ticket")
        await until(pilot, lambda: ticket.focused is not None, "a focused field")
        assert ticket.focused.id == "f-quantity"
        await pilot.press("tab")
        assert ticket.focused.id == "f-lmt_price", f"tab went to {ticket.focused.id}"
        await pilot.press("shift+tab")
        assert ticket.focused.id == "f-quantity"


@pytest.mark.parametrize("line, expected", [
    ("BUY 100 AAPL LMT 250", ("AAPL", "STK")),  # AAPL also names an option: a bare symbol is the stock
    ("BUY 1 ES LMT 5000", ("ES", "FUT")),  # no stock ES: the one thing it names; 5,000.00 reads back
])
def test_a_bare_symbol_is_the_stock_without_a_chooser(world, line, expected):
    asyncio.run(_test_a_bare_symbol_is_the_stock_without_a_chooser(world, line, expected))


async def _test_a_bare_symbol_is_the_stock_without_a_chooser(world, line, expected):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_order(pilot, line)
        ticket = app.screen
        assert not ticket.query_one("#chooser").display, "no contract chooser"
        assert (ticket.info.contract.symbol, ticket.info.contract.sec_type) == expected


def test_a_symbol_tws_does_not_know_says_so(world):
    asyncio.run(_test_a_symbol_tws_does_not_know_says_so(world))


async def _test_a_symbol_tws_does_not_know_says_so(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: app.screen.__class__.__name__ == "TicketScreen", "the ticket")
        for ch in "BUY 10 ZZZZ LMT 10":
            await pilot.press("space" if ch == " " else ch)
        ticket = app.screen
        verdict = ticket.query_one("#verdict")
        await until(pilot, lambda: "no contract found for ZZZZ" in str(verdict.render()), "TWS's answer shown")
        assert not ticket.ready()


ORDER_MESSAGE = ("Order Message:\nBUY 100 AAPL NASDAQ.NMS\nWarning: your order will not be placed at the exchange "
                 "until 2026-12-08 09:30:00 US/Eastern")


def test_a_message_of_several_lines_is_one_row_and_enter_shows_it_whole(world):
    asyncio.run(_test_a_message_of_several_lines_is_one_row_and_enter_shows_it_whole(world))


async def _test_a_message_of_several_lines_is_one_row_and_enter_shows_it_whole(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        world.events.put(ev.TwsMessage(7, 399, ORDER_MESSAGE, received=app.clock()))  # as the bridge puts it
        pane = app.pane("messages")
        await until(pilot, lambda: any(app.store.message_at(k).code == 399 for k in pane.table.keys), "the 399")
        key = next(k for k in pane.table.keys if app.store.message_at(k).code == 399)
        text = pane.cells(key)[-1][0]
        assert "\n" not in text and text.startswith("#7 Order Message: ↵ BUY 100 AAPL NASDAQ.NMS ↵ Warning:")
        await pilot.press("4")
        pane.table.move_to(pane.table.keys.index(key))
        await pilot.press("enter")
        shown = await until(pilot, lambda: app.screen if app.screen.__class__.__name__ == "MessageText" else None,
                            "the message in full")
        assert str(shown.query_one(".body").render()) == ORDER_MESSAGE
        await pilot.press("escape")
        await until(pilot, lambda: app.screen.__class__.__name__ != "MessageText", "back to the panes")


def test_an_order_tws_leaves_pending_says_so_in_its_row_and_the_messages(world):
    asyncio.run(_test_an_order_tws_leaves_pending_says_so_in_its_row_and_the_messages(world))


async def _test_an_order_tws_leaves_pending_says_so_in_its_row_and_the_messages(world):
    now = [FIXED]
    app = BlotterApp(Settings(port=7497), world.session, world.events, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # a placeOrder TWS never answers, as the session reports its own send
        world.events.put(ev.OrderSent("new", 77, 0, stock("AAPL"), order("BUY", 100, "LMT", 250.0), at=FIXED))
        await until(pilot, lambda: app.store.order_by_id(0, 77) is not None, "the order sent")
        row = app.store.order_by_id(0, 77)
        orders = app.pane("orders")
        assert orders.cells(row.key)[-1][0] == ""
        now[0] = FIXED + 12
        await until(pilot, lambda: orders.cells(row.key)[-1][0] == "no answer from TWS for 12 s", "the row flagged")
        [note] = [m for m in app.store.messages() if m.order_key == row.key]
        assert note.text == "no answer from TWS for 12 s: #77 BUY 100 AAPL PendingSubmit"
