"""The session against the simulated TWS: connecting, refusals, pacing, reconnect and resync."""

from __future__ import annotations

import socket
import threading
from decimal import Decimal

import pytest

from blotter.domain import events as ev
from blotter.ib.connect import ConnectError
from blotter.ib.session import Session, SessionConfig
from tests.ib.conftest import Events

AAPL = ev.ContractRef(symbol="AAPL", sec_type="STK", exchange="SMART", currency="USD")


def lmt(action: str, qty: int, price: float) -> ev.OrderFields:
    return ev.OrderFields(action=action, total_quantity=Decimal(qty), order_type="LMT", lmt_price=price, tif="DAY")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_nothing_listening_is_one_clear_line():
    port = free_port()
    s = Session(SessionConfig(port=port, client_id=1, connect_timeout=2), Events().put)
    with pytest.raises(ConnectError) as err:
        s.connect()
    s.stop()
    text = str(err.value)
    assert "\n" not in text and f"127.0.0.1:{port}" in text and "refused" in text.lower()


@pytest.mark.parametrize("answer, why", [(None, "no handshake within 0.5s"),
                                          (b"\x00\x00\x00\x08two\x00hun\x00", "could not be read")])
def test_a_tws_that_never_answers_the_handshake_or_garbles_it_is_one_clear_line(answer, why):
    with socket.create_server(("127.0.0.1", 0)) as server:  # the kernel accepts; nobody answers
        s = Session(SessionConfig(port=server.getsockname()[1], client_id=1, connect_timeout=0.5), Events().put)
        if answer is not None:
            threading.Thread(target=lambda: server.accept()[0].sendall(answer), daemon=True).start()
        with pytest.raises(ConnectError, match=why) as err:
            s.connect()
        s.stop()
    assert "\n" not in str(err.value)


def test_client_id_in_use_is_refused_with_the_reason(session, sim):
    session(client_id=7)
    s = Session(SessionConfig(port=sim.port, client_id=7), Events().put)
    with pytest.raises(ConnectError, match="client id 7 is already in use"):
        s.connect()
    s.stop()


def test_connect_resyncs_open_then_completed_then_executions_then_follows_the_account(session, sim):
    s, events = session(client_id=1)
    events.wait(ev.Resynced)
    sim.recorder.wait("reqAccountSummary")
    names = [r.name for r in sim.recorder.received if r.client_id == 1]
    assert names == ["reqOpenOrders", "reqCompletedOrders", "reqExecutions", "reqPositions", "reqPnL",
                     "reqAccountSummary"]
    assert [e.state for e in events.of(ev.Connection)][:2] == [ev.ConnState.CONNECTING, ev.ConnState.CONNECTED]


def test_client_zero_binds_and_sees_all_orders(session, sim):
    s, events = session(client_id=0)
    events.wait(ev.Resynced)
    names = [r.name for r in sim.recorder.received if r.client_id == 0]
    assert names[:5] == ["reqAutoOpenOrders", "reqOpenOrders", "reqAllOpenOrders",
                         "reqCompletedOrders", "reqExecutions"]


def test_orders_are_refused_while_disconnected_and_nothing_is_sent(session, sim):
    s, events = session(client_id=1)
    events.wait(ev.Resynced)
    sim.refuse()
    events.wait(ev.Connection, lambda e: e.state is ev.ConnState.LOST)
    assert s.place(AAPL, lmt("BUY", 100, 100.0)) is None
    [refused] = events.wait(ev.Refused)
    assert "not connected" in refused.reason
    assert not sim.recorder.of("placeOrder")
    sim.accept()
    events.wait(ev.Resynced, count=2)
    assert s.place(AAPL, lmt("BUY", 100, 100.0)) is not None


def test_an_outage_retries_with_a_countdown_and_tells_couldnt_connect_once(session, sim):
    s, events = session(client_id=1, backoff_initial=0.01)
    events.wait(ev.Resynced)
    sim.daily_restart()
    refused = events.wait(ev.Connection, lambda e: e.state is ev.ConnState.LOST and "cannot connect" in e.detail,
                          count=3)
    assert all(e.retry_at > e.at for e in refused), "each wait says when the next try is"
    sim.accept()
    events.wait(ev.Resynced, count=2)
    assert len([m for m in events.of(ev.TwsMessage) if m.code == 502]) == 1, "502 once, not once a retry"


def test_500_cancels_all_arrive_never_more_than_50_in_a_second(session, sim):
    s, events = session(client_id=1)
    events.wait(ev.Resynced)
    for order_id in range(1000, 1500):
        s.cancel(order_id)
    assert s.outbox.pending() > 400, "the caller must not wait for the pacing"
    events.wait(ev.TwsMessage, lambda m: m.id == 1499 and m.code == 10147, timeout=30)
    times = [r.t for r in sim.recorder.received if r.client_id == 1]
    cancels = sim.recorder.of("cancelOrder")
    assert [r.request.order_id for r in cancels] == list(range(1000, 1500))
    worst = max(sum(1 for u in times if t <= u < t + 1.0) for t in times)
    assert worst <= 50
    assert not [m for m in events.of(ev.TwsMessage) if m.code == 100], "TWS never saw the rate broken"


