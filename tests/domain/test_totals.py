"""Day totals per symbol and per currency, derived from the fills: never double counted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from blotter.domain.events import ConnState, Connection
from blotter.domain.rows import Totals
from blotter.domain.store import Store
from tests.domain.factories import ES, SAP, commission, connected, execution, open_order, status

DAY = [
    execution("a1.01", 5, 999, 100, 150.0), commission("a1.01", 1.0),
    execution("a2.01", 6, 1000, 40, 151.5, "SLD"), commission("a2.01", 0.5, 60.0),
    execution("es1.01", 7, 1001, 2, 5000.25, contract=ES), commission("es1.01", 4.2),
    execution("sap1.01", 8, 1002, 10, 120.5, "SLD", contract=SAP), commission("sap1.01", 3.0, -5.0, currency="EUR"),
]


def day_store() -> Store:
    store = Store()
    store.apply([connected(), *DAY])
    return store


# (bucket, what a trader reads in it)
BY_SYMBOL = [
    ("AAPL", Totals("AAPL", 2, Decimal(100), Decimal(40), 15000.0, 6060.0, 1.5, 60.0)),
    ("ESZ6", Totals("ESZ6", 1, Decimal(2), Decimal(0), 500025.0, 0.0, 4.2, 0.0)),  # 2 * 5000.25 * 50
    ("SAP", Totals("SAP", 1, Decimal(0), Decimal(10), 0.0, 1205.0, 3.0, -5.0)),
]


@pytest.mark.parametrize("symbol, expected", BY_SYMBOL, ids=[c[0] for c in BY_SYMBOL])
def test_totals_by_symbol(symbol, expected):
    assert day_store().totals_by_symbol()[symbol] == expected


def test_totals_by_currency():
    totals = day_store().totals_by_currency()
    assert totals["USD"] == Totals("USD", 3, Decimal(102), Decimal(40), 515025.0, 6060.0, 5.7, 60.0)
    assert totals["EUR"] == Totals("EUR", 1, Decimal(0), Decimal(10), 0.0, 1205.0, 3.0, -5.0)


def test_commission_in_another_currency_than_the_trade_counts_in_its_own_currency():
    store = Store()
    store.apply([connected(), execution("sap1.01", 8, 1002, 10, 120.5, contract=SAP), commission("sap1.01", 1.25)])
    totals = store.totals_by_currency()
    assert (totals["EUR"].fills, totals["EUR"].commission) == (1, 0.0)
    assert (totals["USD"].fills, totals["USD"].commission) == (0, 1.25)
    assert store.totals_by_symbol()["SAP"].commission == 1.25


def test_a_correction_replaces_the_fill_in_the_totals():
    store = day_store()
    store.apply([execution("a1.02", 5, 999, 90, 150.0), commission("a1.02", 0.9)])
    aapl = store.totals_by_symbol()["AAPL"]
    assert (aapl.fills, aapl.bought, aapl.bought_notional, aapl.commission) == (2, Decimal(90), 13500.0, 1.4)


def test_a_replay_after_reconnect_changes_no_totals():
    store = day_store()
    before = (store.totals_by_symbol(), store.totals_by_currency())
    changes = store.apply([Connection(ConnState.LOST), connected(), *reversed(DAY), *DAY])
    assert not changes.totals_changed and changes.fills_added == () and changes.fills_updated == ()
    assert (store.totals_by_symbol(), store.totals_by_currency()) == before


def test_a_status_alone_leaves_totals_alone():
    store = day_store()
    changes = store.apply([open_order(5, 999), status(5, 999, "Filled", 100, 0, 150.0)])
    assert not changes.totals_changed


def test_net_position_of_the_day():
    assert day_store().totals_by_symbol()["AAPL"].net == Decimal(60)
