"""A whole order lifecycle by IB's own client (whichever ibapi release is first on sys.path), as a script.

    python tests/clients/ibapi_lifecycle.py PORT

Connects at the client's highest version, asks what popular clients ask on connect (accounts,
positions, P&L, summaries, contract and market data), places a resting limit, modifies and cancels
it, sends a marketable order and waits for its execution and commission, then asks for executions and
completed orders. Every frame is checked as ibapi reads it: a text message must use every field, no
more, no fewer; a protobuf message must hold no field the release does not know and nothing its
decoder drops. Prints one JSON object (the events, the errors, the frame problems) and exits 0, or 1
on a timeout.
"""

from __future__ import annotations

import json
import sys
import threading
from decimal import Decimal
from typing import Any

from ibapi.client import EClient
from ibapi.contract import Contract
from ibapi.execution import ExecutionFilter
from ibapi.order import Order
from ibapi.order_cancel import OrderCancel
from ibapi.server_versions import MAX_CLIENT_VER
from ibapi.wrapper import EWrapper

WAIT = 15.0


class Recorder(EWrapper):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.cond = threading.Condition()
        self.problems: list[str] = []
        self.last_protobuf_size = 0


def _record(name: str):
    def method(self: Recorder, *args: Any) -> None:
        if name.endswith("ProtoBuf") and args and hasattr(args[0], "ByteSize"):
            _check_protobuf(self, name, args[0])
        with self.cond:
            self.calls.append((name, args))
            self.cond.notify_all()
    method.__name__ = name
    return method


def _check_protobuf(rec: Recorder, name: str, message: Any) -> None:
    """Nothing left over: every byte of the payload is a field this release knows."""
    from google.protobuf.unknown_fields import UnknownFieldSet
    unknown = len(UnknownFieldSet(message))
    if unknown or message.ByteSize() != rec.last_protobuf_size:
        rec.problems.append(f"{name}: {unknown} unknown field(s), {message.ByteSize()} of "
                            f"{rec.last_protobuf_size} bytes read")


for _name in dir(EWrapper):
    if not _name.startswith("_") and callable(getattr(EWrapper, _name)) and _name != "logAnswer":
        setattr(Recorder, _name, _record(_name))


class _Counting:
    def __init__(self, fields: tuple[bytes, ...]) -> None:
        self.fields, self.taken = fields, 0

    def __iter__(self) -> "_Counting":
        return self

    def __next__(self) -> bytes:
        if self.taken >= len(self.fields):
            raise StopIteration
        self.taken += 1
        return self.fields[self.taken - 1]


def watch_decoder(client: EClient, rec: Recorder) -> None:
    """Check every message this client decodes (the decoder instance only: ibapi's modules stay as they are)."""
    decoder = client.decoder
    interpret, process_protobuf = decoder.interpret, decoder.processProtoBuf

    def checked_interpret(fields: tuple[bytes, ...], msg_id: int) -> None:
        info = decoder.msgId2handleInfo.get(msg_id)
        if info is None or info.processMeth is None:
            params = info.wrapperParams if info is not None else None
            if params is not None and len(fields) != len(params):  # the message version, then one per argument
                rec.problems.append(f"text message {msg_id}: {len(fields)} fields for {len(params)}")
            return interpret(fields, msg_id)
        counting = _Counting(fields)
        info.processMeth(decoder, counting)
        if counting.taken != len(fields):
            rec.problems.append(f"text message {msg_id}: read {counting.taken} of {len(fields)} fields")

    def checked_protobuf(payload: bytes, msg_id: int) -> None:
        rec.last_protobuf_size = len(payload)
        before = len(rec.calls)
        process_protobuf(payload, msg_id)
        made = [c[0] for c in rec.calls[before:]]
        if len(made) < 2 and msg_id not in _ONLY_PROTOBUF_CALLBACK:
            rec.problems.append(f"protobuf message {msg_id}: the decoder dropped it ({made})")

    decoder.interpret, decoder.processProtoBuf = checked_interpret, checked_protobuf


_ONLY_PROTOBUF_CALLBACK: set[int] = set()


