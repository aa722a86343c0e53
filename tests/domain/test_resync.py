"""After a reconnect TWS sends open orders, completed orders and executions again: nothing doubles."""

from __future__ import annotations

from blotter.domain.events import ConnState, Connection, EndOf, Resynced
from blotter.domain.store import Store
from tests.domain.factories import (
    commission, completed, connected, execution, fields, message, open_order, sent, status,
)

LIVE = [
    connected(),
    sent(5), open_order(5, 999), status(5, 999),  # working, partly filled
    execution("a1.01", 5, 999, 40, 150.0), commission("a1.01", 1.0),
    sent(6, order=fields("SELL", 50)), open_order(6, 1000, order=fields("SELL", 50)), status(6, 1000),  # filled
    commission("b1.01", 0.7, 12.0), execution("b1.01", 6, 1000, 50, 151.0, "SLD"),
    status(6, 1000, "Filled", 50, 0, 151.0), completed(1000, "Filled", order=fields("SELL", 50)),
    sent(7), message(7, 201, "Order rejected - reason:margin"),  # rejected before acknowledgement
    sent(8), open_order(8, 1001), status(8, 1001), sent(8, "cancel"), status(8, 1001, "Cancelled"),
    completed(1001, "Cancelled"),
    execution("a2.01", 5, 999, 10, 149.0), execution("a2.02", 5, 999, 10, 149.5), commission("a2.02", 0.3),
]

RESYNC = [
    Connection(ConnState.LOST, "socket closed"), connected(),
    open_order(5, 999), status(5, 999), EndOf("open_orders"),
    completed(1000, "Filled", order=fields("SELL", 50)), completed(1001, "Cancelled"), EndOf("completed_orders"),
    execution("a1.01", 5, 999, 40, 150.0, req_id=3), commission("a1.01", 1.0),
    execution("b1.01", 6, 1000, 50, 151.0, "SLD", req_id=3), commission("b1.01", 0.7, 12.0),
    execution("a2.01", 5, 999, 10, 149.0, req_id=3), execution("a2.02", 5, 999, 10, 149.5, req_id=3),
    commission("a2.02", 0.3), EndOf("executions", 3), Resynced(),
]


def picture(store: Store):
    return (store.orders(), store.fills(), store.totals_by_symbol(), store.totals_by_currency())


def test_resync_after_reconnect_shows_exactly_the_same_rows_and_totals():
    store = Store()
    store.apply(LIVE)
    before = picture(store)
    changes = store.apply(RESYNC)
    assert picture(store) == before, "a resync must neither double nor drop anything"
    assert changes.orders_added == changes.orders_updated == changes.orders_removed == ()
    assert changes.fills_added == changes.fills_updated == () and not changes.totals_changed
    assert changes.connection_changed and store.connection.resynced


def test_what_the_day_looks_like_before_and_after_the_resync():
    store = Store()
    store.apply(LIVE)
    store.apply(RESYNC)
    shown = {row.order_id: (row.status.value, str(row.filled), row.avg_price, row.commission, row.last_error)
             for row in store.orders()}
    assert shown == {
        5: ("Submitted", "50", 149.9, 1.3, None),  # 40 @ 150 + 10 @ 149.5 (corrected)
        6: ("Filled", "50", 151.0, 0.7, None),
        7: ("Inactive", "0", None, 0.0, (201, "Order rejected - reason:margin")),
        8: ("Cancelled", "0", None, 0.0, None),
    }
    assert len(store.fills()) == 3


def test_the_whole_day_applied_twice_changes_nothing_the_second_time():
    store = Store()
    store.apply(LIVE)
    before = picture(store)
    again = store.apply([event for event in LIVE if event.__class__.__name__ != "TwsMessage"])
    assert picture(store) == before
    assert not (again.orders_added or again.orders_updated or again.fills_added or again.fills_updated
                or again.totals_changed)
