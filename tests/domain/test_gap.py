"""After a lost connection, one messages row says what the resync found: fills that arrived, orders that ended."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from blotter.domain.events import ConnState, Connection, Resynced
from blotter.domain.messages import Severity
from blotter.domain.store import Store
from tests.domain.factories import completed, connected, execution, open_order, sent, status

DAY = [replace(connected(), at=100.0),
       sent(5, at=101.0), open_order(5, 999, at=101.0), status(5, 999, at=101.0),  # a DAY order, working
       sent(6, at=102.0), open_order(6, 1000, at=102.0), status(6, 1000, at=102.0)]  # a GTC order, working


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def lost_and_back(store: Store, *resync, lost: float = 200.0, back: float = 328.0) -> list[str]:
    store.apply([Connection(ConnState.LOST, "connection to TWS lost", at=lost, retry_at=lost + 1)])
    store.apply([Connection(ConnState.CONNECTING, at=lost + 1),
                 Connection(ConnState.LOST, "connection refused", at=lost + 1, retry_at=lost + 3)])
    changes = store.apply([replace(connected(), at=back), *resync, Resynced(back + 1)])
    return [m.text for m in changes.messages]


def test_the_gap_row_names_the_fill_that_arrived_and_the_order_that_ended():
    store = Store()
    store.apply(DAY)
    texts = lost_and_back(store, open_order(6, 1000, at=329.0), status(6, 1000, at=329.0),
                          completed(999, "Cancelled", order_id=5, client_id=1, at=329.0),
                          execution("f1.01", 6, 1000, 40, 150.0, at=329.0, req_id=3))
    assert texts == ["back after 2m 08s away (00:03:20-00:05:28): 1 fill arrived (BOT 40 AAPL @ 150.00); "
                     "1 order ended (#5 AAPL Cancelled)"]
    assert store.messages()[-1].severity is Severity.INFO


def test_nothing_in_the_gap_is_said_too():
    store = Store()
    store.apply(DAY)
    texts = lost_and_back(store, open_order(5, 999, at=329.0), open_order(6, 1000, at=329.0))
    assert texts == ["back after 2m 08s away (00:03:20-00:05:28): no fill arrived and no order ended meanwhile"]


def test_an_order_the_resync_no_longer_reports_is_in_the_gap_row_not_a_row_of_its_own():
    store = Store()
    store.apply(DAY)
    texts = lost_and_back(store, open_order(6, 1000, at=329.0))
    assert texts == ["back after 2m 08s away (00:03:20-00:05:28): 1 order ended (#5 AAPL Unreported)"]
    assert store.messages()[-1].severity is Severity.WARNING


def test_a_drop_during_the_resync_keeps_the_gap_from_the_first_loss():
    store = Store()
    store.apply(DAY)
    store.apply([Connection(ConnState.LOST, at=200.0), replace(connected(), at=250.0)])
    texts = lost_and_back(store, open_order(5, 999, at=329.0), open_order(6, 1000, at=329.0), lost=260.0)
    assert texts[0].startswith("back after 2m 08s away (00:03:20-00:05:28)")


def test_many_fills_are_counted_beyond_the_first_three():
    store = Store()
    store.apply(DAY)
    fills = [execution(f"f{i}.01", 6, 1000, 10, 150.0 + i, at=329.0, req_id=3) for i in range(5)]
    [text] = lost_and_back(store, open_order(5, 999, at=329.0), open_order(6, 1000, at=329.0), *fills)
    assert "5 fills arrived (BOT 10 AAPL @ 150.00, BOT 10 AAPL @ 151.00, BOT 10 AAPL @ 152.00 and 2 more)" in text


def test_the_first_connection_of_the_day_has_no_gap_row():
    store = Store()
    changes = store.apply([*DAY, Resynced(103.0)])
    assert not [m for m in changes.messages if m.text.startswith("back after")]


def test_the_connection_says_since_when_it_is_down_and_when_it_tries_again():
    store = Store()
    store.apply(DAY)
    store.apply([Connection(ConnState.LOST, "connection to TWS lost", at=200.0, retry_at=201.0),
                 Connection(ConnState.CONNECTING, at=201.0),
                 Connection(ConnState.LOST, "connection refused", at=201.0, retry_at=203.0)])
    info = store.connection
    assert (info.state, info.down_since, info.retry_at) == (ConnState.LOST, 200.0, 203.0)
    store.apply([replace(connected(), at=204.0)])
    assert (store.connection.down_since, store.connection.retry_at) == (0.0, 0.0)
