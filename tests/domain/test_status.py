"""Statuses vs executions: the status column is TWS's word, filled and avg price come from the fills."""

from __future__ import annotations

from decimal import Decimal

import pytest

from blotter.domain.keys import OrderKey
from blotter.domain.status import OrderStatus as S
from blotter.domain.store import Store
from tests.domain.factories import (
    commission, completed, connected, execution, fields, message, open_order, sent, status,
)

ORDER = OrderKey(999)
MKT = fields(order_type="MKT", lmt=None)

# (what happened, events after connecting, status shown, filled, remaining, avg price)
CASES = [
    ("sent, not yet acknowledged", [sent(5)], S.PENDING_SUBMIT, 0, 100, None),
    ("acknowledged and working", [sent(5), open_order(5, 999), status(5, 999)], S.SUBMITTED, 0, 100, None),
    ("status says 50 filled before any execution: filled stays 0",
     [open_order(5, 999), status(5, 999, filled=50, remaining=50, avg=150.0)], S.SUBMITTED, 0, 100, None),
    ("status Filled before its executions: Filled, filled from the executions so far",
     [open_order(5, 999), status(5, 999, "Filled", filled=100, remaining=0, avg=150.0),
      execution("e1.01", 5, 999, 40, 150.0)], S.FILLED, 40, 60, 150.0),
    ("two partial fills: avg weighted by shares",
     [open_order(5, 999), status(5, 999), execution("e1.01", 5, 999, 40, 150.0),
      execution("e2.01", 5, 999, 10, 151.0)], S.SUBMITTED, 50, 50, 150.2),
    ("market order filled by executions, no Filled status ever: shown Filled",
     [open_order(5, 999, order=MKT), status(5, 999), execution("e1.01", 5, 999, 60, 150.0),
      execution("e2.01", 5, 999, 40, 150.5)], S.FILLED, 100, 0, 150.2),
    ("late repeated Submitted after Filled does not reopen it",
     [open_order(5, 999), status(5, 999, "Filled", 100, 0, 150.0), status(5, 999, "Submitted", 100, 0, 150.0)],
     S.FILLED, 0, 100, None),
    ("Inactive is not final: TWS may resubmit", [open_order(5, 999), status(5, 999, "Inactive"),
                                                 status(5, 999, "PreSubmitted")], S.PRE_SUBMITTED, 0, 100, None),
    ("cancel sent: pending cancel until TWS answers", [open_order(5, 999), status(5, 999), sent(5, "cancel")],
     S.PENDING_CANCEL, 0, 100, None),
    ("cancel sent, TWS repeats Submitted: still pending cancel",
     [open_order(5, 999), status(5, 999), sent(5, "cancel"), status(5, 999)], S.PENDING_CANCEL, 0, 100, None),
    ("cancel sent before TWS acknowledged the order: its first Submitted is no answer",
     [sent(5), sent(5, "cancel"), open_order(5, 999), status(5, 999)], S.PENDING_CANCEL, 0, 100, None),
    ("cancel before acknowledgement, then ApiCancelled",
     [sent(5), sent(5, "cancel"), message(5, 202), status(5, 999, "ApiCancelled")], S.API_CANCELLED, 0, 100, None),
    ("cancel confirmed", [open_order(5, 999), status(5, 999), sent(5, "cancel"), message(5, 202, "Order Canceled"),
                          status(5, 999, "Cancelled")], S.CANCELLED, 0, 100, None),
    ("cancel refused (161): back to working", [open_order(5, 999), status(5, 999), sent(5, "cancel"),
                                               message(5, 161, "not cancellable")], S.SUBMITTED, 0, 100, None),
    ("cancel sent but the order filled meanwhile: Filled",
     [open_order(5, 999), status(5, 999), sent(5, "cancel"), execution("e1.01", 5, 999, 100, 150.0)],
     S.FILLED, 100, 0, 150.0),
    ("completed order closes an order still shown open",
     [open_order(5, 999), status(5, 999), completed(999, "Cancelled", "Rejected")], S.CANCELLED, 0, 100, None),
    ("completed order we never saw is added", [completed(999, "Filled"), execution("e1.01", 5, 999, 100, 150.0)],
     S.FILLED, 100, 0, 150.0),
    ("completed order as TWS sends it (what was left as its size, its fills beside), before its executions",
     [completed(999, "Filled", order=fields(qty=0), filled=100)], S.FILLED, 100, 0, None),
    ("completed order as TWS sends it, then its executions",
     [completed(999, "Filled", order=fields(qty=0), filled=100), execution("e1.01", 5, 999, 100, 150.0)],
     S.FILLED, 100, 0, 150.0),
    ("partly filled then cancelled, as TWS reports it: the size is its fills and what was left",
     [completed(999, "Cancelled", order=fields(qty=70), filled=30)], S.CANCELLED, 30, 70, None),
    ("known from openOrder, then completed as TWS reports it: the size stays the order's",
     [open_order(5, 999), execution("e1.01", 5, 999, 30, 150.0), completed(999, "Cancelled", order=fields(qty=70),
                                                                            filled=30)], S.CANCELLED, 30, 70, 150.0),
    ("completed Filled then replayed working status: stays Filled",
     [completed(999, "Filled"), status(5, 999, "Submitted")], S.FILLED, 0, 100, None),
]


