"""The whole order lifecycle through IB's own client against the simulated TWS."""

from __future__ import annotations

from decimal import Decimal

from ibapi.contract import Contract
from ibapi.execution import ExecutionFilter
from ibapi.order import Order
from ibapi.order_cancel import OrderCancel

from blotter.sim.versions import PROTOBUF_REST_MESSAGES_1

UNSET = 1.7976931348623157e308
AAPL = 265598


def stock(symbol: str = "AAPL") -> Contract:
    c = Contract()
    c.symbol, c.secType, c.exchange, c.currency = symbol, "STK", "SMART", "USD"
    return c


def order(action: str, qty: int | str, order_type: str = "MKT", lmt: float | None = None,
          aux: float | None = None, tif: str = "DAY") -> Order:
    o = Order()
    o.action, o.totalQuantity, o.orderType, o.tif = action, Decimal(str(qty)), order_type, tif
    if lmt is not None:
        o.lmtPrice = lmt
    if aux is not None:
        o.auxPrice = aux
    return o


def fills_of(client, order_id: int) -> list:
    return [a[2] for a in client.args("execDetails") if a[2].orderId == order_id]


def run_until_done(sim, client, order_id: int, status: str = "Filled", steps: int = 200) -> None:
    """Step the simulator's clock until the client has seen `status` for the order."""
    for _ in range(steps):
        if status in client.statuses(order_id):
            return
        sim.advance(0.25)
    client.wait_for("orderStatus", lambda oid, st, *rest: oid == order_id and st == status)


def test_contract_details_resolve_a_stock(sim, connect):
    client = connect()
    client.reqContractDetails(7, stock())
    client.wait_for("contractDetailsEnd", lambda req: req == 7)
    details = [a[1] for a in client.args("contractDetails") if a[0] == 7]
    assert [d.contract.conId for d in details] == [AAPL]
    assert details[0].minTick == 0.01
    assert details[0].contract.primaryExchange == "NASDAQ"


def test_limit_rests_is_modified_then_cancelled(sim, connect):
    client = connect()
    oid = client.wait_for("nextValidId")[0][0]
    bid = sim.call(lambda: sim.market.quote(AAPL).bid)
    price = round(bid - 1.0, 2)
    client.placeOrder(oid, stock(), order("BUY", 100, "LMT", lmt=price))
    client.wait_for("orderStatus", lambda o, st, *r: o == oid and st == "PreSubmitted")
    sim.advance(0.25)
    client.wait_for("orderStatus", lambda o, st, *r: o == oid and st == "Submitted")
    assert client.statuses(oid)[0] == "PreSubmitted"
    opened = client.wait_for("openOrder", lambda o, c, od, state: o == oid)[0]
    assert opened[2].lmtPrice == price and opened[2].totalQuantity == Decimal(100)

    client.placeOrder(oid, stock(), order("BUY", 100, "LMT", lmt=round(price - 0.5, 2)))
    client.wait_for("openOrder", lambda o, c, od, state: o == oid and od.lmtPrice == round(price - 0.5, 2))
    held = sim.call(lambda: sim.broker.by_key[(1, oid)])
    assert held.spec.lmt_price == round(price - 0.5, 2) and held.filled == 0

    client.cancelOrder(oid, OrderCancel())
    client.wait_for("orderStatus", lambda o, st, *r: o == oid and st == "Cancelled")
    assert [e[2] for e in client.errors() if e[0] == oid] == [202]
    assert sim.call(lambda: sim.broker.by_key[(1, oid)].state.status) == "Cancelled"


def test_market_order_fills_in_parts_with_exact_totals(sim, connect):
    client = connect()
    oid = client.wait_for("nextValidId")[0][0]
    client.placeOrder(oid, stock(), order("BUY", 1500))
    run_until_done(sim, client, oid)
    fills = fills_of(client, oid)
    assert len(fills) >= 2, "a 1,500-share market order should fill in parts against the touch"
    assert sum(f.shares for f in fills) == Decimal(1500)
    held = sim.call(lambda: sim.broker.by_key[(1, oid)])
    assert fills[-1].cumQty == Decimal(1500)
    assert abs(fills[-1].avgPrice - held.avg_fill_price) < 1e-6
    client.wait_for("commissionAndFeesReport", lambda r: r.execId == fills[-1].execId)
    reports = {a[0].execId: a[0] for a in client.args("commissionAndFeesReport")}
    ours = {f.exec_id: f for f in sim.call(lambda: list(sim.broker.fills.values()))}
    assert {f.execId for f in fills} <= set(reports)
    assert sum(reports[f.execId].commissionAndFees for f in fills) == \
        sum(ours[f.execId].commission for f in fills)
    # nothing realized: unset in text; in protobuf the field is absent, which ibapi reads as 0.0
    nothing = UNSET if sim.config.max_version < PROTOBUF_REST_MESSAGES_1 else 0.0
    assert all(reports[f.execId].realizedPNL == nothing for f in fills), "opening fills realize nothing"


