"""Faults on demand: drops keep orders and fills, refused connects, corrections, delays, drop-every."""

from __future__ import annotations

import time

from ibapi.execution import ExecutionFilter

import pytest

from blotter.sim.server import SimConfig, SimServer
from tests.conftest import make_sim
from tests.ibclient import IBClient
from tests.sim.test_lifecycle import order, run_until_done, stock


def test_drop_keeps_orders_and_fills_for_the_next_connection(sim, connect):
    client = connect(1)
    client.placeOrder(1, stock(), order("BUY", 300))
    run_until_done(sim, client, 1)
    price = round(sim.call(lambda: sim.market.quote(265598).bid) - 3.0, 2)
    client.placeOrder(2, stock(), order("BUY", 100, "LMT", lmt=price))
    client.wait_for("orderStatus", lambda o, st, *r: o == 2)
    before = {a[2].execId for a in client.args("execDetails")}

    sim.drop_all()
    client.wait_for("connectionClosed")
    again = connect(1)
    again.reqOpenOrders()
    again.wait_for("openOrderEnd")
    assert [a[0] for a in again.args("openOrder")] == [2]
    again.reqExecutions(1, ExecutionFilter())
    again.wait_for("execDetailsEnd")
    assert {a[2].execId for a in again.args("execDetails")} == before
    assert again.args("nextValidId")[0][0] == 3


def test_refused_while_down_then_accepted(sim, connect):
    sim.refuse()
    refused = IBClient()
    refused.connect("127.0.0.1", sim.port, 1)
    assert not refused.isConnected()
    assert [e[2] for e in refused.errors()] == [502]
    sim.accept()
    client = connect(1)
    client.reqCurrentTime()
    client.wait_for("currentTime")


def test_execution_correction_differs_only_after_the_last_dot(sim, connect):
    client = connect(1)
    client.placeOrder(1, stock(), order("BUY", 100))
    run_until_done(sim, client, 1)
    first = client.args("execDetails")[0][2]
    corrected = sim.correct(first.execId)
    again = client.wait_for("execDetails", lambda req, c, e: e.execId == corrected)[0][2]
    assert corrected.rsplit(".", 1)[0] == first.execId.rsplit(".", 1)[0]
    assert corrected != first.execId
    assert (again.orderId, again.shares, again.price, again.permId) == \
        (first.orderId, first.shares, first.price, first.permId)
    client.wait_for("commissionAndFeesReport", lambda r: r.execId == corrected)
    held = sim.call(lambda: [f.exec_id for f in sim.broker.fills.values()])
    assert corrected in held and first.execId not in held


def test_delay_holds_messages_back(sim, connect):
    client = connect(1)
    sim.set_delay(0.3)
    sent = time.monotonic()
    client.reqCurrentTime()
    client.wait_for("currentTime")
    assert time.monotonic() - sent >= 0.3
    sim.set_delay(0)


def test_drop_every_cuts_connections_on_its_own(server_version):
    sim = make_sim(drop_every=0.2, max_version=server_version)
    client = IBClient().start(sim.port, 1)
    try:
        client.wait_for("connectionClosed")
    finally:
        client.stop()
        sim.stop()


def test_daily_restart_ends_day_orders_keeps_gtc_ones_and_reports_the_fills_made_while_down(sim, connect):
    client = connect(1)
    quote = sim.call(lambda: sim.market.quote(265598))
    far, marketable = round(quote.bid - 5.0, 2), round(quote.ask + 5.0, 2)
    client.placeOrder(1, stock(), order("BUY", 100, "LMT", lmt=far, tif="DAY"))
    client.placeOrder(2, stock(), order("BUY", 100, "LMT", lmt=far, tif="GTC"))
    client.placeOrder(3, stock(), order("BUY", 100, "LMT", lmt=marketable, tif="GTC"))
    client.wait_for("openOrder", lambda oid, *rest: oid == 3)
    perm_ids = {oid: o.permId for oid, c, o, state in client.args("openOrder")}

    sim.daily_restart()  # TWS's nightly restart: down until accept()
    client.wait_for("connectionClosed")
    refused = IBClient()
    refused.connect("127.0.0.1", sim.port, 1)
    assert [e[2] for e in refused.errors()] == [502], "connections are refused while TWS restarts"
    sim.advance(1.0)  # the market goes on meanwhile: order 3 fills with nobody connected
    sim.accept()

    again = connect(1)
    assert again.args("nextValidId")[0][0] == 4, "the order id sequence goes on"
    again.reqOpenOrders()
    again.wait_for("openOrderEnd")
    assert [(oid, o.permId) for oid, c, o, state in again.args("openOrder")] == [(2, perm_ids[2])]
    again.reqCompletedOrders(False)
    again.wait_for("completedOrdersEnd")
    ended = {o.permId: state.status for c, o, state in again.args("completedOrder")}
    assert ended == {perm_ids[1]: "Cancelled", perm_ids[3]: "Filled"}
    again.reqExecutions(1, ExecutionFilter())
    again.wait_for("execDetailsEnd")
    assert {e.permId for req, c, e in again.args("execDetails")} == {perm_ids[3]}


def test_restart_every_refuses_then_accepts_on_its_own(server_version):
    sim = make_sim(restart_every=0.2, restart_for=1.0, max_version=server_version)
    client = IBClient().start(sim.port, 1)
    try:
        client.wait_for("connectionClosed")
        attempts, deadline = 0, time.monotonic() + 10
        while time.monotonic() < deadline:  # each connect is refused at once until TWS listens again
            attempts += 1
            again = IBClient()
            again.connect("127.0.0.1", sim.port, 2)
            if again.isConnected():
                again.disconnect()
                break
        else:
            raise AssertionError("the simulator never listened again after its restart")
        assert attempts > 1, "connections were refused for a while"
    finally:
        client.stop()
        sim.stop()


def test_a_restart_time_that_is_no_time_of_day_is_refused():
    with pytest.raises(ValueError, match="HH:MM"):
        SimServer(SimConfig(restart_at="25:00"))
