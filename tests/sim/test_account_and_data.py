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


def test_daily_pnl_starts_over_at_the_day_boundary(sim, connect):
    from tests.sim.test_lifecycle import order, run_until_done, stock
    client = connect(1)
    client.placeOrder(1, stock(), order("BUY", 100))
    run_until_done(sim, client, 1)
    client.reqPnL(7, "DU1234567", "")
    before = client.wait_for("pnl", lambda req, *rest: req == 7)[-1]
    assert before[1] == round(before[2] + before[3], 2), "before any boundary: unrealized + realized"
    sim.end_of_day()
    client.reqPnLSingle(8, "DU1234567", "", 265598)
    daily, unrealized = client.wait_for("pnlSingle", lambda req, *rest: req == 8)[-1][2:4]
    assert daily == 0.0 and unrealized == before[2], "a new day: nothing gained or lost yet today"
    quote = sim.call(lambda: sim.market.quote(265598))
    sold = round(quote.bid - 1.0, 2)
    client.placeOrder(2, stock(), order("SELL", 100, "LMT", lmt=sold))
    run_until_done(sim, client, 2)
    mark = sim.call(lambda: sim.broker.day_marks[("DU1234567", 265598)])
    fill = [a[2] for a in client.args("execDetails") if a[2].orderId == 2]
    got = sum(float(e.shares) * e.price for e in fill)
    commission = sum(r.commissionAndFees for (r,) in client.args("commissionAndFeesReport")
                     if r.execId in {e.execId for e in fill})
    client.cancelPnLSingle(8)
    client.reqPnLSingle(9, "DU1234567", "", 265598)
    daily = client.wait_for("pnlSingle", lambda req, *rest: req == 9)[-1][2]
    assert daily == round(got - commission - mark, 2), "today: what the sale brought less what it was worth"


def test_an_account_summary_is_sent_again_every_three_minutes_until_cancelled(sim, connect):
    client = connect(1)
    client.reqAccountSummary(5, "All", "NetLiquidation")
    client.wait_for("accountSummaryEnd", lambda req: req == 5)
    sim.advance(180.0)
    client.wait_for("accountSummaryEnd", lambda req: req == 5, count=2)
    client.cancelAccountSummary(5)
    client.reqCurrentTime()
    client.wait_for("currentTime")  # the cancel is handled by now
    sim.advance(180.0)
    client.reqCurrentTime()
    client.wait_for("currentTime", count=2)
    assert len(client.args("accountSummaryEnd")) == 2