def test_closing_trade_reports_realized_pnl(sim, connect):
    client = connect()
    oid = client.wait_for("nextValidId")[0][0]
    client.placeOrder(oid, stock(), order("BUY", 200))
    run_until_done(sim, client, oid)
    client.placeOrder(oid + 1, stock(), order("SELL", 200))
    run_until_done(sim, client, oid + 1)
    closing = fills_of(client, oid + 1)
    client.wait_for("commissionAndFeesReport", lambda r: r.execId == closing[-1].execId)
    reports = {a[0].execId: a[0] for a in client.args("commissionAndFeesReport")}
    pnl = [reports[f.execId].realizedPNL for f in closing]
    assert all(p != UNSET for p in pnl)
    ours = sim.call(lambda: [f.realized_pnl for f in sim.broker.fills.values() if f.order_id == oid + 1])
    assert [round(p, 2) for p in pnl] == ours


def test_executions_by_filter_and_completed_orders(sim, connect):
    client = connect()
    oid = client.wait_for("nextValidId")[0][0]
    client.placeOrder(oid, stock(), order("BUY", 100))
    client.placeOrder(oid + 1, stock("MSFT"), order("BUY", 100))
    run_until_done(sim, client, oid)
    run_until_done(sim, client, oid + 1)
    client.placeOrder(oid + 2, stock(), order("SELL", 100))
    run_until_done(sim, client, oid + 2)

    flt = ExecutionFilter()
    flt.symbol, flt.side = "AAPL", "BUY"
    client.reqExecutions(42, flt)
    client.wait_for("execDetailsEnd", lambda req: req == 42)
    got = [a for a in client.args("execDetails") if a[0] == 42]
    assert got and all(c.symbol == "AAPL" and e.side == "BOT" for _, c, e in got)
    assert {e.orderId for _, c, e in got} == {oid}

    client.reqCompletedOrders(True)
    client.wait_for("completedOrdersEnd")
    done = client.args("completedOrder")
    assert {(c.symbol, o.action, s.status) for c, o, s in done} >= {
        ("AAPL", "BUY", "Filled"), ("MSFT", "BUY", "Filled"), ("AAPL", "SELL", "Filled")}


def test_off_tick_price_is_rejected_and_creates_no_order(sim, connect):
    client = connect()
    oid = client.wait_for("nextValidId")[0][0]
    client.placeOrder(oid, stock(), order("BUY", 100, "LMT", lmt=144.805))
    client.wait_for("error", lambda req, t, code, *r: req == oid)
    assert [e[2] for e in client.errors() if e[0] == oid] == [110]
    sim.advance(0.25)
    client.reqOpenOrders()
    client.wait_for("openOrderEnd")
    assert not [a for a in client.args("openOrder") if a[0] == oid]
    assert sim.call(lambda: (1, oid) not in sim.broker.by_key)


def test_duplicate_order_id_is_rejected_and_creates_no_order(sim, connect):
    client = connect()
    oid = client.wait_for("nextValidId")[0][0] + 5
    client.placeOrder(oid, stock(), order("BUY", 100, "LMT", lmt=1.0))
    client.wait_for("openOrder", lambda o, *r: o == oid)
    client.cancelOrder(oid, OrderCancel())
    client.wait_for("orderStatus", lambda o, st, *r: o == oid and st in ("Cancelled", "ApiCancelled"))
    before = sim.call(lambda: len(sim.broker.orders))
    client.placeOrder(oid, stock(), order("BUY", 100, "LMT", lmt=1.0))  # reuses a finished order's id
    client.placeOrder(oid - 2, stock(), order("BUY", 100, "LMT", lmt=1.0))  # below the last id used
    client.wait_for("error", lambda req, t, code, *r: code == 103, count=2)
    assert sim.call(lambda: len(sim.broker.orders)) == before
