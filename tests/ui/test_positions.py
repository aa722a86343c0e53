"""The positions pane, flatten and the kill switch, against the simulator."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from blotter.ui.app import KILL_CAUSE
from tests.ui.conftest import SIZE, screen_name, settle, until
from tests.ui.test_keys import placed, type_order
from tests.ui.test_screens import positions_valued


def held(app) -> dict[str, Decimal]:
    return {r.contract.symbol: r.position for r in app.store.positions()}


def sent_orders(world) -> list:
    return [p for p in placed(world) if not p.order.what_if]


async def open_kill_switch(pilot, world) -> int:
    """K pressed once the positions are valued; how many orders had been sent before."""
    app = pilot.app
    await settle(pilot, positions_valued)
    before = len(sent_orders(world))
    await pilot.press("K")
    await until(pilot, lambda: screen_name(app) == "ConfirmKill", "the confirmation")
    return before


async def select_position(pilot, symbol: str) -> None:
    app = pilot.app
    await pilot.press("5")
    pane = app.pane("positions")
    await until(pilot, lambda: app.focused is pane.table, "the positions pane")
    key = next(k for k in pane.table.keys if k[0] == "position" and app.store.position(k[1]).contract.symbol == symbol)
    pane.table.move_to(pane.table.keys.index(key))
    await pilot.pause()


def test_a_fill_moves_the_position_and_its_row(world):
    asyncio.run(_fill_moves(world))


async def _fill_moves(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, positions_valued)
        await pilot.press("5")
        assert held(app)["SPY"] == -100
        await type_order(pilot, "BUY 40 SPY MKT")
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "Review", "the review")
        await pilot.press("enter")
        await until(pilot, lambda: any(p.order.total_quantity == 40 for p in sent_orders(world)), "the order sent")
        world.sim.advance(1.0)
        await until(pilot, lambda: held(app).get("SPY") == -60, "the position moved by the fill")
        pane = app.pane("positions")
        [key] = [k for k in pane.table.keys if k[0] == "position" and app.store.position(k[1]).contract.symbol == "SPY"]
        await until(pilot, lambda: pane.cells(key)[1][0] == "-60", "the row showing it")
        await pilot.press("3")
        await until(pilot, lambda: app.focused is app.pane("commissions").table, "the commissions back in the place")
        assert not app.pane("positions").display or not app.pane("positions").region.width


def test_flatten_opens_the_closing_ticket_and_sends_it_after_review(world):
    asyncio.run(_flatten(world))


async def _flatten(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, positions_valued)
        before = len(sent_orders(world))
        await select_position(pilot, "AAPL")
        await pilot.press("f")
        await until(pilot, lambda: screen_name(app) == "TicketScreen" and app.screen.ready(), "the closing ticket")
        ticket = app.screen
        shown = {f: ticket.query_one(f"#f-{f}").value for f in ("side", "quantity", "symbol", "order_type", "account")}
        assert shown == {"side": "SELL", "quantity": "300", "symbol": "AAPL", "order_type": "MKT",
                         "account": "DU1234567"}
        assert len(sent_orders(world)) == before, "nothing sent before the review"
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "Review", "the review")
        await pilot.press("enter")
        [close] = await until(pilot, lambda: [p for p in sent_orders(world) if p.order.action == "SELL"
                                              and p.order.total_quantity == 300], "the closing order")
        assert close.contract.con_id and close.order.order_type == "MKT"
        world.sim.advance(1.0)
        await until(pilot, lambda: held(app).get("AAPL") == 0, "the position closed")


def test_the_kill_switch_cancels_every_order_and_closes_every_position_after_the_word(world):
    asyncio.run(_kill(world))


async def _kill(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        before = await open_kill_switch(pilot, world)
        body = str(app.screen.query_one(".body").render())
        assert "SELL 300 AAPL MKT (DU1234567)" in body and "BUY 100 SPY MKT (DU1234567)" in body
        for ch in "KIL":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause(0.1)
        world.sim.call(lambda: None)
        assert len(sent_orders(world)) == before and not world.sim.recorder.of("reqGlobalCancel"), "not the word"
        await pilot.press("L", "enter")
        await until(pilot, lambda: len(sent_orders(world)) == before + 2, "both closing orders")
        world.sim.recorder.wait("reqGlobalCancel")
        for _ in range(8):
            world.sim.advance(0.25)
        await until(pilot, lambda: set(held(app).values()) == {0} and not app.store.working(), "flat, nothing working")
        ids = [p.order_id for p in sent_orders(world)[before:]]
        assert [app.causes[("new", i)] for i in ids] == [KILL_CAUSE] * 2 and app.causes[("cancel_all", 0)] == KILL_CAUSE


def test_the_kill_switch_is_refused_read_only(world):
    asyncio.run(_kill_read_only(world))


async def _kill_read_only(world):
    app = world.app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, positions_valued)
        await pilot.press("K")
        await pilot.pause(0.1)
        assert screen_name(app) != "ConfirmKill"
        world.sim.call(lambda: None)
        assert not world.sim.recorder.of("reqGlobalCancel")


def test_the_kill_switch_cancels_but_asks_again_to_close_if_a_position_moved_while_its_list_was_read(world):
    asyncio.run(_kill_moved(world))


async def _kill_moved(world):
    from blotter.domain import events as ev
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        before = await open_kill_switch(pilot, world)
        aapl = next(r for r in app.store.positions() if r.contract.symbol == "AAPL")
        world.events.put(ev.Position(aapl.account, aapl.contract, aapl.position + 50, aapl.avg_cost))
        await until(pilot, lambda: held(app)["AAPL"] == aapl.position + 50, "the position moved")
        for ch in "KILL":
            await pilot.press(ch)
        await pilot.press("enter")
        world.sim.recorder.wait("reqGlobalCancel")  # what was confirmed whatever the positions: sent
        await until(pilot, lambda: screen_name(app) == "ConfirmKill" and
                    f"SELL {aapl.position + 50} AAPL MKT" in str(app.screen.query_one(".body").render()),
                    "asked again with the new list")
        assert len(sent_orders(world)) == before, "no position closed on a list that was not confirmed"


def test_the_positions_pane_filters_and_exports_like_the_others(world, tmp_path):
    asyncio.run(_filter_export(world, tmp_path))


async def _filter_export(world, tmp_path):
    import csv

    app = world.app()
    app.export_dirs = [tmp_path]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, positions_valued)
        await pilot.press("5", "slash", "s", "p", "y", "enter")
        pane = app.pane("positions")
        await until(pilot, lambda: len(pane.table.keys) == 1, "only SPY's row")
        await pilot.press("e")
        [written] = await until(pilot, lambda: list(tmp_path.glob("blotter-positions-*.csv")), "the CSV")
    rows = list(csv.reader(written.open(encoding="utf-8")))
    assert rows[0][:3] == ["Symbol", "Position", "Daily P&L"] and [r[:2] for r in rows[1:]] == [["SPY", "-100"]]
