"""Fills: corrections replace their fill, commissions may come first, P&L may be unset."""

from __future__ import annotations

from decimal import Decimal

import pytest

from blotter.domain.keys import OrderKey
from blotter.domain.store import Store
from tests.domain.factories import commission, connected, execution, open_order

ORDER = OrderKey(999)
BASE = "0000e0d5.6555c1a4.01"


def store_with(*events) -> Store:
    store = Store()
    store.apply([connected(), open_order(5, 999), *events])
    return store


def test_a_fill_shows_what_tws_sent():
    store = store_with(execution(BASE + ".01", 5, 999, 40, 150.25))
    (fill,) = store.fills()
    assert (fill.exec_id, fill.base_id, fill.order_key) == (BASE + ".01", BASE, ORDER)
    assert (fill.side, fill.shares, fill.price, fill.exchange, fill.account) == (
        "BOT", Decimal(40), 150.25, "ISLAND", "DU123456")
    assert fill.commission is None, "no commission report yet"


def test_a_correction_replaces_its_fill_and_the_order_is_recomputed():
    store = store_with(execution(BASE + ".01", 5, 999, 40, 150.0), execution("e2.01", 5, 999, 10, 151.0))
    changes = store.apply([execution(BASE + ".02", 5, 999, 50, 150.5)])
    assert changes.fills_added == () and changes.fills_updated == (BASE,), "a correction is an update, not a fill"
    assert [f.exec_id for f in store.fills()] == [BASE + ".02", "e2.01"], "the corrected fill keeps its place"
    row = store.order(ORDER)
    assert row.filled == Decimal(60), "40 corrected to 50, plus 10"
    assert row.avg_price == pytest.approx((50 * 150.5 + 10 * 151.0) / 60)
    assert changes.orders_updated == (ORDER,) and changes.totals_changed


def test_the_original_arriving_after_its_correction_changes_nothing():
    store = store_with(execution(BASE + ".02", 5, 999, 50, 150.5))
    assert not store.apply([execution(BASE + ".01", 5, 999, 40, 150.0)])
    assert store.fill(BASE).shares == Decimal(50)


def test_the_same_execution_again_adds_nothing():
    store = store_with(execution(BASE + ".01", 5, 999, 40, 150.0))
    changes = store.apply([execution(BASE + ".01", 5, 999, 40, 150.0, req_id=7, at=50.0)])
    assert not changes and len(store.fills()) == 1 and store.order(ORDER).filled == Decimal(40)


def test_a_commission_before_its_execution_waits_for_the_fill():
    store = store_with()
    assert not store.apply([commission(BASE + ".01", 1.05)]), "nothing to show until the fill arrives"
    changes = store.apply([execution(BASE + ".01", 5, 999, 40, 150.0)])
    assert changes.fills_added == (BASE,)
    assert store.fill(BASE).commission == 1.05
    assert store.order(ORDER).commission == 1.05


def test_a_commission_after_its_execution_updates_the_fill_and_order():
    store = store_with(execution(BASE + ".01", 5, 999, 40, 150.0))
    changes = store.apply([commission(BASE + ".01", 1.05)])
    assert changes.fills_updated == (BASE,) and changes.orders_updated == (ORDER,) and changes.totals_changed
    assert (store.fill(BASE).commission, store.fill(BASE).commission_currency) == (1.05, "USD")


