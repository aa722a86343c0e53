"""The core end to end: the real ibapi client (through the session) against the simulator, asserted on the Store."""

from __future__ import annotations

import queue
import time
from decimal import Decimal
from typing import Callable, Iterator

import pytest

from blotter.domain import events as ev
from blotter.domain.feed import drain
from blotter.domain.status import OrderStatus
from blotter.domain.store import Store
from blotter.ib.session import Session, SessionConfig
from tests.conftest import make_sim

AAPL = ev.ContractRef(symbol="AAPL", sec_type="STK", exchange="SMART", currency="USD")
WAIT = 30.0


def stock(symbol: str) -> ev.ContractRef:
    return ev.ContractRef(symbol=symbol, sec_type="STK", exchange="SMART", currency="USD")


def fields(action: str, qty: int, order_type: str = "MKT", lmt: float | None = None) -> ev.OrderFields:
    return ev.OrderFields(action=action, total_quantity=Decimal(qty), order_type=order_type, lmt_price=lmt, tif="DAY")


class Core:
    """A session feeding a queue, and a Store fed from it by `until` (as the UI's timer would)."""

    def __init__(self, port: int, client_id: int = 1, *, store: Store | None = None, connect: bool = True,
                 **config) -> None:
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.store = store if store is not None else Store()
        config.setdefault("backoff_initial", 0.05)
        self.session = Session(SessionConfig(port=port, client_id=client_id, **config), self.queue.put)
        self.resyncs = 0
        if connect:
            self.session.connect()

    def pump(self, *first) -> list:
        """Apply `first` and whatever else is queued, as one batch; returns the batch."""
        batch = [*first, *drain(self.queue)]
        if batch:
            self.resyncs += sum(isinstance(e, ev.Resynced) for e in batch)
            self.store.apply(batch)
        return batch

    def until(self, done: Callable[[Store], bool], timeout: float = WAIT, what: str = "") -> None:
        """Apply events as they arrive until done(store); fails after `timeout` seconds without it."""
        deadline = time.monotonic() + timeout
        self.pump()
        while not done(self.store):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what or done}")
            try:
                first = self.queue.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            self.pump(first)

    def row(self, order_id: int):
        return self.store.order_by_id(self.session.config.client_id, order_id)

    def status(self, order_id: int) -> OrderStatus | None:
        row = self.row(order_id)
        return row.status if row is not None else None


@pytest.fixture
def core(sim) -> Iterator[Callable[..., Core]]:
    made: list[Core] = []

    def make(client_id: int = 1, **config) -> Core:
        c = Core(sim.port, client_id, **config)
        made.append(c)
        c.until(lambda s: c.resyncs >= 1, what="first resync")
        return c

    yield make
    for c in made:
        c.session.stop()


def step_until(sim, core: Core, done: Callable[[Store], bool], steps: int = 400) -> None:
    """Drive the simulator's clock a step at a time until the store shows done."""
    for _ in range(steps):
        core.until(lambda s: True)
        if done(core.store):
            return
        sim.advance(0.25)
        core.until(lambda s: True)
    core.until(done, timeout=5)


def fills_of(store: Store, order_id: int) -> list:
    return [f for f in store.fills() if f.order_id == order_id]


