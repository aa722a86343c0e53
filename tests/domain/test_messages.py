"""TWS messages: every one is listed with its severity; only real errors mark an order, and never kill it."""

from __future__ import annotations

import pytest

from blotter.domain.events import ConnState, Connection, Refused, Resynced, TwsMessage
from blotter.domain.keys import OrderKey
from blotter.domain.messages import Severity, code_effects
from blotter.domain.status import OrderStatus as S
from blotter.domain.store import Store
from blotter.domain.text import one_line
from tests.domain.factories import connected, message, open_order, sent, status

SEVERITIES = [
    (2104, Severity.INFO, "market data farm OK"),
    (2106, Severity.INFO, "HMDS farm OK"),
    (2158, Severity.INFO, "sec-def farm OK"),
    (202, Severity.INFO, "order canceled: the normal answer to a cancel"),
    (2103, Severity.WARNING, "market data farm broken"),
    (2109, Severity.WARNING, "outside RTH ignored"),
    (399, Severity.WARNING, "order message (e.g. held until the open)"),
    (10167, Severity.WARNING, "delayed market data shown"),
    (1100, Severity.CONNECTIVITY, "TWS lost IB"),
    (1101, Severity.CONNECTIVITY, "restored, data lost"),
    (1102, Severity.CONNECTIVITY, "restored, data kept"),
    (502, Severity.ERROR, "could not connect"),
    (504, Severity.ERROR, "not connected"),
    (110, Severity.ERROR, "price off tick"),
    (201, Severity.ERROR, "order rejected"),
    (161, Severity.ERROR, "not cancellable"),
]


@pytest.mark.parametrize("code, severity", [c[:2] for c in SEVERITIES], ids=[c[2] for c in SEVERITIES])
def test_every_message_is_listed_with_its_severity(code, severity):
    store = Store()
    changes = store.apply([connected(), TwsMessage(-1, code, "text", time_ms=1_700_000_000_000)])
    (row,) = store.messages()
    assert changes.messages == (row,)
    assert (row.code, row.severity, row.id, row.time, row.order_key) == (code, severity, -1, 1_700_000_000.0, None)


WORKING = [open_order(5, 999), status(5, 999)]
SENT = [sent(5)]
# (what happened, events before, error code, status shown, last error code shown or None)
ON_ORDERS = [
    ("rejected modify leaves the order working, showing why", WORKING, 201, S.SUBMITTED, 201),
    ("off-tick modify leaves the order working", WORKING, 110, S.SUBMITTED, 110),
    ("outside-RTH warning does not mark the order", WORKING, 2109, S.SUBMITTED, None),
    ("order message 399 does not mark the order", WORKING, 399, S.SUBMITTED, None),
    ("cancel confirmation 202 is a message only", WORKING, 202, S.SUBMITTED, None),
    ("not connected does not concern a live order", WORKING, 504, S.SUBMITTED, None),
    ("new order TWS never acknowledged, rejected: Inactive", SENT, 201, S.INACTIVE, 201),
    ("new order off tick, never acknowledged: Inactive", SENT, 110, S.INACTIVE, 110),
    ("new order hit 'not connected': it never left, Inactive", SENT, 504, S.INACTIVE, 504),
    ("warning on a new order leaves it pending", SENT, 399, S.PENDING_SUBMIT, None),
    ("farm notice with the order's id leaves it pending", SENT, 2104, S.PENDING_SUBMIT, None),
    ("TIF set to DAY by a preset (10349) is a warning: the new order goes on", SENT, 10349, S.PENDING_SUBMIT, None),
    ("a cancel that found nothing to cancel (10147) leaves a new order pending, saying so", SENT + [sent(5, "cancel")],
     10147, S.PENDING_SUBMIT, 10147),
    ("a cancel too late (10148) leaves the order as TWS has it", WORKING + [sent(5, "cancel")], 10148,
     S.SUBMITTED, 10148),
    ("not cancellable (161) ends the pending cancel: working", WORKING + [sent(5, "cancel")], 161, S.SUBMITTED, 161),
]


