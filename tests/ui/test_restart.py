"""TWS's daily restart: the blotter rides through it, says what happened meanwhile, and warns before it."""

from __future__ import annotations

import asyncio

from blotter.domain.events import ConnState
from blotter.domain.keys import OrderKey
from blotter.domain.status import OrderStatus
from blotter.sim import instruments
from blotter.sim.model import ContractSpec
from tests.ui.conftest import SIZE, screen_name, settle, until
from tests.ui.test_keys import placed, type_order


def test_the_blotter_rides_through_the_daily_restart_and_says_what_the_gap_held(world):
    asyncio.run(_rides_through(world))


async def _rides_through(world):
    sim = world.sim
    spy = instruments.find(ContractSpec(symbol="SPY", sec_type="STK"))[0].con_id
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        gtc = next(r for r in app.store.working() if r.order.tif == "GTC")  # a TWS order, MSFT
        ask = sim.call(lambda: sim.market.quote(spy).ask)
        await type_order(pilot, f"BUY 10 SPY LMT {ask + 1:.2f} GTC")  # marketable: fills at the next step
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "Review", "the review")
        await pilot.press("enter")
        [spy_order] = await until(pilot, lambda: [p for p in placed(world) if p.contract.symbol == "SPY"
                                                  and p.order.total_quantity == 10 and not p.order.what_if],
                                  "the order at the simulator")
        await settle(pilot, lambda app: app.store.order_by_id(0, spy_order.order_id) is not None)
        fills_before = app.store.fill_count()

        sim.daily_restart()  # down until accept(): the blotter keeps trying
        await settle(pilot, lambda app: app.store.connection.retry_at > 0, resynced=False)
        status_line = str(app.query_one("#status").render())
        assert "LOST" in status_line and "down 0s" in status_line and "retry in 1s" in status_line
        sim.advance(1.0)  # the market goes on while TWS restarts: the SPY order fills
        sim.accept()
        await settle(pilot, lambda app: any(m.text.startswith("back after") for m in app.store.messages()))

        store = app.store
        [gap] = [m.text for m in store.messages() if m.text.startswith("back after")]
        assert "1 fill arrived (BOT 10 SPY @" in gap and "#3 AAPL Cancelled" in gap
        assert store.order_by_id(0, 3).status is OrderStatus.CANCELLED, "the DAY order ended with the day"
        kept = store.order(OrderKey(gtc.perm_id))
        assert kept is not None and kept.status is OrderStatus.SUBMITTED, "the GTC order works on, same perm id"
        spy_row = store.order_by_id(0, spy_order.order_id)
        assert spy_row.status is OrderStatus.FILLED and spy_row.filled == 10
        assert store.fill_count() == fills_before + 1, "the fill made while TWS was down, once"
        assert store.connection.state is ConnState.CONNECTED and store.connection.down_since == 0

        await type_order(pilot, "BUY 1 AAPL LMT 150")
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "Review", "the review after the restart")
        await pilot.press("enter")
        after = await until(pilot, lambda: [p for p in placed(world) if p.contract.symbol == "AAPL"
                                            and p.order.total_quantity == 1 and not p.order.what_if], "the new order")
        assert after[0].order_id > spy_order.order_id, "TWS's order ids go on after its restart"


def test_a_transmit_in_the_minute_before_the_restart_asks_once_more(world):
    asyncio.run(_asks_once_more(world))


async def _asks_once_more(world):
    app = world.app(tws={"restart": "15:01"})  # the fixed clock says 15:00:00
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_order(pilot, "BUY 1 AAPL LMT 150")
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "Review", "the review")
        assert "daily restart is 60 s away" in str(app.screen.query_one("#restart").render())
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "Confirm", "the restart confirmation")
        await pilot.press("n")
        await until(pilot, lambda: screen_name(app) == "Review", "back at the review")
        world.sim.call(lambda: None)
        assert not [p for p in placed(world) if not p.order.what_if and p.order.total_quantity == 1]
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "Confirm", "asked again")
        await pilot.press("y")
        [sent] = await until(pilot, lambda: [p for p in placed(world) if not p.order.what_if
                                             and p.order.total_quantity == 1], "the order at the simulator")
        assert app.causes[("new", sent.order_id)] == "ticket: reviewed, Enter, sent as TWS restarts"


def test_no_extra_question_outside_the_minute_before(world):
    asyncio.run(_no_extra_question(world))


async def _no_extra_question(world):
    app = world.app(tws={"restart": "15:02"})  # two minutes away
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_order(pilot, "BUY 1 AAPL LMT 150")
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "Review", "the review")
        assert not app.screen.query("#restart")
        await pilot.press("enter")
        await until(pilot, lambda: [p for p in placed(world) if not p.order.what_if
                                    and p.order.total_quantity == 1], "the order at the simulator")
