"""The Store: applies batches of events to orders, fills, messages and day totals, and says what changed.

Orders are keyed by perm id once TWS gave one, by (client id, order id) before: when the perm id
arrives for a (client, order id) row, the row is re-keyed (Changes lists the old key removed, the new
one added, and the pair in orders_rekeyed). Executions are the truth for filled and avg price (see
orders.py). Applying the same events again (a replay after a reconnect) changes nothing, so the day a
journal held can be loaded first (`load`) and TWS's resync applied on top of it.
"""

from __future__ import annotations

from dataclasses import fields, replace
from operator import attrgetter
from typing import Any, Callable, Iterable

from blotter.domain.events import (
    AccountPnL, AccountValue, Commission, CompletedOrder, ConnState, Connection, ContractRef, EndOf, Event,
    Execution, OpenOrder, OrderBound, OrderFields, OrderSent, Position, PositionPnL, Refused, Resynced,
    StatusUpdate, TwsMessage,
)
from blotter.domain.gap import Gap, summary
from blotter.domain.holdings import AccountRow, Holdings, PositionKey, PositionRow
from blotter.domain.keys import NO_ID, OrderKey, known_order_id
from blotter.domain.ledger import Ledger
from blotter.domain.messages import Effect, Severity, effect, severity
from blotter.domain.orders import NO_ORDER_FIELDS, OrderBook, OrderState
from blotter.domain.rows import ZERO, Changes, ConnectionInfo, FillRow, MessageRow, OrderRow, Totals
from blotter.domain.status import OrderStatus
from blotter.domain.stuck import Stuck, limits

_STATUS = 5  # where OrderState.view puts the status (OrderRow's field after the key)
_view = attrgetter(*(f.name for f in fields(OrderRow)[1:-1]))  # a row's OrderState.view: all but key and updated
_KEEPS_RESYNC = (ConnState.TWS_IB_LOST, ConnState.TWS_IB_RESTORED)  # the socket stayed up
_UP = (ConnState.CONNECTED, *_KEEPS_RESYNC)
_DOWN = (ConnState.LOST, ConnState.CONNECTING)  # not STOPPED: the trader stopped it, nothing to tell after


