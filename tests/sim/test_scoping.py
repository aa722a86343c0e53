"""Which client sees which orders and fills: own client, client 0 and TWS orders, the master client."""

from __future__ import annotations

from ibapi.execution import ExecutionFilter
from ibapi.order_cancel import OrderCancel

from tests.conftest import make_sim
from tests.ibclient import IBClient
from tests.sim.test_lifecycle import order, run_until_done, stock


def resting_buy(sim, client, order_id: int) -> float:
    """Place a LMT buy well under the market and wait until the sim holds it; returns its price."""
    price = round(sim.call(lambda: sim.market.quote(265598).bid) - 2.0, 2)
    client.placeOrder(order_id, stock(), order("BUY", 100, "LMT", lmt=price))
    client.wait_for("orderStatus", lambda o, st, *r: o == order_id and st == "PreSubmitted")
    return price


def test_a_client_sees_only_its_own_orders_unless_it_asks_for_all(sim, connect):
    one, two = connect(1), connect(2)
    resting_buy(sim, one, 1)
    sim.advance(0.25)
    one.wait_for("orderStatus", lambda o, st, *r: o == 1 and st == "Submitted")
    two.reqOpenOrders()
    two.wait_for("openOrderEnd")
    assert not two.args("openOrder") and not two.args("orderStatus")
    two.reqAllOpenOrders()
    two.wait_for("openOrderEnd", count=2)
    [(oid, contract, placed, state)] = two.args("openOrder")
    assert (oid, contract.symbol, placed.clientId, state.status) == (1, "AAPL", 1, "Submitted")


def test_fills_reach_only_the_owner_and_reqexecutions_is_scoped(sim, connect):
    one, two = connect(1), connect(2)
    one.placeOrder(1, stock(), order("BUY", 100))
    run_until_done(sim, one, 1)
    two.reqExecutions(5, ExecutionFilter())
    two.wait_for("execDetailsEnd")
    assert not two.args("execDetails") and not two.args("commissionAndFeesReport")
    one.reqExecutions(6, ExecutionFilter())
    one.wait_for("execDetailsEnd", lambda req: req == 6)
    assert {a[2].orderId for a in one.args("execDetails") if a[0] == 6} == {1}


def test_client_zero_binds_tws_orders_with_negative_ids_and_can_cancel_them(sim, connect):
    perm_id = sim.tws_order("AAPL", "SELL", 10, "LMT", lmt_price=999.0, tif="GTC")
    sim.advance(0.25)  # the exchange acknowledges it: Submitted
    watcher = connect(1)
    zero = connect(0)
    zero.reqOpenOrders()
    zero.wait_for("openOrderEnd")
    [(bound_perm, api_client, api_order_id)] = zero.args("orderBound")
    assert bound_perm == perm_id and api_client == 0 and api_order_id < 0
    assert [a[0] for a in zero.args("openOrder")] == [api_order_id]
    zero.cancelOrder(api_order_id, OrderCancel())
    zero.wait_for("orderStatus", lambda o, st, *r: o == api_order_id and st == "Cancelled")
    assert not watcher.args("openOrder") and not watcher.args("orderBound")


def test_auto_open_orders_binds_new_tws_orders_for_client_zero_only(sim, connect):
    zero, one = connect(0), connect(1)
    zero.reqAutoOpenOrders(True)
    one.reqAutoOpenOrders(True)
    one.wait_for("error", lambda req, t, code, *r: code not in (2104, 2106, 2158))
    perm_id = sim.tws_order("MSFT", "BUY", 5, "LMT", lmt_price=1.0)
    [(bound_perm, _, api_id)] = zero.wait_for("orderBound")
    assert bound_perm == perm_id and api_id < 0
    zero.wait_for("openOrder", lambda o, c, od, st: o == api_id and c.symbol == "MSFT")
    assert not one.args("orderBound") and not one.args("openOrder")


def test_master_client_sees_every_clients_orders_and_fills(server_version):
    sim = make_sim(master_client_id=9, max_version=server_version)
    one = IBClient().start(sim.port, 1)
    master = IBClient().start(sim.port, 9)
    try:
        one.placeOrder(1, stock(), order("BUY", 100))
        run_until_done(sim, one, 1)
        master.wait_for("orderStatus", lambda o, st, *r: o == 1 and st == "Filled")
        assert {a[2].clientId for a in master.args("execDetails")} == {1}
        master.reqExecutions(3, ExecutionFilter())
        master.wait_for("execDetailsEnd")
        assert [a for a in master.args("execDetails") if a[0] == 3]
    finally:
        one.stop()
        master.stop()
        sim.stop()
