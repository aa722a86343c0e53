"""One order's mutable state inside the Store, and what its row shows.

Statuses vs executions: the status column is TWS's word (orderStatus / openOrder / completedOrder),
but filled, remaining and avg price come from the executions (a completedOrder's filled quantity
stands in until its executions arrive, or when they never do). A working order whose executions
cover its total quantity is shown FILLED (market orders may never get a Filled status); a status
claiming more filled than the executions does not raise `filled`. Filled / Cancelled / ApiCancelled
and completed orders are final: a later (stale, replayed) working status does not bring them back.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Callable

from blotter.domain.events import ContractRef, OrderFields
from blotter.domain.keys import OrderKey, known_order_id, order_key
from blotter.domain.rows import ZERO
from blotter.domain.status import OrderStatus
from blotter.domain.tally import Tally

# the words TWS sends
_PARSED: dict[str, OrderStatus] = {s.value: s for s in OrderStatus if s is not OrderStatus.UNREPORTED}
FINAL = frozenset({OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.API_CANCELLED})
NO_CONTRACT, NO_ORDER_FIELDS = ContractRef(), OrderFields()  # frozen: one shared by every order not yet echoed


class OrderState:
    """What the Store knows of one order; `view` is what its row shows."""

    __slots__ = ("key", "client_id", "order_id", "perm_id", "contract", "order", "tws_status", "status_text",
                 "status_remaining", "why_held", "local", "rejected", "cancel_pending", "cancel_from",
                 "modify_pending", "last_error", "completed", "completed_status", "completed_time",
                 "reported_filled", "reported", "reported_in", "unreported", "first_seen")

    def __init__(self, key: OrderKey, client_id: int, order_id: int, perm_id: int, seen: float) -> None:
        self.key = key
        self.client_id, self.order_id, self.perm_id = client_id, order_id, perm_id
        self.contract, self.order = NO_CONTRACT, NO_ORDER_FIELDS
        self.tws_status: OrderStatus | None = None
        self.status_text = ""
        self.status_remaining: Decimal | None = None
        self.why_held = ""
        self.local = self.rejected = self.cancel_pending = self.modify_pending = self.completed = False
        self.cancel_from: OrderStatus | None = None
        self.last_error: tuple[int, str] | None = None
        self.completed_status = self.completed_time = ""
        self.reported_filled = ZERO  # completedOrder's filled quantity, for a row whose executions are not here
        self.reported = 0.0  # when TWS last reported the order (openOrder, orderStatus, completedOrder)
        self.reported_in = 0  # the Store's connection count then (or when we sent it)
        self.unreported = 0.0  # a resync found it neither open nor completed: its last report (or first sight)
        self.first_seen = seen

    def take_status(self, text: str) -> None:
        """TWS's status: a repeat changes nothing; final words are not taken back by a later working one."""
        new = _PARSED.get(text)
        if new is None:
            new = OrderStatus.parse(text)
        else:
            text = new._value_  # the status' own string, not one each event brought (not the slower .value)
        if self.completed or (not new.done and self.tws_status in FINAL):
            return
        if self.cancel_pending and (new.done or new is OrderStatus.PENDING_CANCEL
                                    or (self.cancel_from is not None and new is not self.cancel_from)):
            self.cancel_pending = False  # TWS answered the cancel; a repeat, or the first ack of the order, is not
        self.tws_status, self.status_text, self.local = new, text, False

    def complete(self, status: str, completed_status: str, completed_time: str) -> None:
        """completedOrder: the order is finished, whatever was shown before."""
        parsed = _PARSED.get(status)
        self.tws_status, self.status_text = parsed or OrderStatus.parse(status), parsed.value if parsed else status
        self.completed, self.completed_status, self.completed_time = True, completed_status, completed_time
        self.local = self.cancel_pending = self.modify_pending = False

    def sent_modify(self, contract: ContractRef | None, order: OrderFields | None) -> None:
        """Our modify: flagged until TWS echoes the order; before any echo, what we sent is all there is."""
        self.last_error = None
        if self.local:
            self.contract, self.order = contract or self.contract, order or self.order
        else:
            self.modify_pending = not self.completed

    def sent_cancel(self) -> None:
        if not self.completed and not (self.tws_status and self.tws_status.done):
            self.cancel_pending, self.cancel_from, self.last_error = True, self.tws_status, None

    def error(self, code: int, text: str, fatal: bool = True) -> None:
        """An error for this order: shown on the row; a fatal one rejects the order if TWS never acknowledged it."""
        self.last_error = (code, text)
        self.cancel_pending = self.modify_pending = False
        if self.local and fatal:
            self.rejected = True

    def absorb(self, other: OrderState) -> None:
        """Merge a (client, order id) row into this perm-id row for the same order."""
        self.first_seen = min(self.first_seen, other.first_seen)
        self.reported_filled = max(self.reported_filled, other.reported_filled)
        if self.order == NO_ORDER_FIELDS:
            self.contract, self.order = other.contract, other.order
        if self.last_error is None:
            self.last_error = other.last_error
        self.cancel_pending |= other.cancel_pending and not self.completed
        self.modify_pending |= other.modify_pending and not self.completed
        if not self.client_id and not self.order_id:
            self.client_id, self.order_id = other.client_id, other.order_id

    def status(self, filled: Decimal) -> OrderStatus:
        if self.unreported:
            return OrderStatus.UNREPORTED
        if self.tws_status is not None:
            status = self.tws_status
        elif self.rejected:
            return OrderStatus.INACTIVE
        else:
            status = OrderStatus.PENDING_SUBMIT
        if status.done:
            return status
        total = self.order.total_quantity
        if total > ZERO and filled >= total:  # ZERO, not 0: no Decimal made of an int to compare
            return OrderStatus.FILLED
        return OrderStatus.PENDING_CANCEL if self.cancel_pending else status

    def view(self, tally: Tally | None) -> tuple:
        """Everything its row shows but key and `updated`, in OrderRow's field order (cheap to compare)."""
        filled = tally.shares if tally is not None else ZERO
        if self.reported_filled > filled:
            filled = self.reported_filled
        status = self.status(filled)
        total = self.order.total_quantity
        if total > ZERO:
            left = total - filled
            remaining = left if left > ZERO else ZERO  # the one zero, not one a filled order
        else:  # no openOrder yet: TWS's remaining is all we have
            remaining = self.status_remaining if self.status_remaining is not None else ZERO
        status_text = self.status_text if status is self.tws_status else status.value
        if tally is None:
            avg, fills, commission, currency, pnl = None, 0, 0.0, "", None
        else:
            avg, fills, commission, currency = tally.avg_price(), tally.fills, float(tally.commission), tally.currency
            pnl = float(tally.pnl) if tally.pnl_fills else None
        order = self.order
        if total == ZERO and filled > ZERO and status.done:  # known only from a completedOrder of an older journal
            order = replace(order, total_quantity=filled)
        return (self.order_id, self.client_id, self.perm_id, self.contract, order, status, status_text,
                filled, remaining, avg, fills, commission, currency, pnl, self.last_error, self.local,
                self.modify_pending, self.why_held, self.completed_status, self.completed_time, self.first_seen)