class Lifecycle:
    def __init__(self, port: int) -> None:
        self.rec = Recorder()
        self.client = EClient(self.rec)
        self.port = port

    def wait(self, name: str, match=lambda *a: True, count: int = 1) -> list[tuple[Any, ...]]:
        def hits() -> list[tuple[Any, ...]]:
            return [a for n, a in self.rec.calls if n == name and match(*a)]
        with self.rec.cond:
            if not self.rec.cond.wait_for(lambda: len(hits()) >= count, WAIT):
                raise TimeoutError(f"no {name} within {WAIT}s")
            return hits()

    def run(self) -> dict[str, Any]:
        c = self.client
        c.connect("127.0.0.1", self.port, 5)
        watch_decoder(c, self.rec)
        threading.Thread(target=c.run, daemon=True).start()
        [(order_id,)] = self.wait("nextValidId")
        [(accounts,)] = self.wait("managedAccounts")
        account = accounts.split(",")[0]
        version = c.serverVersion()
        c.reqCurrentTime()
        self.wait("currentTime")
        if version >= 197:
            c.reqCurrentTimeInMillis()
            self.wait("currentTimeInMillis")
        c.reqManagedAccts()
        self.wait("managedAccounts", count=2)
        c.reqPositions()
        self.wait("positionEnd")
        c.reqAccountUpdatesMulti(9001, account, "", True)
        self.wait("accountUpdateMultiEnd", lambda r: r == 9001)
        c.reqPositionsMulti(9002, account, "")
        self.wait("positionMultiEnd", lambda r: r == 9002)
        c.reqAccountSummary(9003, "All", "NetLiquidation,BuyingPower")
        self.wait("accountSummaryEnd", lambda r: r == 9003)
        c.reqPnL(9004, account, "")
        self.wait("pnl", lambda r, *a: r == 9004)
        if version >= 167:  # ibapi sends reqUserInfo from MIN_SERVER_VER_USER_INFO on
            c.reqUserInfo(9005)
            self.wait("userInfo", lambda r, *a: r == 9005)
        c.reqMatchingSymbols(9006, "AAP")
        self.wait("symbolSamples", lambda r, *a: r == 9006)
        c.reqSecDefOptParams(9007, "AAPL", "", "STK", 265598)
        self.wait("securityDefinitionOptionParameterEnd", lambda r: r == 9007)
        stock = Contract()
        stock.symbol, stock.secType, stock.exchange, stock.currency = "AAPL", "STK", "SMART", "USD"
        c.reqContractDetails(9008, stock)
        [(_, details)] = self.wait("contractDetails", lambda r, d: r == 9008)
        self.wait("contractDetailsEnd", lambda r: r == 9008)
        rule = int(details.marketRuleIds.split(",")[0])
        c.reqMarketRule(rule)
        self.wait("marketRule", lambda r, p: r == rule)
        c.reqMarketDataType(3)
        c.reqMktData(9009, stock, "", True, False, [])
        self.wait("tickSnapshotEnd", lambda r: r == 9009)
        bids = [a[2] for a in self.wait("tickPrice", lambda r, t, *a: r == 9009 and t in (1, 66))]
        c.reqPnLSingle(9010, account, "", details.contract.conId)
        self.wait("pnlSingle", lambda r, *a: r == 9010)
        c.reqOpenOrders()
        self.wait("openOrderEnd")

        # by conId: ibapi 10.37.2 fails to encode a contract with a primary exchange (primaryExch in its schema)
        traded = Contract()
        traded.conId, traded.exchange = details.contract.conId, "SMART"
        resting = order_id
        far = round(bids[0] * 0.9, 2)
        c.placeOrder(resting, traded, limit("BUY", 100, far))
        self.wait("orderStatus", lambda i, s, *a: i == resting and s == "Submitted")
        c.placeOrder(resting, traded, limit("BUY", 100, round(far - 1, 2)))
        self.wait("openOrder", lambda i, ct, o, st: i == resting and abs(o.lmtPrice - (far - 1)) < 1e-9)
        c.cancelOrder(resting, OrderCancel())
        self.wait("orderStatus", lambda i, s, *a: i == resting and s == "Cancelled")

        marketable = resting + 1
        market = Order()
        market.action, market.orderType, market.totalQuantity, market.tif = "BUY", "MKT", Decimal(100), "DAY"
        c.placeOrder(marketable, traded, market)
        [(_, _, execution)] = self.wait("execDetails", lambda r, ct, e: e.orderId == marketable)
        self.wait("commissionAndFeesReport", lambda r: r.execId == execution.execId)
        self.wait("orderStatus", lambda i, s, *a: i == marketable and s == "Filled")

        wanted = ExecutionFilter()
        wanted.symbol, wanted.side = "AAPL", "BUY"
        c.reqExecutions(9011, wanted)
        self.wait("execDetailsEnd", lambda r: r == 9011)
        c.reqCompletedOrders(False)
        self.wait("completedOrdersEnd")
        for cancel, req_id in ((c.cancelPnL, 9004), (c.cancelPnLSingle, 9010), (c.cancelPositionsMulti, 9002),
                               (c.cancelAccountUpdatesMulti, 9001), (c.cancelAccountSummary, 9003)):
            cancel(req_id)
        c.reqCurrentTime()  # the cancels were read: TWS answers in order
        self.wait("currentTime", count=2)
        return self.summary(version, resting, marketable, execution.execId)

    def summary(self, version: int, resting: int, marketable: int, exec_id: str) -> dict[str, Any]:
        def args(name: str) -> list[tuple[Any, ...]]:
            return [a for n, a in self.rec.calls if n == name]
        return {
            "client_max_version": MAX_CLIENT_VER, "server_version": version,
            "errors": [[a[0], a[2], a[3]] for a in args("error")],
            "problems": self.rec.problems,
            "resting": resting, "marketable": marketable,
            "executions_reported": [a[2].execId for a in args("execDetails") if a[0] == 9011],
            "exec_id": exec_id,
            "completed": sorted({a[1].permId for a in args("completedOrder")}),
            "order_perm_ids": sorted({a[5] for a in args("orderStatus") if a[0] in (resting, marketable)}),
            "protobuf_callbacks": sorted({n for n, _ in self.rec.calls if n.endswith("ProtoBuf")}),
            "callbacks": sorted({n for n, _ in self.rec.calls if not n.endswith("ProtoBuf")}),
        }


def limit(action: str, qty: int, price: float) -> Order:
    order = Order()
    order.action, order.orderType, order.totalQuantity, order.lmtPrice, order.tif = (
        action, "LMT", Decimal(qty), price, "DAY")
    return order


if __name__ == "__main__":
    lifecycle = Lifecycle(int(sys.argv[1]))
    try:
        print(json.dumps(lifecycle.run()))
    except TimeoutError as exc:
        print(json.dumps({"timeout": f"{exc}; last calls: {[n for n, _ in lifecycle.rec.calls[-8:]]}",
                          "errors": [[a[0], a[2], a[3]] for n, a in lifecycle.rec.calls if n == "error"]}))
        sys.exit(1)
    finally:
        lifecycle.client.disconnect()  # ibapi's reader thread would keep the process alive
