"""Orders typed while the connection drops: each reaches TWS exactly once, or the trader is told it did not."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from blotter.domain.status import OrderStatus
from tests.ui.conftest import SIZE, settle, until
from tests.ui.test_keys import type_order

ORDERS = 12


def test_twelve_orders_typed_through_drops_are_each_sent_once_or_said_not_to_be(world):
    asyncio.run(_test_twelve_orders_typed_through_drops(world))


async def _test_twelve_orders_typed_through_drops(world):
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for i in range(ORDERS):
            await type_order(pilot, f"BUY {i + 1} AAPL STK LMT 200")
            await pilot.press("enter")
            await until(pilot, lambda: app.screen.__class__.__name__ == "Review", "the review")
            if i % 3 == 1:
                world.sim.drop_all()  # the connection goes as the trader transmits
            await pilot.press("enter")
            await until(pilot, lambda: app.screen.__class__.__name__ != "Review", "the review closed")
            await settle(pilot)  # connected and resynced again before the next ticket
        world.sim.call(lambda: None)
        placed = [r.request for r in world.sim.recorder.of("placeOrder") if not r.request.order.what_if]
        refused = [m for m in app.store.messages() if m.text.startswith("new refused")]
        rows = [r for r in app.store.orders() if r.contract.symbol == "AAPL" and r.order.order_type == "LMT"
                and r.order.lmt_price == 200.0 and r.order.total_quantity <= ORDERS]
    unsent = []
    for qty in range(1, ORDERS + 1):
        at_tws = [p for p in placed if p.order.total_quantity == Decimal(qty) and p.order.lmt_price == 200.0]
        assert len(at_tws) <= 1, f"order of {qty} sent {len(at_tws)} times"
        row = next((r for r in rows if r.order.total_quantity == qty), None)
        if not at_tws and not (row is not None and row.status in (OrderStatus.INACTIVE, OrderStatus.UNREPORTED)):
            assert row is None, f"order of {qty} is shown {row.status.value} but never reached TWS"
            unsent.append(qty)
    assert len(refused) == len(unsent), f"orders {unsent} neither reached TWS nor were refused: {refused}"
