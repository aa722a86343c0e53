"""Orders TWS leaves waiting: flagged once per wait, in their row and the messages pane."""

from __future__ import annotations

from blotter.domain.keys import OrderKey
from blotter.domain.messages import Severity
from blotter.domain.status import OrderStatus as S
from blotter.domain.store import Store
from blotter.domain.stuck import limits
from tests.domain.factories import connected, open_order, sent, status


def test_an_order_tws_never_answers_is_flagged_once_after_ten_seconds():
    store = Store()
    store.apply([connected(), sent(5, at=100.0)])
    key = store.order_by_id(1, 5).key
    assert not store.check_stuck(109.9) and store.stuck_for(key) is None
    changes = store.check_stuck(112.0)
    assert changes.orders_updated == (key,)
    [note] = changes.messages
    assert note.text == "no answer from TWS for 12 s: #5 BUY 100 AAPL PendingSubmit"
    assert (note.severity, note.order_key, note.id) == (Severity.WARNING, key, 5)
    assert store.messages()[-1] == note and store.stuck_for(key) == 12.0
    assert not store.check_stuck(130.0), "said once for the wait"


def test_an_answer_ends_the_flag_and_a_cancel_left_waiting_is_flagged_again():
    store = Store()
    store.apply([connected(), sent(5, at=100.0)])
    store.check_stuck(111.0)
    store.apply([open_order(5, 999, at=112.0), status(5, 999, at=112.0)])
    key = OrderKey(999)
    assert store.order(key).status is S.SUBMITTED and store.stuck_for(key) is None
    assert not store.check_stuck(200.0), "a working order is not waiting for anything"
    store.apply([sent(5, "cancel", at=300.0)])
    assert store.order(key).status is S.PENDING_CANCEL
    changes = store.check_stuck(310.0)
    assert changes.orders_updated == (key,) and "PendingCancel" in changes.messages[0].text


def test_presubmitted_is_watched_only_when_the_config_asks():
    events = [connected(), sent(5, at=100.0), open_order(5, 999, "PreSubmitted", at=101.0),
              status(5, 999, "PreSubmitted", at=101.0)]
    quiet, watched = Store(), Store(stuck=limits({"presubmitted": 30}))
    quiet.apply(events)
    watched.apply(events)
    assert not quiet.check_stuck(1000.0), "a stop or an order held until the open may wait all day"
    assert watched.check_stuck(131.0).orders_updated == (OrderKey(999),)


def test_a_pending_limit_of_zero_watches_nothing():
    store = Store(stuck=limits({"pending": 0}))
    store.apply([connected(), sent(5, at=100.0)])
    assert not store.check_stuck(10_000.0)
