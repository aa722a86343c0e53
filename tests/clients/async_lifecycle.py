"""A whole order lifecycle by a popular asyncio client (ib_async or ib_insync), as a script.

    python tests/clients/async_lifecycle.py PORT ib_async|ib_insync

Its default connect (positions, open and completed orders, account updates and their multi form,
executions; a request left unanswered past the timeout fails the run), a resting limit modified and
cancelled, a marketable order with its fill and commission, then executions and completed orders
asked for again. Prints one JSON object and exits 0, or 1 when a wait runs out.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
import time
from typing import Any

WAIT = 15.0


def run(port: int, lib: str) -> dict[str, Any]:
    ib_lib = importlib.import_module(lib)
    ib = ib_lib.IB()
    errors: list[list[Any]] = []
    ib.errorEvent += lambda req_id, code, message, *rest: errors.append([req_id, code, message])
    timed_out = _TimeoutsLogged()
    logging.getLogger(lib).addHandler(timed_out)
    try:
        ib.connect("127.0.0.1", port, clientId=6, timeout=WAIT)
        if timed_out.messages:  # the client logs a request left unanswered and carries on
            raise ConnectionError(timed_out.messages)
        version = ib.client.serverVersion()
        stock = ib_lib.Stock("AAPL", "SMART", "USD")
        [details] = ib.reqContractDetails(stock)
        contract = details.contract
        ib.reqMarketDataType(3)
        [ticker] = ib.reqTickers(contract)
        bid = next(p for p in (ticker.bid, ticker.last, ticker.close) if p == p and p > 0)  # nan: none
        far = round(bid * 0.9, 2)

        resting = ib.placeOrder(contract, ib_lib.LimitOrder("BUY", 100, far))
        _until(ib, lambda: resting.orderStatus.status == "Submitted", "the resting order working")
        resting.order.lmtPrice = round(far - 1, 2)
        ib.placeOrder(contract, resting.order)
        _until(ib, lambda: any(abs(o.lmtPrice - (far - 1)) < 1e-9 for o in ib.openOrders()
                               if o.orderId == resting.order.orderId), "the modify acknowledged")
        ib.cancelOrder(resting.order)
        _until(ib, lambda: resting.orderStatus.status == "Cancelled", "the cancel")

        marketable = ib.placeOrder(contract, ib_lib.MarketOrder("BUY", 100))
        _until(ib, lambda: marketable.orderStatus.status == "Filled" and marketable.fills
               and marketable.fills[-1].commissionReport.execId, "the fill with its commission")
        exec_id = marketable.fills[-1].execution.execId
        reported = [f.execution.execId for f in ib.reqExecutions(ib_lib.ExecutionFilter(symbol="AAPL"))]
        completed = [t.order.permId for t in ib.reqCompletedOrders(False)]
        return {"server_version": version, "errors": errors, "resting": resting.order.orderId,
                "exec_id": exec_id, "executions_reported": reported, "completed": sorted(set(completed)),
                "order_perm_ids": sorted({resting.order.permId, marketable.order.permId}), "problems": [],
                "positions": [[p.contract.symbol, float(p.position)] for p in ib.positions()],
                "account_values": len(ib.accountValues())}
    finally:
        ib.disconnect()


class _TimeoutsLogged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "timed out" in record.getMessage():
            self.messages.append(record.getMessage())


def _until(ib: Any, done: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: nothing within {WAIT}s")
        ib.waitOnUpdate(timeout=1)  # returns at the client's next update: waits on the event, not a clock


if __name__ == "__main__":
    try:
        print(json.dumps(run(int(sys.argv[1]), sys.argv[2])))
    except (TimeoutError, ConnectionError) as exc:
        print(json.dumps({"timeout": f"{type(exc).__name__}: {exc}"}))
        sys.exit(1)
