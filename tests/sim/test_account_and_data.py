"""Market data, market rules, positions and account updates through IB's own client."""

from __future__ import annotations

from decimal import Decimal

from tests.sim.test_lifecycle import order, run_until_done, stock


def test_streaming_quotes_move_with_the_simulators_clock(sim, connect):
    client = connect()
    client.reqMktData(11, stock(), "", False, False, [])
    client.wait_for("tickPrice", lambda req, tick, *r: req == 11 and tick == 4)
    assert client.args("marketDataType")[0] == (11, 1)
    first = len(client.args("tickPrice"))
    sim.advance(1.0)  # four market steps
    client.wait_for("tickPrice", lambda req, *r: req == 11, count=first + 12)
    bids = [a[2] for a in client.args("tickPrice") if a[1] == 1]
    asks = [a[2] for a in client.args("tickPrice") if a[1] == 2]
    assert all(b < a for b, a in zip(bids, asks))
    assert all(round(p * 100) == p * 100 for p in bids), "AAPL quotes stay on the 0.01 grid"
    client.cancelMktData(11)
    client.reqCurrentTime()
    client.wait_for("currentTime")
    settled = len(client.args("tickPrice"))
    sim.advance(1.0)
    client.reqCurrentTime()
    client.wait_for("currentTime", count=2)
    assert len(client.args("tickPrice")) == settled, "no ticks after cancelMktData"


def test_market_rule_of_a_sub_dollar_stock_has_two_bands(sim, connect):
    client = connect()
    c = stock("QPNY")
    client.reqContractDetails(3, c)
    client.wait_for("contractDetailsEnd")
    rule_id = int(client.args("contractDetails")[0][1].marketRuleIds.split(",")[0])
    client.reqMarketRule(rule_id)
    [(got_id, bands)] = client.wait_for("marketRule")
    assert got_id == rule_id
    assert [(b.lowEdge, b.increment) for b in bands] == [(0.0, 0.0001), (1.0, 0.01)]


def test_positions_and_account_updates_follow_the_fills(sim, connect):
    client = connect()
    client.placeOrder(1, stock(), order("BUY", 300))
    run_until_done(sim, client, 1)
    client.reqPositions()
    client.wait_for("positionEnd")
    [(account, contract, qty, avg_cost)] = client.args("position")
    assert account.startswith("DU") and contract.symbol == "AAPL" and qty == Decimal(300)
    held = sim.call(lambda: sim.broker.by_key[(1, 1)])
    assert abs(avg_cost - held.avg_fill_price) < 0.05  # IB's average cost includes the commission
    client.reqAccountUpdates(True, "")
    client.wait_for("accountDownloadEnd")
    keys = {a[0] for a in client.args("updateAccountValue")}
    assert {"NetLiquidation", "BuyingPower"} <= keys
    [portfolio] = client.args("updatePortfolio")
    assert portfolio[0].symbol == "AAPL" and portfolio[1] == Decimal(300)