class Store:
    """Everything the blotter shows, fed only by Store.apply (on the UI thread).

    Events no row shows (ticks, contract details, next valid id, accounts, EndOf but that of the
    positions) are ignored here.
    """

    def __init__(self, effects: dict[int, Effect] | None = None,
                 stuck: dict[OrderStatus, float] | None = None) -> None:
        self._effects = effects or {}  # the config's [errors]: code -> what it does to an order
        self._connections = 0  # CONNECTED events so far: what a resync reports is of the latest
        self._stuck = Stuck(limits({}) if stuck is None else stuck)
        self._book = OrderBook()
        self._orders = self._book.states  # key -> OrderState
        self._shown: dict[OrderKey, OrderRow] = {}  # key -> the row the UI was last told
        self._working = 0  # how many of _shown are working
        self._ledger = Ledger()  # fills, commissions, per-order sums, day totals
        self._holdings = Holdings()  # positions and account lines, as TWS reports them
        self._messages: list[MessageRow] = []
        self._what_if: dict[int, OpenOrder] = {}
        self._connection = ConnectionInfo()
        self._client_id: int | None = None
        self._now = 0.0  # the time of the event being applied
        self._dirty: dict[OrderKey, float] = {}
        self._gone: list[OrderKey] = []
        self._rekeyed: list[tuple[OrderKey, OrderKey]] = []
        self._new_messages: list[MessageRow] = []
        self._new_what_if: dict[int, None] = {}
        self._sent: dict[str, int] = {}  # requests this blotter sent today, by kind
        self._seen_sent: set[OrderSent] = set()
        self._unconfirmed = False
        self._gap: Gap | None = None  # the connection was lost: what was known then, until the resync after
        self._gap_closed: tuple[Gap, float] | None = None  # a resync ended a gap: (it, when TWS was back)

    # -- reading ------------------------------------------------------------------------------

    def orders(self) -> list[OrderRow]:
        """All order rows, first seen first (a re-keyed row moves to the end)."""
        return list(self._shown.values())

    def working(self) -> list[OrderRow]:
        return [row for row in self.orders() if row.status.working]

    def working_count(self) -> int:
        """How many shown orders are working (kept as rows change: asked on every key check)."""
        return self._working

    def done(self) -> list[OrderRow]:
        return [row for row in self.orders() if row.status.done]

    def order(self, key: OrderKey) -> OrderRow | None:
        return self._shown.get(key)

    def stuck_for(self, key: OrderKey) -> float | None:
        """How long the order had waited for TWS when it was flagged; None unless it is stuck now."""
        row = self._shown.get(key)
        return self._stuck.waited(row) if row is not None else None

    def check_stuck(self, now: float) -> Changes:
        """Flag the orders that have waited too long for TWS, each once per wait (asked about once a second)."""
        rows = self._stuck.newly((row for row in self._shown.values() if row.status.working), now)
        added = tuple(MessageRow(now, row.order_id or NO_ID, 0,
                                 f"no answer from TWS for {now - row.updated:.0f} s: {_named(row)}",
                                 Severity.WARNING, row.key) for row in rows)
        self._messages += added
        return Changes(orders_updated=tuple(row.key for row in rows), messages=added)

    def order_by_id(self, client_id: int, order_id: int) -> OrderRow | None:
        """The row of an API order id (what modify / cancel and error() speak of)."""
        key = self._key(0, client_id, order_id)
        return self.order(key) if key is not None else None

    def fills(self) -> list[FillRow]:
        """All fills of the day in arrival order (a correction keeps its fill's place)."""
        return self._ledger.rows()

    def fill_count(self) -> int:
        return self._ledger.count()

    def fill_at(self, index: int) -> FillRow:
        """The index-th fill in arrival order: for a table that draws only its visible lines."""
        return self._ledger.row_at(index)

    def fill(self, base_id: str) -> FillRow | None:
        return self._ledger.row(base_id)

    def messages(self) -> list[MessageRow]:
        return list(self._messages)

    def message_count(self) -> int:
        return len(self._messages)

    def message_at(self, index: int) -> MessageRow:
        return self._messages[index]

    def positions(self) -> list[PositionRow]:
        """Every position TWS reported (closed ones today at 0), first reported first."""
        return self._holdings.rows()

    def position(self, key: PositionKey) -> PositionRow | None:
        return self._holdings.row(key)

    def accounts(self) -> list[AccountRow]:
        """Each account's line (net liquidation, buying power, P&L), by account id."""
        return self._holdings.accounts()

    def account(self, name: str) -> AccountRow | None:
        return self._holdings.account(name)

    def totals_by_symbol(self) -> dict[str, Totals]:
        return self._ledger.by_symbol()

    def totals_by_currency(self) -> dict[str, Totals]:
        return self._ledger.by_currency()

    def efficiency(self) -> tuple[int, int, float | None]:
        """The day's order efficiency: (orders + modifies + cancels sent, fills, sent per fill)."""
        sent = sum(self._sent.get(kind, 0) for kind in ("new", "modify", "cancel", "cancel_all"))
        fills = self.fill_count()
        return sent, fills, (sent / fills if fills else None)

    def what_if(self, order_id: int) -> OpenOrder | None:
        """The latest what-if preview TWS answered for this order id (never an order row)."""
        return self._what_if.get(order_id)

    @property
    def connection(self) -> ConnectionInfo:
        return self._connection

    @property
    def unconfirmed(self) -> bool:
        """Rows came from the journal (`load`) and TWS has not resynced since: they may be stale."""
        return self._unconfirmed

    @property
    def client_id(self) -> int | None:
        """This blotter's client id, from the last CONNECTED event (None before)."""
        return self._client_id

    # -- applying -----------------------------------------------------------------------------

    def apply(self, batch: Iterable[Event]) -> Changes:
        """Apply a batch of events in order; return exactly what changed for the UI."""
        connection = self._connection
        handlers = _HANDLERS
        for event in batch:
            handler = handlers.get(type(event))
            if handler is not None:
                handler(self, event)
        return self._flush(connection)

    def load(self, recorded: Iterable[Event], client_id: int | None = None) -> Changes:
        """Apply events a journal recorded earlier, before TWS answers; the picture is unconfirmed until
        the next Resynced. Errors attach to the orders of the client that sent requests that day (this
        `client_id` if it did, else the first that did)."""
        recorded = list(recorded)
        own = self._client_id
        if own is None:
            senders = [e.client_id for e in recorded if isinstance(e, OrderSent)]
            self._client_id = client_id if client_id in senders or not senders else senders[0]
        try:
            changes = self.apply(recorded)
        finally:
            if own is None:
                self._client_id = own
        if changes and not self._connection.resynced:
            self._unconfirmed = True
        return changes

    def _key(self, perm_id: int, client_id: int, order_id: int) -> OrderKey | None:
        return self._book.key(perm_id, client_id, order_id)

    def _touch(self, key: OrderKey) -> None:
        self._dirty[key] = self._now

    def _learn(self, perm_id: int, client_id: int, order_id: int) -> None:
        """TWS told us the perm id of (client, order id): a row still keyed by the ids is re-keyed."""
        moved = self._book.learn(perm_id, client_id, order_id)
        if moved is not None:
            old_key, new_key = moved
            self._dirty.pop(old_key, None)
            if old_key in self._shown:
                self._gone.append(old_key)
                self._rekeyed.append(moved)
            self._touch(new_key)

    def _state(self, perm_id: int, client_id: int, order_id: int) -> OrderState | None:
        """The order an event from TWS speaks of, added if new; None if it names no order."""
        state = self._book.known(perm_id, client_id, order_id)
        if state is not None:
            self._dirty[state.key] = self._now
            state.client_id, state.order_id = client_id, order_id
            return state
        self._learn(perm_id, client_id, order_id)
        key = self._key(perm_id, client_id, order_id)
        if key is None:
            return None
        self._touch(key)
        return self._book.get_or_add(key, client_id, order_id, self._now, self._ledger.order_key)

    def _on_open_order(self, ev: OpenOrder) -> None:
        self._now = ev.received
        if ev.what_if:
            self._what_if[ev.order_id] = ev
            self._new_what_if[ev.order_id] = None
            return
        state = self._state(ev.perm_id, ev.client_id, ev.order_id)
        if state is not None:
            state.contract, state.order = ev.contract, ev.order
            state.local = state.modify_pending = False
            state.reported, state.reported_in, state.unreported = self._now, self._connections, 0.0
            if ev.status:
                state.take_status(ev.status)

    def _on_status(self, ev: StatusUpdate) -> None:
        self._now = ev.received
        state = self._state(ev.perm_id, ev.client_id, ev.order_id)
        if state is not None:
            state.local = False
            state.reported, state.reported_in, state.unreported = self._now, self._connections, 0.0
            state.take_status(ev.status)
            state.status_remaining, state.why_held = ev.remaining, ev.why_held

    def _on_completed(self, ev: CompletedOrder) -> None:
        self._now = ev.received
        state = self._state(ev.perm_id, ev.client_id, ev.order_id)
        if state is not None:
            if ev.order != NO_ORDER_FIELDS:
                # TWS sends what was left to fill where the order's size belongs, its fills beside it
                size = state.order.total_quantity or ev.order.total_quantity + ev.filled
                order = ev.order if size == ev.order.total_quantity else replace(ev.order, total_quantity=size)
                state.contract, state.order = ev.contract, order
            state.reported_filled = ev.filled
            state.reported, state.reported_in, state.unreported = self._now, self._connections, 0.0
            state.complete(ev.status, ev.completed_status, ev.completed_time)

    def _on_bound(self, ev: OrderBound) -> None:
        self._learn(ev.perm_id, ev.client_id, ev.order_id)
        state = self._orders.get(OrderKey(ev.perm_id)) if ev.perm_id else None
        if state is not None and (state.client_id, state.order_id) != (ev.client_id, ev.order_id):
            state.client_id, state.order_id = ev.client_id, ev.order_id
            self._touch(state.key)

    def _on_execution(self, ev: Execution) -> None:
        self._now = ev.received
        state = self._book.known(ev.perm_id, ev.client_id, ev.order_id)
        if state is None:
            self._learn(ev.perm_id, ev.client_id, ev.order_id)
            key = self._key(ev.perm_id, ev.client_id, ev.order_id)
            state = self._orders.get(key) if key is not None else None
        if state is not None:
            key = state.key  # the order's own key: one object an order, not one a fill (100,000 fills: 9 MB)
        self._summed(self._ledger.execution(ev, key))
        if state is not None and state.local:  # TWS filled it: it knows the order
            state.local = False
            self._touch(state.key)

    def _on_commission(self, ev: Commission) -> None:
        self._now = ev.received
        self._summed(self._ledger.commission(ev))

    def _summed(self, key: OrderKey | None) -> None:
        """A fill of this order changed: its row is redrawn once the batch's sums are settled."""
        if key is not None and key in self._orders:
            self._touch(key)

    def _ours(self, order_id: int) -> OrderState | None:
        """The order an error() / refusal id names: an order id of this client (known once connected)."""
        if self._client_id is None or order_id == NO_ID or not known_order_id(order_id):
            return None
        key = self._key(0, self._client_id, order_id)
        return self._orders.get(key) if key is not None else None

    def _message(self, row: MessageRow) -> None:
        self._messages.append(row)
        self._new_messages.append(row)

    def _on_message(self, ev: TwsMessage) -> None:
        self._now = ev.received or ev.time_ms / 1000
        state = self._ours(ev.id)
        self._message(MessageRow(self._now, ev.id, ev.code, ev.text, severity(ev.code),
                                 state.key if state is not None else None))
        if state is not None:
            kind = effect(ev.code, state.local, self._effects)
            if kind is Effect.FATAL or kind is Effect.KEEPS:
                state.error(ev.code, ev.text, fatal=kind is Effect.FATAL)
                self._touch(state.key)

    def _on_sent(self, ev: OrderSent) -> None:
        self._now = ev.at
        if ev not in self._seen_sent:  # the same event applied again is not another request sent
            self._seen_sent.add(ev)
            self._sent[ev.kind] = self._sent.get(ev.kind, 0) + 1
        if ev.kind == "cancel_all":
            for each in self._orders.values():
                if self._status_of(each).working:
                    each.sent_cancel()
                    self._touch(each.key)
            return
        key = self._key(0, ev.client_id, ev.order_id)
        state = self._orders.get(key) if key is not None else None
        if ev.kind == "new" and state is None and key is not None:
            state = self._orders[key] = OrderState(key, ev.client_id, ev.order_id, key.perm_id, ev.at)
            state.local, state.reported_in = not key.perm_id, self._connections
            state.contract, state.order = ev.contract or ContractRef(), ev.order or OrderFields()
        elif state is None or ev.kind == "new":
            return  # nothing to modify or cancel; a "new" seen again
        elif ev.kind == "modify":
            state.sent_modify(ev.contract, ev.order)
        elif ev.kind == "cancel":
            state.sent_cancel()
        self._touch(state.key)

    def _on_position(self, ev: Position) -> None:
        self._holdings.position(ev, self._connections)

    def _on_end(self, ev: EndOf) -> None:
        if ev.what == "positions":
            self._holdings.ended(self._connections)

    def _status_of(self, state: OrderState) -> OrderStatus:
        tally = self._ledger.tally(state.key)
        return state.status(tally.shares if tally is not None else ZERO)

    def _on_refused(self, ev: Refused) -> None:
        self._now = ev.at
        state = self._ours(ev.order_id)
        self._message(MessageRow(ev.at, ev.order_id, 0, f"{ev.kind} refused: {ev.reason}", Severity.ERROR,
                                 state.key if state is not None else None))

    def _on_connection(self, ev: Connection) -> None:
        """A new connection says everything; other states keep what they do not say (host, port...)."""
        old = self._connection
        if ev.state is ConnState.CONNECTED:
            self._client_id = ev.client_id
            self._connections += 1
            self._connection = ConnectionInfo(ev.state, ev.detail, ev.host, ev.port, ev.client_id,
                                              ev.server_version, ev.at, False)
            return
        down = ev.state in _DOWN
        if down and old.state in _UP and self._gap is None:
            working = tuple(key for key, row in self._shown.items() if row.status.working)
            self._gap = Gap(ev.at, self._ledger.count(), working)
        self._connection = ConnectionInfo(
            ev.state, ev.detail, ev.host or old.host, ev.port or old.port, ev.client_id or old.client_id,
            ev.server_version or old.server_version, ev.at, old.resynced and ev.state in _KEEPS_RESYNC,
            (old.down_since or ev.at) if down and (old.down_since or ev.state is ConnState.LOST) else 0.0,
            ev.retry_at)

    def _on_resynced(self, ev: Resynced) -> None:
        self._now = ev.at or self._now
        stale = self._reconcile()
        if self._gap is not None:
            self._gap_closed = self._gap, self._connection.since  # said once the batch's fills are counted
            self._gap = None
        elif stale:
            self._message(MessageRow(self._now, NO_ID, 0, f"reconciled {stale} order(s) shown working that TWS "
                                     "reported neither open nor completed after the reconnect: now done, "
                                     "as Unreported", Severity.WARNING))
        self._unconfirmed = False
        old = self._connection
        self._connection = ConnectionInfo(old.state, old.detail, old.host, old.port, old.client_id,
                                          old.server_version, old.since, True)

    def _gap_found(self, gap: Gap, back: float) -> None:
        """One row: the fills that arrived since the connection was lost, and the orders that ended."""
        fills = [self._ledger.row_at(i) for i in range(gap.fills, self._ledger.count())]
        ended, serious = [], False
        for key in gap.working:
            state = self._orders.get(key)
            status = self._status_of(state) if state is not None else None
            if status is not None and status.done:
                assert state is not None
                who = f"#{state.order_id}" if state.order_id else f"perm {state.perm_id}"
                ended.append(f"{who} {state.contract.display} {status.value}")
                serious = serious or status is OrderStatus.UNREPORTED
        self._message(MessageRow(self._now, NO_ID, 0, summary(gap.since, back, fills, ended),
                                 Severity.WARNING if serious else Severity.INFO))

    def _reconcile(self) -> int:
        """After a full resync: an order shown working that TWS reported neither open nor completed since
        it connected is done, as unreported (its fills kept), and its ids are free for a new order."""
        now_in, mine, stale = self._connections, self._client_id, 0
        for state in self._orders.values():
            if state.reported_in >= now_in or (mine and state.client_id != mine):
                continue  # reported (or sent) in this connection, or another client's (only client 0 sees all)
            if self._status_of(state).working:
                state.unreported = state.reported or state.first_seen
                self._book.forget_ids(state)
                self._touch(state.key)
                stale += 1
        return stale

    def unreported(self, key: OrderKey) -> tuple[float, str] | None:
        """(when TWS last reported it, its last status) of an order a resync found gone; None if not so."""
        state = self._orders.get(key)
        if state is None or not state.unreported:
            return None
        return state.unreported, state.status_text or OrderStatus.PENDING_SUBMIT.value

    # -- what changed -------------------------------------------------------------------------

    def _flush(self, connection: ConnectionInfo) -> Changes:
        shown, orders = self._shown, self._orders
        for key in self._ledger.settle():
            if key in orders and key not in self._dirty:
                self._dirty[key] = self._now
        removed = []
        for key in self._gone:
            gone = shown.pop(key, None) if key not in orders else None
            if gone is not None:
                removed.append(key)
                self._working -= gone.status.working
        added, updated = [], []
        for key, when in self._dirty.items():
            state = orders.get(key)
            if state is None:
                continue
            key = state.key  # the order's own key object (the one its fills hold), not the event's
            view = state.view(self._ledger.tally(key))
            old = shown.get(key)
            if old is None:
                added.append(key)
            elif view == _view(old):
                continue  # nothing shown changed (a repeated status, a replay): `updated` stays
            else:
                updated.append(key)
                self._working -= old.status.working
            self._working += view[_STATUS].working
            shown[key] = OrderRow(key, *view, when)  # type: ignore[call-arg]  # view: the fields between
        fills_added, fills_updated, totals_changed = self._ledger.flush()
        positions, accounts_changed = self._holdings.flush()
        if self._gap_closed is not None:
            self._gap_found(*self._gap_closed)
            self._gap_closed = None
        changes = Changes(
            tuple(added), tuple(updated), tuple(removed), tuple(self._rekeyed), fills_added,
            fills_updated, tuple(self._new_messages), totals_changed,
            self._connection != connection, tuple(self._new_what_if), positions, accounts_changed,
        )
        self._dirty, self._new_what_if = {}, {}
        self._gone, self._rekeyed, self._new_messages = [], [], []
        return changes


def _named(row: OrderRow) -> str:
    """The order as a message names it: `#5 BUY 100 AAPL PendingSubmit`."""
    o = row.order
    who = f"#{row.order_id}" if row.order_id else f"perm {row.perm_id}"
    return f"{who} {o.action} {o.total_quantity.normalize():f} {row.contract.display} {row.status_text}"


_HANDLERS: dict[type, Callable[[Store, Any], None]] = {
    OpenOrder: Store._on_open_order, StatusUpdate: Store._on_status, CompletedOrder: Store._on_completed,
    OrderBound: Store._on_bound, Execution: Store._on_execution, Commission: Store._on_commission,
    TwsMessage: Store._on_message, OrderSent: Store._on_sent, Refused: Store._on_refused,
    Connection: Store._on_connection, Resynced: Store._on_resynced, EndOf: Store._on_end,
    Position: Store._on_position, PositionPnL: lambda store, ev: store._holdings.pnl(ev),
    AccountPnL: lambda store, ev: store._holdings.account_pnl(ev),
    AccountValue: lambda store, ev: store._holdings.account_value(ev),
}