# (what happened, events after the order is open, commission shown on the fill, on the order)
COMMISSIONS = [
    ("report for the corrected execId attaches to the corrected fill",
     [execution(BASE + ".01", 5, 999, 40, 150.0), commission(BASE + ".01", 1.0),
      execution(BASE + ".02", 5, 999, 50, 150.0), commission(BASE + ".02", 1.3)], 1.3, 1.3),
    ("corrected report arriving before the correction waits for it",
     [execution(BASE + ".01", 5, 999, 40, 150.0), commission(BASE + ".01", 1.0), commission(BASE + ".02", 1.3),
      execution(BASE + ".02", 5, 999, 50, 150.0)], 1.3, 1.3),
    ("corrected report not yet in: the original's commission stays shown",
     [execution(BASE + ".01", 5, 999, 40, 150.0), commission(BASE + ".01", 1.0),
      execution(BASE + ".02", 5, 999, 50, 150.0)], 1.0, 1.0),
    ("a report for a correction still to come does not touch the fill",
     [execution(BASE + ".01", 5, 999, 40, 150.0), commission(BASE + ".02", 1.3)], None, 0.0),
    ("the same report twice counts once",
     [execution(BASE + ".01", 5, 999, 40, 150.0), commission(BASE + ".01", 1.0), commission(BASE + ".01", 1.0)],
     1.0, 1.0),
]


@pytest.mark.parametrize("events, on_fill, on_order", [c[1:] for c in COMMISSIONS], ids=[c[0] for c in COMMISSIONS])
def test_which_commission_a_fill_shows(events, on_fill, on_order):
    store = store_with(*events)
    assert store.fill(BASE).commission == on_fill
    assert store.order(ORDER).commission == pytest.approx(on_order)


# (what happened, realized P&L of each fill's report, P&L shown on the order)
PNL = [
    ("opening fills: TWS leaves P&L unset, shown as none", [None, None], None),
    ("closing fills: summed", [12.5, -2.25], 10.25),
    ("mixed: the closing fills' P&L", [None, 7.0], 7.0),
]


@pytest.mark.parametrize("pnls, on_order", [c[1:] for c in PNL], ids=[c[0] for c in PNL])
def test_realized_pnl_of_an_order(pnls, on_order):
    events = []
    for n, pnl in enumerate(pnls):
        events += [execution(f"e{n}.01", 5, 999, 10, 150.0), commission(f"e{n}.01", 1.0, pnl)]
    store = store_with(*events)
    assert [f.realized_pnl for f in store.fills()] == pnls
    assert store.order(ORDER).realized_pnl == on_order


def test_fills_are_listed_and_indexed_in_arrival_order():
    store = store_with(execution("b.01", 5, 999, 1, 150.0), execution("a.01", 5, 999, 2, 150.0))
    store.apply([execution("c.01", 5, 999, 3, 150.0), execution("b.02", 5, 999, 4, 150.0)])
    assert [f.base_id for f in store.fills()] == ["b", "a", "c"]
    assert store.fill_count() == 3
    assert (store.fill_at(0).exec_id, store.fill_at(-1).exec_id) == ("b.02", "c.01")


def test_a_fill_for_an_order_not_yet_shown_counts_once_the_order_arrives():
    store = Store()
    store.apply([connected(), execution("e1.01", 5, 999, 40, 150.0), commission("e1.01", 1.0)])
    assert store.orders() == [] and len(store.fills()) == 1
    store.apply([open_order(5, 999)])
    row = store.order(ORDER)
    assert (row.filled, row.avg_price, row.commission) == (Decimal(40), 150.0, 1.0)


def test_a_day_of_fills_leaves_the_garbage_collector_four_objects_a_fill_to_walk():
    """Every full collection walks each object that can hold references (blotter.ui.heap), and a day
    holds tens of thousands of fills. A fill keeps what TWS sent (its execution and its commission
    report; the contract is shared, as the bridge gives a contract seen again the same ContractRef),
    its Fill and its row. It shares its order's key, and the execution has no dict: a key, a dict of
    reports and that dict were three more objects a fill."""
    import gc

    from blotter.domain.events import ContractRef

    store = store_with()
    contract = ContractRef(con_id=265598, symbol="AAPL", sec_type="STK", exchange="SMART", currency="USD")
    n = 2_000
    gc.collect()
    before = len(gc.get_objects())
    for i in range(n):
        exec_id = f"{BASE[:9]}{i:08x}.01"
        store.apply([execution(exec_id, 5, 999, 1, 150.0, contract=contract), commission(exec_id, 0.35)])
    assert len(store.fills()) == n
    gc.collect()
    assert (len(gc.get_objects()) - before) / n <= 4.2