@pytest.mark.parametrize("events, shown, filled, remaining, avg", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_what_the_order_row_shows(events, shown, filled, remaining, avg):
    store = Store()
    store.apply([connected(), *events])
    row = store.orders()[-1]
    assert row.status is shown, f"status column: {row.status.value}, expected {shown.value}"
    assert row.filled == Decimal(filled), "filled comes from executions (or a completed order's report)"
    assert row.remaining == Decimal(remaining)
    assert row.order.total_quantity == row.filled + row.remaining
    assert row.avg_price == (pytest.approx(avg) if avg is not None else None)


def test_an_identical_status_repeated_changes_nothing():
    store = Store()
    store.apply([connected(), open_order(5, 999), status(5, 999, filled=10, remaining=90)])
    again = status(5, 999, filled=10, remaining=90, at=99.0)
    changes = store.apply([again, again])
    assert not changes, f"a repeated orderStatus must not redraw anything: {changes}"
    assert store.order(ORDER).updated == 3.0, "updated moves only when something shown changes"


def test_a_status_claiming_more_filled_than_executions_changes_nothing_shown():
    store = Store()
    store.apply([connected(), open_order(5, 999), status(5, 999)])
    assert not store.apply([status(5, 999, filled=30, remaining=70, avg=150.0)])


def test_completed_order_shows_its_completed_status_and_time():
    store = Store()
    store.apply([connected(), open_order(5, 999), completed(999, "Cancelled", "Rejected")])
    row = store.order(ORDER)
    assert (row.completed_status, row.completed_time) == ("Rejected", "20261120 10:05:00 US/Eastern")
    assert row.done and not row.working
    assert store.done() == [row] and store.working() == []


def test_modify_marks_the_row_until_tws_echoes_the_order():
    store = Store()
    store.apply([connected(), open_order(5, 999), status(5, 999)])
    store.apply([sent(5, "modify", order=fields(lmt=149.5))])
    row = store.order(ORDER)
    assert row.modify_pending and row.order.lmt_price == 150.0, "shows the live order until TWS accepts"
    store.apply([open_order(5, 999, order=fields(lmt=149.5))])
    row = store.order(ORDER)
    assert not row.modify_pending and row.order.lmt_price == 149.5


def test_modify_of_an_unacknowledged_order_shows_what_we_sent():
    store = Store()
    store.apply([connected(), sent(5), sent(5, "modify", order=fields(lmt=149.5))])
    row = store.order_by_id(1, 5)
    assert row.order.lmt_price == 149.5 and not row.modify_pending and row.local


def test_cancel_all_marks_working_orders_only():
    store = Store()
    store.apply([connected(), open_order(5, 999), status(5, 999), open_order(6, 1000),
                 status(6, 1000, "Cancelled"), sent(7)])
    store.apply([sent(0, "cancel_all")])
    shown = {row.order_id: row.status for row in store.orders()}
    assert shown == {5: S.PENDING_CANCEL, 6: S.CANCELLED, 7: S.PENDING_CANCEL}


def test_unknown_status_text_is_shown_as_it_came():
    store = Store()
    store.apply([connected(), open_order(5, 999, status="Held")])
    row = store.order(ORDER)
    assert row.status is S.UNKNOWN and row.status_text == "Held"


def test_fills_of_an_order_carry_its_commission_and_pnl():
    store = Store()
    store.apply([connected(), open_order(5, 999, order=fields("SELL")),
                 execution("e1.01", 5, 999, 40, 150.0, "SLD"), commission("e1.01", 1.0, 20.0),
                 execution("e2.01", 5, 999, 60, 151.0, "SLD"), commission("e2.01", 1.25, 90.5)])
    row = store.order(ORDER)
    assert (row.commission, row.commission_currency, row.realized_pnl, row.fills) == (2.25, "USD", 110.5, 2)
