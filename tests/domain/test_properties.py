"""Any order of arrival, any duplicates, any replay after a reconnect: the same fills, orders and totals."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blotter.domain.events import ConnState, Connection
from blotter.domain.store import Store
from tests.domain.factories import AAPL, ES, SAP, commission, connected, execution, fields, open_order, sent, status

PRICES = st.integers(1, 500_000).map(lambda cents: cents / 100)
FEES = st.integers(0, 2_000).map(lambda cents: cents / 100)
PNL = st.one_of(st.none(), st.integers(-100_000, 100_000).map(lambda cents: cents / 100))


@st.composite
def days(draw):
    """Events of a few orders, in the order TWS would send them: sends, opens, statuses, fills, reports."""
    events = []
    for n in range(draw(st.integers(1, 3))):
        order_id, perm_id = 10 + n, 1000 + n
        contract = draw(st.sampled_from([AAPL, ES, SAP]))
        side = draw(st.sampled_from(["BOT", "SLD"]))
        filled, fills = 0, []
        for f in range(draw(st.integers(1, 4))):
            base = f"0000{n}{f}a1.6555c1a4.01"
            versions = draw(st.integers(1, 3))  # .01, and up to two corrections
            for v in range(1, versions + 1):
                shares = draw(st.integers(1, 500))
                exec_id = f"{base}.{v:02d}"
                fills.append(execution(exec_id, order_id, perm_id, shares, draw(PRICES), side, contract))
                if draw(st.booleans()):
                    fills.append(commission(exec_id, draw(FEES), draw(PNL), "EUR" if contract is SAP else "USD"))
            filled += shares
        total = filled + draw(st.sampled_from([0, 0, 100]))  # fully filled, or still working
        order = fields("BUY" if side == "BOT" else "SELL", total, "MKT", None)
        statuses = [status(order_id, perm_id, "Submitted", 0, total)] * draw(st.integers(1, 3))
        if total == filled and draw(st.booleans()):  # market orders may never say Filled
            statuses.append(status(order_id, perm_id, "Filled", filled, 0))
        events += [sent(order_id, contract=contract, order=order),
                   open_order(order_id, perm_id, contract=contract, order=order), *statuses[:1], *fills,
                   *statuses[1:]]
    return events


def picture(store: Store):
    """What a trader reads: each fill, each order's figures and status, and the day totals."""
    fills = {f.base_id: (f.exec_id, f.shares, f.price, f.commission, f.realized_pnl, f.order_key)
             for f in store.fills()}
    orders = {o.key: (o.status, o.filled, o.remaining, o.avg_price, o.fills, o.commission, o.realized_pnl, o.local)
              for o in store.orders()}
    return fills, orders, store.totals_by_symbol(), store.totals_by_currency()


def in_batches(store: Store, events, cuts):
    start = 0
    for cut in sorted(cuts) + [len(events)]:
        store.apply(events[start:cut])
        start = cut


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), events=days())
def test_any_arrival_order_duplicates_and_replay_give_the_same_picture(data, events):
    reference = Store()
    reference.apply([connected(), *events])
    expected = picture(reference)

    shuffled = data.draw(st.permutations(events), label="arrival order")
    repeats = data.draw(st.lists(st.sampled_from(events), max_size=10), label="repeated events")
    for event in repeats:
        shuffled.insert(data.draw(st.integers(0, len(shuffled)), label="repeated at"), event)
    replay = data.draw(st.permutations(events), label="replay after reconnect")
    stream = [connected(), *shuffled, Connection(ConnState.LOST), connected(), *replay]
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=6), label="batch boundaries")

    store = Store()
    in_batches(store, stream, cuts)
    assert picture(store) == expected
    assert store.working_count() == len(store.working()), "the working count the keys ask is the rows'"
    assert len(store.orders()) == len({e.perm_id for e in events if hasattr(e, "perm_id")}), "one row per order"


@settings(max_examples=100, deadline=None)
@given(events=days())
def test_applying_the_day_again_changes_nothing_shown(events):
    store = Store()
    store.apply([connected(), *events])
    changes = store.apply(events)
    assert (changes.orders_added, changes.orders_updated, changes.orders_removed) == ((), (), ())
    assert (changes.fills_added, changes.fills_updated, changes.totals_changed) == ((), (), False)


@settings(max_examples=100, deadline=None)
@given(events=days())
def test_totals_are_the_sum_of_the_fills_shown(events):
    store = Store()
    store.apply([connected(), *events])
    fills = store.fills()
    for symbol, totals in store.totals_by_symbol().items():
        mine = [f for f in fills if f.contract.display == symbol]
        assert totals.fills == len(mine)
        assert totals.bought == sum((f.shares for f in mine if f.side == "BOT"), Decimal(0))
        assert totals.sold == sum((f.shares for f in mine if f.side == "SLD"), Decimal(0))
    for order in store.orders():
        assert order.filled == sum((f.shares for f in fills if f.order_key == order.key), Decimal(0))