def test_full_lifecycle_matches_the_simulators_record(sim, core):
    c = core()
    bid = sim.call(lambda: sim.market.quote(265598).bid)
    oid = c.session.place(AAPL, fields("BUY", 100, "LMT", round(bid - 1, 2)))
    assert c.row(oid) is None or c.status(oid) is OrderStatus.PENDING_SUBMIT
    c.until(lambda s: c.status(oid) is OrderStatus.PRE_SUBMITTED, what="PreSubmitted")
    sim.advance(0.25)
    c.until(lambda s: c.status(oid) is OrderStatus.SUBMITTED, what="Submitted")

    c.session.modify(oid, AAPL, fields("BUY", 100, "LMT", round(bid - 1.5, 2)))
    c.until(lambda s: c.row(oid).order.lmt_price == round(bid - 1.5, 2) and not c.row(oid).modify_pending,
            what="the modified price")
    c.session.cancel(oid)
    c.until(lambda s: c.status(oid) is OrderStatus.CANCELLED, what="Cancelled")

    mkt = c.session.place(AAPL, fields("BUY", 1200))
    c.until(lambda s: c.row(mkt) is not None and c.row(mkt).perm_id != 0)
    step_until(sim, c, lambda s: c.status(mkt) is OrderStatus.FILLED and
               all(f.commission is not None for f in fills_of(s, mkt)))
    row = c.row(mkt)
    held = sim.call(lambda: sim.broker.by_key[(1, mkt)])
    ours = sim.call(lambda: [f for f in sim.broker.fills.values() if f.order_id == mkt])
    assert len(fills_of(c.store, mkt)) == len(ours) >= 2
    assert row.filled == held.filled == Decimal(1200) and row.remaining == 0
    assert row.avg_price == pytest.approx(held.avg_fill_price, abs=1e-9)
    assert row.commission == pytest.approx(sum(f.commission for f in ours), abs=1e-9)


def test_a_thousand_fills_with_repeats_and_corrections_counted_once():
    sim = make_sim(repeat_status=2, correct_every=5, rate_limit=400)
    c = Core(sim.port, 1, rate=400)
    try:
        c.until(lambda s: c.resyncs >= 1)
        ids = []
        for i in range(260):
            symbol = ("AAPL", "MSFT", "SPY")[i % 3]
            ids.append(c.session.place(stock(symbol), fields("BUY" if i % 2 else "SELL", 1000)))
        c.until(lambda s: all(c.row(i) is not None and c.row(i).perm_id for i in ids), what="all acknowledged")
        step_until(sim, c, lambda s: all(c.status(i) is OrderStatus.FILLED for i in ids), steps=2000)
        ours = sim.call(lambda: dict(sim.broker.fills))
        c.until(lambda s: s.fill_count() == len(ours) and
                all(f.commission is not None and f.exec_id == ours[f.base_id].exec_id for f in s.fills()),
                what="every fill with its latest execId and commission")
        assert len(ours) >= 1000
        fills = c.store.fills()
        assert sorted(f.base_id for f in fills) == sorted(ours)
        assert sum(f.shares for f in fills) == Decimal(260_000)
        assert sum(Decimal(str(f.commission)) for f in fills) == sum(Decimal(str(f.commission))
                                                                     for f in ours.values())
        for i in ids:
            assert c.row(i).filled == Decimal(1000)
    finally:
        c.session.stop()
        sim.stop()


def test_twenty_disconnects_while_filling_lose_and_double_nothing(sim, core):
    c = core()
    placed = []
    for round_ in range(20):
        c.until(lambda s: s.connection.state is ev.ConnState.CONNECTED and c.resyncs > round_, what="reconnected")
        placed.append(c.session.place(AAPL, fields("BUY" if round_ % 2 else "SELL", 700)))
        c.until(lambda s: c.row(placed[-1]) is not None and c.row(placed[-1]).perm_id, what="acknowledged")
        sim.advance(0.5)
        sim.drop_all()
        sim.advance(0.5)  # fills go on while the blotter is away
    c.until(lambda s: c.resyncs > 20 and s.connection.state is ev.ConnState.CONNECTED)
    step_until(sim, c, lambda s: all(c.status(i) is OrderStatus.FILLED for i in placed), steps=200)
    ours = sim.call(lambda: dict(sim.broker.fills))
    c.until(lambda s: s.fill_count() == len(ours) and all(f.commission is not None for f in s.fills()),
            what="every fill and commission")
    assert {f.base_id for f in c.store.fills()} == set(ours)
    assert sum(f.commission for f in c.store.fills()) == pytest.approx(sum(f.commission for f in ours.values()))
    for i in placed:
        held = sim.call(lambda: sim.broker.by_key[(1, i)])
        assert c.row(i).filled == held.filled == Decimal(700)