def test_duplicate_order_id_recovers_for_the_next_order(session, sim):
    s, events = session(client_id=1)
    events.wait(ev.Resynced)
    first = s.place(AAPL, lmt("BUY", 100, 1.0))
    events.wait(ev.StatusUpdate, lambda e: e.order_id == first)
    s.cancel(first)
    events.wait(ev.StatusUpdate, lambda e: e.order_id == first and e.status.endswith("Cancelled"))
    with s._cond:  # the session's id counter falls behind (another program used our client id)
        s._next_id = first
    again = s.place(AAPL, lmt("BUY", 100, 1.0))
    assert again == first
    events.wait(ev.TwsMessage, lambda m: m.code == 103 and m.id == first)
    events.wait(ev.NextValidId, lambda e: e.order_id > first)
    third = s.place(AAPL, lmt("BUY", 100, 1.0))
    events.wait(ev.StatusUpdate, lambda e: e.order_id == third)
    assert third > first


@pytest.mark.parametrize("broken", [
    ["3", "not-a-number", "Filled", "100", "0", "1.5", "7", "0", "1.5", "1", "", "0"],  # orderStatus, bad order id
    ["3", "12", "Filled", "lots", "0", "1.5", "7", "0", "1.5", "1", "", "0"],  # orderStatus, bad quantity
    ["11", "-1"],  # execDetails that stops short
])
def test_a_message_that_cannot_be_read_is_logged_and_skipped(session, sim, caplog, broken):
    from blotter.sim import encode_market as em

    s, events = session(client_id=1)
    events.wait(ev.Resynced)

    def send_broken_then_a_good_one() -> None:
        target = next(x for x in sim.sessions if x.client_id == 1)
        target.send(broken)
        target.send(em.error(target.version, -1, 2104, "Market data farm connection is OK:after", time_ms=0))

    sim.call(send_broken_then_a_good_one)
    events.wait(ev.TwsMessage, lambda m: m.code == 2104 and m.text.endswith(":after"))
    assert s.state is ev.ConnState.CONNECTED
    assert ev.ConnState.LOST not in [e.state for e in events.of(ev.Connection)], "the connection was dropped"
    assert not events.of(ev.StatusUpdate), "a broken status reached the blotter"
    assert "skipped a message TWS sent" in caplog.text


def test_a_contract_lookup_ends_on_tws_refusing_it_not_on_an_order_message_sharing_its_id(session, sim):
    s, events = session(client_id=1)
    events.wait(ev.Resynced)
    req = s.contract_details(ev.ContractRef(symbol="ZZZZ", sec_type="STK"))
    [end] = events.wait(ev.EndOf, lambda e: e.what == "contract_details" and e.req_id == req)
    [refusal] = [m for m in events.of(ev.TwsMessage) if m.id == req]
    assert refusal.code == 200 and events.items.index(end) > events.items.index(refusal)

    sim.set_delay(2.0)  # TWS answers the next lookup late...
    later = s.contract_details(ev.ContractRef(symbol="AAPL", sec_type="STK"))
    s.bridge.put(ev.TwsMessage(later, 399, "Order Message:\nan order whose id is the lookup's"))  # ids pass 10,000
    assert not [e for e in events.of(ev.EndOf) if e.req_id == later], "an order's message ended the lookup"
    events.wait(ev.EndOf, lambda e: e.what == "contract_details" and e.req_id == later)
    sim.set_delay(0)
    assert [i.contract.symbol for i in events.of(ev.ContractInfo) if i.req_id == later] == ["AAPL"]


def test_positions_and_the_account_follow_fills_and_come_back_after_a_reconnect(session, sim):
    s, events = session(client_id=1)
    events.wait(ev.Resynced)
    s.place(AAPL, ev.OrderFields(action="BUY", total_quantity=Decimal(100), order_type="MKT", tif="DAY"))
    for _ in range(8):
        sim.advance(0.25)
    moved = events.wait(ev.Position, lambda p: p.contract.symbol == "AAPL" and p.position == 100)[-1]
    assert moved.account == "DU1234567" and moved.avg_cost > 0
    sim.recorder.wait("reqPnLSingle")  # the new position's P&L stream is asked for
    sim.advance(1.0)
    pnl = events.wait(ev.PositionPnL, lambda p: p.con_id == moved.contract.con_id and p.position == 100)[-1]
    assert pnl.account == "DU1234567" and pnl.value and pnl.unrealized is not None
    events.wait(ev.AccountPnL, lambda a: a.account == "DU1234567")
    tags = {v.tag for v in events.wait(ev.AccountValue, count=3)}
    assert {"NetLiquidation", "BuyingPower", "ExcessLiquidity"} <= tags

    sim.drop_all()
    events.wait(ev.Resynced, count=2)
    events.wait(ev.Position, lambda p: p.contract.symbol == "AAPL" and p.position == 100, count=2)
    assert len(sim.recorder.wait("reqPnLSingle", count=2)) == 2, "asked again on the new connection"
