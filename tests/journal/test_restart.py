"""Restart: the journal's day is shown at once, unconfirmed; the resync after connecting reconciles it:
nothing doubled, corrected executions replaced, orders that finished while the blotter was down closed."""

from __future__ import annotations

import time
from decimal import Decimal

from blotter.domain import events as ev
from blotter.domain.status import OrderStatus
from blotter.domain.store import Store
from blotter.journal import Archive, day_of
from tests.ib.test_core import AAPL, fields, fills_of, step_until
from tests.journal.conftest import ACCOUNT, execution_ids, main_file, wait_gone


def picture(store: Store):
    return (store.orders(), store.fills(), store.totals_by_symbol(), store.totals_by_currency(), store.efficiency())


def test_the_store_takes_a_journal_replay_twice_without_a_change(sim, blotters, directory):
    """The Store is idempotent for replays: the journal loaded, then the same day again, changes nothing."""
    b = blotters(sim).connect()
    b.until(lambda s: b.resyncs >= 1)
    oid = b.session.place(AAPL, fields("BUY", 1200))
    step_until(sim, b, lambda s: b.store.order_by_id(1, oid).status is OrderStatus.FILLED
               and all(f.commission is not None for f in fills_of(s, oid)))
    b.stop()
    records = Archive(directory, ACCOUNT).records(day_of(time.time()))
    store = Store()
    store.load([r.event for r in records], 1)
    before = picture(store)
    again = store.apply([r.event for r in records if r.kind != "TwsMessage"])
    assert picture(store) == before
    assert not (again.orders_added or again.orders_updated or again.fills_added or again.fills_updated
                or again.totals_changed)
    assert picture(store)[:4] == picture(b.store)[:4], "the journal rebuilds what the blotter showed"


def test_restart_reconciles_the_journal_with_what_happened_while_it_was_down(sim, blotters, directory):
    first = blotters(sim).connect()
    first.until(lambda s: first.resyncs >= 1)
    bid = sim.call(lambda: sim.market.quote(265598).bid)
    resting = first.session.place(AAPL, fields("BUY", 100, "LMT", round(bid - 5, 2)))
    filling = first.session.place(AAPL, fields("SELL", 3000))
    first.until(lambda s: all(first.store.order_by_id(1, o) is not None and first.store.order_by_id(1, o).perm_id
                              for o in (resting, filling)), what="both acknowledged")
    step_until(sim, first, lambda s: len(fills_of(s, filling)) >= 2 and all(f.commission is not None
                                                                         for f in fills_of(s, filling)))
    first.stop()  # the blotter goes away; the market does not
    seen = {f.base_id for f in first.store.fills()}

    for _ in range(40):
        sim.advance(0.25)
        if sim.call(lambda: sim.broker.by_key[(1, filling)].remaining == 0):
            break
    corrected_exec = sim.call(lambda: sim.broker.fills[sorted(seen)[0]].exec_id)
    sim.correct(corrected_exec)
    sim.end_of_day()  # the resting DAY order is cancelled while the blotter is down

    wait_gone(sim)
    second = blotters(sim)
    store = second.store
    assert store.unconfirmed
    assert store.order_by_id(1, resting).status is OrderStatus.SUBMITTED, "the journal's view, before TWS answers"
    assert {f.base_id for f in store.fills()} == seen
    second.connect()
    second.until(lambda s: second.resyncs >= 1, what="the resync")
    ours = sim.call(lambda: dict(sim.broker.fills))
    second.until(lambda s: s.fill_count() == len(ours) and all(f.commission is not None for f in s.fills()),
                 what="every fill and commission")
    assert not store.unconfirmed
    assert store.order_by_id(1, resting).status is OrderStatus.CANCELLED, "closed by the completed orders"
    row = store.order_by_id(1, filling)
    assert row.status is OrderStatus.FILLED and row.filled == Decimal(3000)
    assert sorted(f.base_id for f in store.fills()) == sorted(ours), "nothing doubled, nothing lost"
    assert {f.base_id: f.exec_id for f in store.fills()} == {b: f.exec_id for b, f in ours.items()}
    assert store.fill(sorted(seen)[0]).exec_id.endswith(".02"), "the correction replaced the fill"
    assert row.commission == sum(f.commission for f in ours.values())
    assert len([m for m in store.messages() if m.code == 2104]) == 2, "a message from each run, not doubled"
    second.stop()

    ids = execution_ids(main_file(directory))
    assert len(ids) == len(set(ids)), "each execution once in the journal"
    assert {i.rsplit(".", 1)[0] for i in ids} == set(ours)
    assert sorted(i for i in ids if i.endswith(".02")) == [ours[sorted(seen)[0]].exec_id]
    third = Store()
    third.load([r.event for r in Archive(directory, ACCOUNT).records(second.loaded[0].day)], 1)
    assert {f.base_id: f.exec_id for f in third.fills()} == {f.base_id: f.exec_id for f in store.fills()}
    assert third.order_by_id(1, resting).status is OrderStatus.CANCELLED


def test_the_first_resync_ends_the_unconfirmed_mark_even_when_nothing_changed(sim, blotters):
    first = blotters(sim).connect()
    first.until(lambda s: first.resyncs >= 1)
    first.stop()
    wait_gone(sim)
    second = blotters(sim)
    assert second.store.unconfirmed, "the farm messages of the first run were loaded"
    second.connect()
    second.until(lambda s: not s.unconfirmed, what="confirmed by the resync")
    assert isinstance(second.loaded[0].event, ev.TwsMessage)


def test_a_loaded_day_attaches_errors_to_the_orders_of_the_client_that_sent_them():
    """Opened as client 0, a day a client-1 blotter traded still shows its rejection on the order."""
    from tests.domain.factories import message, sent
    store = Store()
    store.load([sent(6), message(6, 110, "The price does not conform")], client_id=0)
    row = store.order_by_id(1, 6)
    assert row.status is OrderStatus.INACTIVE and row.last_error == (110, "The price does not conform")
    assert store.client_id is None and store.unconfirmed, "a loaded day says nothing of the connection"


def test_an_earlier_days_view_holds_the_positions_as_last_known(sim, blotters, directory):
    b = blotters(sim).connect()
    b.until(lambda s: b.resyncs >= 1)
    oid = b.session.place(AAPL, fields("BUY", 1200))
    step_until(sim, b, lambda s: b.store.order_by_id(1, oid).status is OrderStatus.FILLED)
    b.until(lambda s: any(p.contract.symbol == "AAPL" and p.position == 1200 for p in s.positions()),
            what="the position after the fill")
    b.stop()
    day = Archive(directory, ACCOUNT).store(day_of(time.time()), 1)
    assert [(p.contract.symbol, p.position) for p in day.positions()] == [("AAPL", Decimal(1200))]
    assert [a.account for a in day.accounts() if a.net_liquidation] == [ACCOUNT]
