"""Identity: one row per order, keyed by perm id once TWS gave one; what-if previews never make rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from blotter.domain.events import OrderBound
from blotter.domain.keys import OrderKey
from blotter.domain.status import OrderStatus
from blotter.domain.store import Store
from tests.domain.factories import CLIENT, completed, connected, execution, fields, open_order, sent, status

LOCAL_5 = OrderKey(0, CLIENT, 5)
PERM_999 = OrderKey(999)


def store_with(*events) -> Store:
    store = Store()
    store.apply([connected(), *events])
    return store


def test_our_new_order_shows_at_once_as_pending_submit():
    store = Store()
    changes = store.apply([connected(), sent(5)])
    assert changes.orders_added == (LOCAL_5,), "the order we just sent must appear at once"
    row = store.order(LOCAL_5)
    assert row.status is OrderStatus.PENDING_SUBMIT
    assert row.local, "TWS has not acknowledged it yet"
    assert row.order.total_quantity == Decimal(100) and row.contract.symbol == "AAPL"


@pytest.mark.parametrize("ack", [
    pytest.param(lambda: [open_order(5, 999)], id="openOrder"),
    pytest.param(lambda: [status(5, 999)], id="orderStatus"),
    pytest.param(lambda: [execution("e1.01", 5, 999, 10, 150.0)], id="execution before openOrder"),
])
def test_acknowledgement_rekeys_our_row_to_its_perm_id_instead_of_adding_a_second_one(ack):
    store = store_with(sent(5))
    changes = store.apply(ack())
    assert [row.key for row in store.orders()] == [PERM_999], "one order, one row"
    assert changes.orders_removed == (LOCAL_5,) and changes.orders_added == (PERM_999,)
    assert changes.orders_rekeyed == ((LOCAL_5, PERM_999),), "the UI needs the pair to keep its cursor"
    row = store.order(PERM_999)
    assert (row.client_id, row.order_id, row.perm_id, row.local) == (CLIENT, 5, 999, False)
    assert row.first_seen == 1.0, "first seen is when we sent it"
    assert store.order_by_id(CLIENT, 5) == row, "modify / cancel still find it by its order id"


def test_sent_and_acknowledged_in_one_batch_is_just_one_added_row():
    store = Store()
    changes = store.apply([connected(), sent(5), open_order(5, 999), status(5, 999)])
    assert changes.orders_added == (PERM_999,)
    assert changes.orders_removed == () and changes.orders_rekeyed == ()


def test_our_send_arriving_after_tws_already_answered_adds_nothing():
    store = store_with(open_order(5, 999), status(5, 999))
    changes = store.apply([sent(5)])
    assert not changes and [row.key for row in store.orders()] == [PERM_999]
    assert store.order(PERM_999).status is OrderStatus.SUBMITTED


def test_a_send_for_an_id_tws_knows_from_an_execution_is_keyed_by_perm_id():
    store = store_with(execution("e1.01", 5, 999, 10, 150.0))
    store.apply([sent(5)])
    row = store.order(PERM_999)
    assert row is not None and not row.local and row.filled == Decimal(10)


@pytest.mark.parametrize("order_id", [0, -3], ids=["unbound (0)", "bound (negative)"])
def test_orders_entered_in_tws_are_keyed_by_perm_id(order_id):
    store = Store()
    store.apply([connected(0), open_order(order_id, 501, client_id=0), open_order(order_id, 502, client_id=0)])
    assert {row.key for row in store.orders()} == {OrderKey(501), OrderKey(502)}, "two TWS orders, two rows"


def test_order_bound_gives_a_tws_order_its_api_order_id():
    store = Store()
    store.apply([connected(0), open_order(0, 501, client_id=0)])
    changes = store.apply([OrderBound(perm_id=501, client_id=0, order_id=-7)])
    assert changes.orders_updated == (OrderKey(501),)
    assert store.order(OrderKey(501)).order_id == -7
    assert store.order_by_id(0, -7).perm_id == 501, "cancel by the bound id finds it"


def test_order_bound_again_changes_nothing():
    store = Store()
    store.apply([connected(0), open_order(0, 501, client_id=0), OrderBound(501, 0, -7)])
    assert not store.apply([OrderBound(501, 0, -7)])


def test_what_if_preview_never_becomes_an_order_row():
    store = Store()
    preview = open_order(9, 0, status="PreSubmitted", what_if=True, init_margin_change=1500.0, commission=1.0)
    changes = store.apply([connected(), preview])
    assert store.orders() == [] and changes.orders_added == ()
    assert changes.what_if == (9,)
    assert store.what_if(9).init_margin_change == 1500.0


def test_what_if_keeps_the_latest_preview_per_order_id():
    store = Store()
    store.apply([connected(), open_order(9, 0, what_if=True, init_margin_change=1500.0)])
    store.apply([open_order(9, 0, what_if=True, init_margin_change=2500.0, order=fields(qty=200))])
    assert store.what_if(9).init_margin_change == 2500.0
    assert store.what_if(10) is None


def test_status_for_an_order_we_never_saw_opened_still_shows_it():
    store = store_with(status(44, 4400, "PreSubmitted", remaining=30))
    row = store.order(OrderKey(4400))
    assert row.status is OrderStatus.PRE_SUBMITTED and row.remaining == Decimal(30)


def test_our_row_and_a_separately_known_tws_row_for_the_same_order_merge_into_one():
    store = store_with(sent(5), completed(999, "Cancelled"))  # completedOrder carries no API order id
    assert len(store.orders()) == 2, "not yet known to be the same order"
    changes = store.apply([execution("e1.01", 5, 999, 10, 150.0)])  # names both ids: they are one order
    assert [row.key for row in store.orders()] == [PERM_999]
    assert changes.orders_removed == (LOCAL_5,) and changes.orders_updated == (PERM_999,)
    assert changes.orders_rekeyed == ((LOCAL_5, PERM_999),)
    row = store.order(PERM_999)
    assert (row.order_id, row.first_seen, row.status) == (5, 1.0, OrderStatus.CANCELLED)