class OrderBook:
    """Order states by key, and what TWS told us of (client id, order id) -> perm id, to re-key rows."""

    def __init__(self) -> None:
        self.states: dict[OrderKey, OrderState] = {}
        self._perms: dict[int, dict[int, int]] = {}  # client id -> order id -> perm id (no tuple an order)

    def key(self, perm_id: int, client_id: int, order_id: int) -> OrderKey | None:
        """The key an event's ids name: the perm id if it or the ids' known perm id is there."""
        if not perm_id and known_order_id(order_id):
            perm_id = self._perm(client_id, order_id)
        return order_key(perm_id, client_id, order_id)

    def forget_ids(self, state: OrderState) -> None:
        """A stale order's (client, order id) no longer names it: TWS may give those ids to a new order."""
        ids = self._perms.get(state.client_id)
        if ids is not None and ids.get(state.order_id) == state.perm_id:
            del ids[state.order_id]

    def _perm(self, client_id: int, order_id: int) -> int:
        ids = self._perms.get(client_id)
        return ids.get(order_id, 0) if ids is not None else 0

    def known(self, perm_id: int, client_id: int, order_id: int) -> OrderState | None:
        """The order of the usual event: its ids' perm id learnt already (nothing to re-key), its state there.

        Only known order ids are ever learnt, so the caller may take the event's ids as the order's."""
        ids = self._perms.get(client_id)
        if ids is None or ids.get(order_id) != perm_id:  # a perm id held is never 0
            return None
        return self.states.get((perm_id, 0, 0))  # type: ignore[call-overload]  # equal to OrderKey(perm_id)

    def learn(self, perm_id: int, client_id: int, order_id: int) -> tuple[OrderKey, OrderKey] | None:
        """Remember the perm id of (client, order id); (old key, new key) if a row keyed by the ids moved."""
        if not perm_id or not known_order_id(order_id):
            return None
        ids = self._perms.get(client_id)
        if ids is None:
            ids = self._perms[client_id] = {}
        elif ids.get(order_id) == perm_id:
            return None
        ids[order_id] = perm_id
        state = self.states.pop((0, client_id, order_id), None)  # type: ignore[call-overload]  # a plain tuple finds its equal OrderKey
        if state is None:
            return None
        old_key, new_key = state.key, OrderKey(perm_id)
        target = self.states.get(new_key)
        if target is None:
            state.key, state.perm_id, state.local = new_key, perm_id, False
            self.states[new_key] = state
        else:  # both known separately: one order, one row
            target.absorb(state)
        return old_key, new_key

    def get_or_add(self, key: OrderKey, client_id: int, order_id: int, seen: float,
                   same_key: Callable[[OrderKey], OrderKey] | None = None) -> OrderState:
        """The order's state, made if new (keyed by `same_key(key)`: an equal key object already held)."""
        state = self.states.get(key)
        if state is None:
            oid = order_id if known_order_id(order_id) else 0
            if same_key is not None:
                key = same_key(key)
            state = self.states[key] = OrderState(key, client_id, oid, key.perm_id, seen)
        elif known_order_id(order_id):
            state.client_id, state.order_id = client_id, order_id
        return state
