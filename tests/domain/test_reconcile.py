"""After a full resync, a working order TWS reports neither open nor completed is done, as unreported."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from blotter.domain.events import Resynced
from blotter.domain.keys import OrderKey
from blotter.domain.messages import Severity
from blotter.domain.status import OrderStatus as S
from blotter.domain.store import Store
from tests.domain.factories import connected, execution, open_order, sent, status

EARLIER = [connected(), sent(5, at=10.0), open_order(5, 999, at=11.0), status(5, 999, at=11.0),
           execution("e1.01", 5, 999, 40, 150.0, at=12.0)]  # journaled this morning, from another TWS session


def reconnect(store: Store, *reports, at: float = 1000.0) -> None:
    store.apply([replace(connected(), at=at), *reports, Resynced(at + 1)])


def test_a_working_order_tws_no_longer_reports_moves_to_done_with_its_fills():
    store = Store()
    store.load(EARLIER)
    reconnect(store)
    row = store.order(OrderKey(999))
    assert row.status is S.UNREPORTED and row.done and store.working() == []
    assert store.unreported(row.key) == (11.0, "Submitted")
    assert row.filled == Decimal(40) and store.fill_count() == 1
    [note] = [m for m in store.messages() if "reconciled" in m.text]
    assert note.severity is Severity.WARNING and note.text.startswith("reconciled 1 order(s)")


def test_an_order_tws_reports_in_the_resync_stays_working():
    store = Store()
    store.load(EARLIER)
    reconnect(store, open_order(5, 999, at=1000.5), status(5, 999, at=1000.5))
    assert store.order(OrderKey(999)).status is S.SUBMITTED
    assert not [m for m in store.messages() if "reconciled" in m.text]


def test_a_new_order_with_the_stale_orders_ids_is_a_row_of_its_own():
    store = Store()
    store.load(EARLIER)
    reconnect(store)
    store.apply([sent(5, at=1002.0)])  # this TWS hands out order id 5 again
    new = store.order_by_id(1, 5)
    assert new.key != OrderKey(999) and new.status is S.PENDING_SUBMIT and new.filled == 0
    assert store.order(OrderKey(999)).status is S.UNREPORTED


def test_another_clients_order_is_not_ours_to_reconcile():
    store = Store()
    store.load([connected(), open_order(7, 555, client_id=2, at=11.0), status(7, 555, client_id=2, at=11.0)])
    reconnect(store)  # client 1's resync reports only client 1's orders
    assert store.order(OrderKey(555)).status is S.SUBMITTED


def test_a_later_report_brings_the_order_back():
    store = Store()
    store.load(EARLIER)
    reconnect(store)
    store.apply([status(5, 999, at=1100.0)])
    row = store.order(OrderKey(999))
    assert row.status is S.SUBMITTED and store.unreported(row.key) is None