@pytest.mark.parametrize("before, code, shown, error", [c[1:] for c in ON_ORDERS], ids=[c[0] for c in ON_ORDERS])
def test_an_error_for_our_order(before, code, shown, error):
    store = Store()
    store.apply([connected(), *before])
    store.apply([message(5, code, "why")])
    row = store.order_by_id(1, 5)
    assert row.status is shown
    assert row.last_error == ((error, "why") if error is not None else None)
    assert store.messages()[-1].order_key == row.key, "the message links to its order"


@pytest.mark.parametrize("table, shown, error", [
    ({"399": "fatal"}, S.INACTIVE, 399),  # a trader who wants every order message to stop a new order
    ({"201": "keeps"}, S.PENDING_SUBMIT, 201),
    ({"201": "info"}, S.PENDING_SUBMIT, None),
])
def test_the_config_says_what_a_code_does_to_an_order(table, shown, error):
    store = Store(code_effects(table))
    code = int(next(iter(table)))
    store.apply([connected(), *SENT, message(5, code, "why")])
    row = store.order_by_id(1, 5)
    assert (row.status, row.last_error) == (shown, (error, "why") if error is not None else None)


@pytest.mark.parametrize("table, why", [({"x1": "info"}, "not an error code"), ({"399": "loud"}, "say one of")])
def test_a_bad_errors_table_is_refused_with_its_entry(table, why):
    with pytest.raises(ValueError, match=why):
        code_effects(table)


def test_an_error_for_another_clients_order_id_does_not_touch_it():
    store = Store()
    store.apply([connected(1), open_order(5, 999, client_id=2), status(5, 999, client_id=2)])
    store.apply([message(5, 201)])
    assert store.order(OrderKey(999)).last_error is None
    assert store.messages()[-1].order_key is None


def test_an_error_before_we_know_our_client_id_is_a_message_only():
    store = Store()
    store.apply([sent(5), message(5, 201)])
    assert store.order_by_id(1, 5).status is S.PENDING_SUBMIT
    assert len(store.messages()) == 1


def test_a_new_modify_clears_the_last_error():
    store = Store()
    store.apply([connected(), *WORKING, message(5, 201, "no")])
    store.apply([sent(5, "modify")])
    assert store.order(OrderKey(999)).last_error is None


def test_a_refused_command_is_an_error_message_with_its_reason():
    store = Store()
    store.apply([connected(), *WORKING])
    changes = store.apply([Refused("cancel", 5, "read-only session", at=9.0)])
    (row,) = changes.messages
    assert (row.severity, row.id, row.time) == (Severity.ERROR, 5, 9.0)
    assert "read-only session" in row.text and row.order_key == OrderKey(999)
    assert store.order(OrderKey(999)).status is S.SUBMITTED


def test_connection_state_and_resync():
    store = Store()
    changes = store.apply([connected(7)])
    assert changes.connection_changed and store.client_id == 7
    assert store.connection.state is ConnState.CONNECTED and not store.connection.resynced
    assert store.apply([Resynced(at=3.0)]).connection_changed and store.connection.resynced
    store.apply([Connection(ConnState.TWS_IB_LOST, "1100")])
    assert store.connection.resynced and store.connection.port == 7497, "the socket stayed up"
    store.apply([Connection(ConnState.LOST, "socket closed")])
    assert not store.connection.resynced and store.connection.state is ConnState.LOST
    assert not store.apply([]), "an empty batch changes nothing"


def test_a_message_over_several_lines_reads_on_one_with_its_breaks_marked():
    assert one_line("Order Message:\nBUY 100 AAPL\r\n\nWarning: not before 09:30 ") == \
        "Order Message: ↵ BUY 100 AAPL ↵ Warning: not before 09:30"
    assert one_line("one line") == "one line"