def test_rejected_modify_keeps_the_order_working_with_the_error(sim, core):
    c = core()
    bid = sim.call(lambda: sim.market.quote(265598).bid)
    oid = c.session.place(AAPL, fields("BUY", 100, "LMT", round(bid - 1, 2)))
    c.until(lambda s: c.status(oid) is OrderStatus.PRE_SUBMITTED)
    sim.advance(0.25)
    c.until(lambda s: c.status(oid) is OrderStatus.SUBMITTED)
    sim.reject_next("Simulated: exchange closed for modifications")
    c.session.modify(oid, AAPL, fields("BUY", 100, "LMT", round(bid - 2, 2)))
    c.until(lambda s: c.row(oid).last_error is not None)
    row = c.row(oid)
    assert row.status is OrderStatus.SUBMITTED
    assert row.last_error[0] == 201 and "exchange closed" in row.last_error[1]
    assert row.order.lmt_price == round(bid - 1, 2)


def test_tws_users_order_reaches_client_zero_keyed_by_perm_id(sim, core):
    perm_id = sim.tws_order("MSFT", "BUY", 10, "LMT", lmt_price=1.0, tif="GTC")
    sim.advance(0.25)
    c = core(client_id=0)
    c.until(lambda s: any(r.perm_id == perm_id for r in s.orders()))
    [row] = [r for r in c.store.orders() if r.perm_id == perm_id]
    assert row.key.perm_id == perm_id and row.order_id < 0 and row.client_id == 0
    c.session.cancel(row.order_id)
    c.until(lambda s: s.order(row.key).status is OrderStatus.CANCELLED)


def test_commission_sent_before_its_execution_is_held_until_the_fill(sim, core):
    c = core()
    sim.commission_first()
    oid = c.session.place(AAPL, fields("BUY", 100))
    c.until(lambda s: c.row(oid) is not None and c.row(oid).perm_id)
    step_until(sim, c, lambda s: c.status(oid) is OrderStatus.FILLED and fills_of(s, oid)
               and all(f.commission is not None for f in fills_of(s, oid)))
    ours = sim.call(lambda: [f for f in sim.broker.fills.values() if f.order_id == oid])
    assert [f.commission for f in fills_of(c.store, oid)] == [f.commission for f in ours]
    assert c.row(oid).commission == pytest.approx(sum(f.commission for f in ours))


def test_orders_completed_before_connect_show_their_size_and_fills_from_tws_alone(sim, core, session):
    """completedOrder puts what was left to fill where the size belongs; the row must not read 0/0."""
    c = core()
    filled = c.session.place(AAPL, fields("BUY", 300))
    big = c.session.place(AAPL, fields("BUY", 20_000))
    c.until(lambda s: c.row(big) is not None and c.row(big).perm_id != 0)
    step_until(sim, c, lambda s: c.status(filled) is OrderStatus.FILLED and c.row(big).filled > 0)
    c.session.cancel(big)
    c.until(lambda s: c.status(big) is OrderStatus.CANCELLED, what="Cancelled")
    part = sim.call(lambda: sim.broker.by_key[(1, big)].filled)
    assert 0 < part < 20_000

    _, events = session(client_id=0)
    events.wait(ev.Resynced)
    store = Store()
    store.apply([*events.of(ev.Connection), *events.of(ev.CompletedOrder)])  # no executions: TWS's word alone
    shown = {r.perm_id: (r.status, r.filled, r.order.total_quantity) for r in store.orders()}
    assert shown[c.row(filled).perm_id] == (OrderStatus.FILLED, Decimal(300), Decimal(300))
    assert shown[c.row(big).perm_id] == (OrderStatus.CANCELLED, part, Decimal(20_000))
