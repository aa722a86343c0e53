"""The order under the cursor stays under it while other orders come and go: `m` and `c` act on the
order the trader selected, not on whichever row slid into its place."""

from __future__ import annotations

import asyncio
import queue
import time
from decimal import Decimal
from typing import Any

from blotter.config import Settings
from blotter.domain import events as ev
from blotter.ui.app import BlotterApp
from tests.ui.conftest import Offline, until

SIZE = (140, 40)


def placed(n: int, symbol: str) -> ev.OpenOrder:
    contract = ev.ContractRef(con_id=100 + n, symbol=symbol, sec_type="STK", exchange="SMART", currency="USD")
    order = ev.OrderFields(action="BUY", total_quantity=Decimal(100), order_type="LMT", lmt_price=10.0 + n,
                           tif="DAY", account="DU1234567")
    return ev.OpenOrder(n, 1, 7000 + n, contract, order, "Submitted", received=time.time())


def filled(n: int) -> ev.StatusUpdate:
    return ev.StatusUpdate(n, "Filled", Decimal(100), Decimal(0), 10.0 + n, 7000 + n, 0, 10.0 + n, 1,
                           received=time.time())


def test_the_selected_order_stays_selected_as_others_fill_and_arrive():
    asyncio.run(_selected_order_stays())


async def _selected_order_stays():
    events: queue.SimpleQueue[Any] = queue.SimpleQueue()
    events.put(ev.Connection(ev.ConnState.CONNECTED, "test", "127.0.0.1", 7497, 1, 200, time.time()))
    for n, symbol in enumerate(("AAPL", "MSFT", "SPY", "QQQ", "IBM"), start=1):
        events.put(placed(n, symbol))
    app = BlotterApp(Settings(client_id=1), Offline(), events)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        orders = app.pane("orders")
        await until(pilot, lambda: len(orders.table.keys) == 5, "five working orders")
        await pilot.press("1", "j", "j", "j")  # down to QQQ
        chosen = app.selected_order()
        assert chosen is not None and chosen.contract.symbol == "QQQ"

        for changes, left in (([filled(1)], 4), ([placed(6, "TSLA")], 5),
                              ([filled(2), placed(7, "NVDA")], 5)):  # one row above goes as one comes below
            for change in changes:
                events.put(change)
            await until(pilot, lambda: len(orders.table.keys) == left and app.events.empty(),
                        f"{left} working orders")
            await pilot.pause()
            now = app.selected_order()
            assert now is not None and now.key == chosen.key, f"the cursor moved to {now and now.contract.symbol}"
