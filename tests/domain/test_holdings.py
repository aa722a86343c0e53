"""Positions and account lines as TWS reports them, kept per (account, contract) and told as changes."""

from __future__ import annotations

from decimal import Decimal

from blotter.domain.events import AccountPnL, AccountValue, EndOf, Position, PositionPnL
from blotter.domain.store import Store
from tests.domain.factories import AAPL, ES, connected

ACCOUNT = "DU1234567"


def test_a_position_then_its_pnl_make_one_row_with_the_market_price_worked_out():
    store = Store()
    store.apply([connected()])
    changes = store.apply([Position(ACCOUNT, AAPL, Decimal(100), 25_010.0 / 100, received=1.0)])
    assert changes.positions == ((ACCOUNT, AAPL.con_id),)
    store.apply([PositionPnL(ACCOUNT, AAPL.con_id, Decimal(100), 120.0, 90.0, 30.0, 25_100.0, received=2.0)])
    [row] = store.positions()
    assert (row.position, row.avg_cost, row.market_price, row.market_value) == (Decimal(100), 250.1, 251.0, 25_100.0)
    assert (row.unrealized, row.realized, row.daily) == (90.0, 30.0, 120.0)


def test_a_futures_cost_and_price_are_per_unit_of_price_not_per_contract():
    store = Store()
    store.apply([connected(), Position(ACCOUNT, ES, Decimal(-2), 5_000.0 * 50),
                 PositionPnL(ACCOUNT, ES.con_id, Decimal(-2), None, -500.0, None, -2 * 5_005.0 * 50)])
    [row] = store.positions()
    assert (row.avg_cost, row.market_price, row.daily) == (5_000.0, 5_005.0, None)


def test_the_same_pnl_again_changes_nothing_on_screen():
    store = Store()
    pnl = PositionPnL(ACCOUNT, AAPL.con_id, Decimal(100), 1.0, 1.0, 0.0, 25_000.0)
    store.apply([connected(), Position(ACCOUNT, AAPL, Decimal(100), 250.0), pnl])
    assert not store.apply([pnl]).positions


def test_a_pnl_for_a_position_not_reported_is_not_a_row():
    store = Store()
    store.apply([connected(), PositionPnL(ACCOUNT, AAPL.con_id, Decimal(100), 1.0, 1.0, 0.0, 25_000.0)])
    assert store.positions() == []


def test_after_a_reconnect_a_position_tws_no_longer_reports_goes():
    store = Store()
    store.apply([connected(), Position(ACCOUNT, AAPL, Decimal(100), 250.0), Position(ACCOUNT, ES, Decimal(1), 1.0),
                 EndOf("positions")])
    changes = store.apply([connected(), Position(ACCOUNT, AAPL, Decimal(100), 250.0), EndOf("positions")])
    assert [r.contract.symbol for r in store.positions()] == ["AAPL"] and (ACCOUNT, ES.con_id) in changes.positions


def test_the_account_line_takes_its_figures_and_pnl_with_their_times():
    store = Store()
    changes = store.apply([AccountValue(ACCOUNT, "NetLiquidation", "1002345.50", "USD", received=5.0),
                           AccountValue(ACCOUNT, "BuyingPower", "4000000.00", "USD", received=5.0),
                           AccountValue(ACCOUNT, "ExcessLiquidity", "750000", "USD", received=5.0),
                           AccountValue(ACCOUNT, "Cushion", "0.9", "", received=5.0),
                           AccountPnL(ACCOUNT, 1234.5, 1000.0, 234.5, received=6.0)])
    assert changes.accounts_changed
    [line] = store.accounts()
    assert (line.net_liquidation, line.buying_power, line.excess_liquidity, line.currency) == \
        (1_002_345.5, 4_000_000.0, 750_000.0, "USD")
    assert (line.daily, line.values_at, line.pnl_at) == (1234.5, 5.0, 6.0)


def test_each_account_has_its_line():
    store = Store()
    store.apply([AccountValue("DU2", "NetLiquidation", "2", "USD"), AccountValue("DU1", "NetLiquidation", "1", "USD"),
                 AccountPnL("DU2", 5.0, 5.0, 0.0)])
    lines = [(a.account, a.net_liquidation, a.daily) for a in store.accounts()]
    assert lines == [("DU1", 1.0, None), ("DU2", 2.0, 5.0)]
