"""The simulated TWS's order book: order lifecycle, matching against the market, fills, commissions.

Pure logic on the simulator's own records. Every call returns notices (what happened, in the order
TWS reports it); the server encodes them per client and routes them by who may see the order.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import field, replace
from datetime import datetime
from decimal import Decimal
from typing import Callable, Union

from blotter.records import frozen, record
from blotter.sim import errors, instruments
from blotter.sim.accounting import Ledger, fill_commission, multiplier_of, order_commission
from blotter.sim.market import Market
from blotter.sim.matching import (
    AUCTION_TYPES, DETAIL_NAMES, ORDER_TYPES, TIF_DETAIL_NAMES, TIFS, TRAIL_TYPES, carry_trail, check_trigger,
    ignores_outside_rth, is_held, parse_tws_time, tradable_price, trades_outside_rth, update_trail,
    waits_for_auction,
)
from blotter.sim.model import ContractSpec, Fill, Instrument, OrderSpec, OrderState, SimOrder

WORKING = {"PendingSubmit", "PreSubmitted", "Submitted", "PendingCancel"}
DONE = {"Filled", "Cancelled", "ApiCancelled", "Inactive"}


@frozen
class OrderNotice:
    """Send openOrder (if open_order) and `statuses` copies of orderStatus for this order."""

    order: SimOrder
    open_order: bool = True
    statuses: int = 1


@frozen
class FillNotice:
    """Send execDetails (reqId -1) for this fill."""

    fill: Fill


@frozen
class CommissionNotice:
    """Send the commission report of this fill."""

    fill: Fill


@frozen
class ErrorNotice:
    """Send an error message to one client (id is the order id or request id, -1 for none)."""

    client_id: int
    id: int
    code: int
    text: str


@frozen
class BoundNotice:
    """Tell client 0 which API order id a TWS-entered order now has."""

    order: SimOrder


Notice = Union[OrderNotice, FillNotice, CommissionNotice, ErrorNotice, BoundNotice]


@record
class Faults:
    """Behaviours tests (one-shot) and soak runs (every Nth) ask for."""

    reject_next: str | None = None  # the reason the next place / modify is rejected with
    repeat_status: int = 0  # extra orderStatus copies on every status report
    reject_every: int = 0  # every Nth place / modify is rejected
    correct_every: int = 0  # every Nth fill is followed by a correction of it
    commission_first: bool = False  # send each commission report before its execution
    _requests: int = 0
    _fills: int = 0

    def rejection(self) -> str | None:
        """The reason to reject this place / modify with, if a fault says so."""
        self._requests += 1
        if self.reject_next is not None:
            reason, self.reject_next = self.reject_next, None
            return reason
        if self.reject_every and self._requests % self.reject_every == 0:
            return f"Simulated rejection (one in {self.reject_every})"
        return None

    def corrects_fill(self) -> bool:
        """True when this fill is one a correction follows."""
        self._fills += 1
        return bool(self.correct_every) and self._fills % self.correct_every == 0


@record
class Broker:
    """All orders and fills of one account, across every client, as TWS keeps them."""

    market: Market
    now: Callable[[], datetime]
    account: str = "DU1234567"
    seed: int = 1
    is_open: Callable[[Instrument], bool] = lambda inst: True
    opens_at: Callable[[Instrument], str] = lambda inst: ""  # the next regular open, as TWS's 399 writes it
    faults: Faults = field(default_factory=Faults)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self._perm_ids = itertools.count(1_351_823_300 + rng.randrange(10_000) * 100)
        self._exec_prefix = rng.randrange(0x10000, 0xFFFFF)
        self._exec_seq = itertools.count(int(self.now().timestamp()) & 0xFFFF0000)
        self._bind_ids = itertools.count(-1, -1)
        self.orders: dict[int, SimOrder] = {}  # perm id -> order, in placement order
        self.by_key: dict[tuple[int, int], SimOrder] = {}  # (client id, order id) -> order
        self.max_id: dict[int, int] = {}  # highest order id each client has used
        self.fills: dict[str, Fill] = {}  # exec id up to its last "." -> latest version of the fill
        self.ledger = Ledger()
        self._unacked: set[int] = set()  # perm ids placed but not yet acknowledged by the "exchange"
        self._bulk_specs: dict[tuple[str, Decimal], OrderSpec] = {}
        self._stamped: tuple[datetime | None, str] = (None, "")
        self.day_started: datetime | None = None  # the last day boundary (None: the simulator's first day)
        self.day_marks: dict[tuple[str, int], float] = {}  # each position's value at that boundary
        self.earlier_fills: frozenset[str] = frozenset()  # the fills (by base exec id) of the days before it

    # -- queries ----------------------------------------------------------------------------

    def next_id(self, client_id: int) -> int:
        return max(self.max_id.get(client_id, 0), 0) + 1

    def working(self) -> list[SimOrder]:
        return [o for o in self.orders.values() if o.state.status in WORKING]

    def done(self) -> list[SimOrder]:
        return [o for o in self.orders.values() if o.state.status in DONE]

    # -- requests ---------------------------------------------------------------------------

    def place(self, client_id: int, order_id: int, contract: ContractSpec, spec: OrderSpec) -> list[Notice]:
        """placeOrder: a new order, or a modify when the id names one of this client's orders."""
        existing = self.by_key.get((client_id, order_id))
        if existing is not None:
            return self._modify(existing, contract, spec)
        if order_id <= self.max_id.get(client_id, 0) and order_id > 0:
            return [ErrorNotice(client_id, order_id, *errors.DUPLICATE_ORDER_ID.reply())]
        found = instruments.find(contract)
        if len(found) != 1:
            err = errors.NO_SECURITY_DEFINITION if not found else errors.AMBIGUOUS_CONTRACT
            return [ErrorNotice(client_id, order_id, *err.reply(symbol=contract.symbol))]
        inst = found[0]
        problem = self._check(inst, spec)
        if problem is not None:
            return [ErrorNotice(client_id, order_id, *problem)]
        if spec.what_if:
            return [OrderNotice(self._what_if(client_id, order_id, inst, spec), statuses=0)]
        self.max_id[client_id] = max(self.max_id.get(client_id, 0), order_id)
        if not spec.account:
            spec = replace(spec, account=self.account)
        order = SimOrder(order_id, client_id, next(self._perm_ids), inst, spec, created=self.now())
        self.orders[order.perm_id] = order
        self.by_key[(client_id, order_id)] = order
        reason = self.faults.rejection()
        if reason is not None:
            return self._reject(order, reason)
        notices: list[Notice] = []
        if spec.outside_rth and ignores_outside_rth(spec, inst):
            notices.append(ErrorNotice(client_id, order_id, *errors.OUTSIDE_RTH_IGNORED.reply()))
        if not self._can_trade(order):  # TWS takes the order and says, over several lines, when it will work
            notices.append(ErrorNotice(client_id, order_id, *errors.ORDER_MESSAGE.reply(
                action=spec.action, quantity=f"{spec.total_quantity.normalize():f}",
                description=f"{inst.local_symbol} {inst.primary_exchange or inst.exchange}",
                warning=f"your order will not be placed at the exchange until {self.opens_at(inst)}")))
        order.state.status = "PreSubmitted"
        self._unacked.add(order.perm_id)
        notices.append(self._status(order))
        return notices

    def add_tws_order(self, inst: Instrument, spec: OrderSpec) -> list[Notice]:
        """An order a person entered in TWS itself: owned by client 0, API order id 0 until bound."""
        order = SimOrder(0, 0, next(self._perm_ids), inst, replace(spec, account=spec.account or self.account),
                         created=self.now())
        order.state.status = "PreSubmitted"
        self.orders[order.perm_id] = order
        self._unacked.add(order.perm_id)
        return [self._status(order)]

    def bind_tws_orders(self) -> list[Notice]:
        """Give every open TWS-entered order a negative API order id for client 0 (orderBound)."""
        notices: list[Notice] = []
        for order in self.working():
            if order.client_id == 0 and order.order_id == 0:
                order.order_id = next(self._bind_ids)
                self.by_key[(0, order.order_id)] = order
                notices.append(BoundNotice(order))
        return notices

    def cancel(self, client_id: int, order_id: int) -> list[Notice]:
        """cancelOrder by this client's order id."""
        order = self.by_key.get((client_id, order_id))
        if order is None:
            return [ErrorNotice(client_id, order_id, *errors.CANCEL_NOT_FOUND.reply(order_id=order_id))]
        if order.state.status == "Filled":
            return [ErrorNotice(client_id, order_id, *errors.CANCEL_FILLED.reply(order_id=order_id))]
        if order.state.status in DONE or order.state.status == "PendingCancel":
            return [ErrorNotice(client_id, order_id, *errors.NOT_CANCELLABLE.reply(perm_id=order.perm_id))]
        return self._cancel(order, api=True)

    def global_cancel(self) -> list[Notice]:
        """reqGlobalCancel: every working order of the account, whoever placed it."""
        notices: list[Notice] = []
        for order in self.working():
            if order.state.status != "PendingCancel":
                notices += self._cancel(order, api=True)
        return notices

    # -- the market moves ---------------------------------------------------------------------

    def step(self) -> list[Notice]:
        """One market step: acknowledge new orders, expire, trigger and match working orders."""
        notices: list[Notice] = []
        for order in self.working():
            notices += self.step_order(order)
        return notices

    def step_order(self, order: SimOrder) -> list[Notice]:
        """One market step for one working order: the exchange acknowledges it (Submitted, unless IB
        holds it, or it waits for regular hours: PreSubmitted), it expires, triggers, trades."""
        if order.state.status == "PendingCancel":
            return []
        self._unacked.discard(order.perm_id)
        if self._expired(order):
            return self._finish(order, "Cancelled")
        notices: list[Notice] = []
        can_trade = self._can_trade(order)
        if order.state.status == "PreSubmitted" and not is_held(order.spec) and can_trade:
            order.state.status = "Submitted"
            notices.append(self._status(order))
        if waits_for_auction(order.spec) or not can_trade:
            return notices  # auction orders trade only in the auctions (see `auction`)
        inst = order.instrument
        quote = self.market.quote(inst.con_id)
        update_trail(order, quote, inst.min_tick)
        if check_trigger(order, quote):
            order.state.status = "Submitted"
            notices.append(self._status(order))
        return notices + self._match(order, quote)

    def instant_fill(self, client_id: int, order_id: int, inst: Instrument, action: str, qty: Decimal,
                     price: float) -> list[Notice]:
        """An order of this client that fills whole at once (the flood scenario's bulk fills)."""
        spec = self._bulk_specs.get((action, qty))
        if spec is None:  # one shared (frozen-in-practice) spec per side and size
            spec = self._bulk_specs[(action, qty)] = OrderSpec(action=action, total_quantity=qty, order_type="MKT",
                                                               tif="DAY", account=self.account)
        order = SimOrder(order_id, client_id, next(self._perm_ids), inst, spec, created=self.now())
        self.max_id[client_id] = max(self.max_id.get(client_id, 0), order_id)
        self.orders[order.perm_id] = order
        self.by_key[(client_id, order_id)] = order
        return self._fill(order, qty, price, liquidity=2)

    def auction(self, closing: bool) -> list[Notice]:
        """The open (OPG orders) or close (MOC / LOC) auction: they trade at the last price, whole."""
        notices: list[Notice] = []
        for order in self.working():
            spec = order.spec
            if (closing and spec.order_type in AUCTION_TYPES) or (not closing and spec.tif == "OPG"):
                self._unacked.discard(order.perm_id)
                last = self.market.quote(order.instrument.con_id).last
                limit = spec.lmt_price if spec.order_type in ("LOC", "LMT") else None
                buy = spec.action == "BUY"
                if limit is None or (last <= limit if buy else last >= limit):
                    notices += self._fill(order, order.remaining, last, liquidity=3)
                else:
                    notices += self._finish(order, "Cancelled")
        return notices

    def end_of_day(self) -> list[Notice]:
        """The session ends: DAY orders are cancelled, DTC orders deactivated, and the daily P&L starts
        over from each position's value now."""
        # the day's fills are told by fill, not by time: a manual clock need not move across the boundary
        self.day_started, self.earlier_fills = self.now(), frozenset(self.fills)
        self.day_marks = {}
        for (account, con_id), pos in self.ledger.positions.items():
            inst = instruments.by_con_id(con_id)
            if inst is not None and pos.qty:
                self.day_marks[(account, con_id)] = float(pos.qty) * self.market.quote(con_id).last * \
                    multiplier_of(inst)
        notices: list[Notice] = []
        for order in self.working():
            if order.spec.tif in ("DAY", "", "DTC", "OPG"):
                notices += self._finish(order, "Inactive" if order.spec.tif == "DTC" else "Cancelled")
        return notices

    def correct(self, exec_id: str) -> list[Notice]:
        """Publish a correction of a fill: the same execution with the digits after its last "." bumped."""
        base = exec_id.rsplit(".", 1)[0]
        old = self.fills[base]
        seq = int(old.exec_id.rsplit(".", 1)[1]) + 1
        new = replace(old, exec_id=f"{base}.{seq:02d}")
        self.fills[base] = new
        return [FillNotice(new), CommissionNotice(new)]

    # -- internals ----------------------------------------------------------------------------

    def _check(self, inst: Instrument, spec: OrderSpec) -> tuple[int, str] | None:
        """What TWS would reject this order for, as (code, message), or None."""
        kinds = set(inst.order_types.split(","))
        otype = spec.order_type
        if otype not in ORDER_TYPES or DETAIL_NAMES[otype] not in kinds:
            return errors.UNSUPPORTED_ORDER_TYPE.reply(order_type=otype)
        tif = spec.tif or "DAY"
        if tif not in TIFS or (TIF_DETAIL_NAMES.get(tif, tif) not in kinds and tif != "DAY"):
            return errors.INVALID_TIF.reply(tif=tif)
        if otype in AUCTION_TYPES and tif != "DAY":
            return errors.INVALID_TIF.reply(tif=tif)
        if tif == "OPG" and otype not in ("MKT", "LMT"):
            return errors.INVALID_TIF.reply(tif=tif)
        if tif == "GTD" and parse_tws_time(spec.good_till_date) is None:
            return errors.GTD_NEEDS_DATE.reply()
        qty = spec.total_quantity
        if qty <= 0:
            return errors.BAD_QUANTITY.reply(qty=qty)
        if qty < inst.min_size:
            return errors.BELOW_MIN_SIZE.reply()
        if qty % inst.size_increment != 0:
            return errors.BAD_SIZE_INCREMENT.reply(qty=qty, increment=inst.size_increment)
        if otype in ("LMT", "LOC", "STP LMT", "LIT") and spec.lmt_price is None:
            return errors.MISSING_LIMIT.reply()
        if otype in ("STP", "STP LMT", "MIT", "LIT") and spec.aux_price is None:
            return errors.MISSING_AUX.reply()
        if otype in TRAIL_TYPES and (spec.aux_price is None) == (spec.trailing_percent is None):
            return errors.TRAIL_AMOUNT.reply()
        prices = [spec.lmt_price, spec.trail_stop_price]
        if otype not in TRAIL_TYPES or spec.trailing_percent is None:
            prices.append(spec.aux_price)
        for price in prices:
            if price is not None and price != 0 and not instruments.on_grid(inst, price):
                return errors.OFF_TICK.reply()
        return None

    def _what_if(self, client_id: int, order_id: int, inst: Instrument, spec: OrderSpec) -> SimOrder:
        """A what-if answer: the order with its commission and margin impact, never placed."""
        quote = self.market.quote(inst.con_id)
        price = spec.lmt_price or quote.last
        value = float(spec.total_quantity) * price * multiplier_of(inst)
        rate = {"STK": 0.25, "OPT": 1.0, "FUT": 0.06, "CASH": 0.03}.get(inst.sec_type, 0.25)
        init_before = round(50_000.0 + sum(abs(float(p.qty)) for p in self.ledger.positions.values()), 2)
        change = round(value * rate, 2)
        fee = order_commission(inst, spec.total_quantity, value)
        state = OrderState(
            status="PreSubmitted",
            init_margin_before=init_before, maint_margin_before=round(init_before * 0.9, 2),
            equity_with_loan_before=1_000_000.0,
            init_margin_change=change, maint_margin_change=round(change * 0.9, 2), equity_with_loan_change=0.0,
            init_margin_after=round(init_before + change, 2),
            maint_margin_after=round((init_before + change) * 0.9, 2), equity_with_loan_after=1_000_000.0,
            commission=fee, min_commission=fee, max_commission=fee, commission_currency=inst.currency,
        )
        return SimOrder(order_id, client_id, 0, inst, replace(spec, account=spec.account or self.account), state)

    def _modify(self, order: SimOrder, contract: ContractSpec, spec: OrderSpec) -> list[Notice]:
        cid, oid = order.client_id, order.order_id
        if order.state.status == "Filled":
            return [ErrorNotice(cid, oid, *errors.MODIFY_FILLED.reply())]
        if order.state.status in DONE:
            return [ErrorNotice(cid, oid, *errors.DUPLICATE_ORDER_ID.reply())]
        old = order.spec
        found = instruments.find(contract)
        if (found and found[0].con_id != order.instrument.con_id) or spec.action != old.action \
                or spec.order_type != old.order_type:
            return [ErrorNotice(cid, oid, *errors.MODIFY_MISMATCH.reply())]
        problem = self._check(order.instrument, spec)
        if problem is None and spec.total_quantity < order.filled:
            problem = errors.BAD_QUANTITY.reply(qty=spec.total_quantity)
        reason = self.faults.rejection() if problem is None else None
        if reason is not None:
            problem = errors.REJECTED.reply(reason=reason)
        if problem is not None:  # a rejected modify leaves the order working as it was
            return [ErrorNotice(cid, oid, *problem)]
        order.spec = carry_trail(order, replace(spec, account=spec.account or old.account))
        notices: list[Notice] = [self._status(order)]
        if order.perm_id not in self._unacked and order.state.status == "Submitted" and self._can_trade(order):
            notices += self._match(order, self.market.quote(order.instrument.con_id))
        return notices

    def _reject(self, order: SimOrder, reason: str) -> list[Notice]:
        order.state.status = "Cancelled"
        order.state.completed_status = "Rejected"
        order.state.completed_time = self._stamp()
        return [ErrorNotice(order.client_id, order.order_id, *errors.REJECTED.reply(reason=reason)),
                self._status(order, open_order=False)]

    def _cancel(self, order: SimOrder, api: bool) -> list[Notice]:
        if order.perm_id in self._unacked and not is_held(order.spec):
            self._unacked.discard(order.perm_id)  # cancelled before the exchange acknowledged it
            return [ErrorNotice(order.client_id, order.order_id, *errors.CANCELLED.reply())] + \
                self._finish(order, "ApiCancelled")
        order.state.status = "PendingCancel"
        notices: list[Notice] = [self._status(order)]
        notices.append(ErrorNotice(order.client_id, order.order_id, *errors.CANCELLED.reply()))
        return notices + self._finish(order, "Cancelled")

    def _finish(self, order: SimOrder, status: str) -> list[Notice]:
        order.state.status = status
        order.state.completed_status = {"ApiCancelled": "Cancelled", "Inactive": "Inactive"}.get(status, status)
        order.state.completed_time = self._stamp()
        self._unacked.discard(order.perm_id)
        return [self._status(order)]

    def _status(self, order: SimOrder, open_order: bool = True) -> OrderNotice:
        """Report the order as it is now (a copy: it changes before the server encodes the notice),
        with as many orderStatus copies as the repeat fault asks for."""
        # a final order never changes again: no copy needed (this is the flood's hot path)
        now = order if order.state.status in DONE else replace(order, state=replace(order.state))
        return OrderNotice(now, open_order=open_order, statuses=1 + self.faults.repeat_status)

    def _can_trade(self, order: SimOrder) -> bool:
        """The order's market is in regular hours, or the order may and does trade outside them."""
        return trades_outside_rth(order.spec, order.instrument) or self.is_open(order.instrument)

    def _expired(self, order: SimOrder) -> bool:
        """A GTD order whose goodTillDate the clock has reached."""
        when = parse_tws_time(order.spec.good_till_date) if order.spec.tif == "GTD" else None
        return when is not None and self.now() >= when

    def _match(self, order: SimOrder, quote) -> list[Notice]:
        price = tradable_price(order, quote)
        tif = order.spec.tif
        if price is None:
            return self._finish(order, "Cancelled") if tif in ("IOC", "FOK") else []
        side = order.spec.action if order.spec.action == "BUY" else "SELL"
        con_id = order.instrument.con_id
        if tif == "FOK" and self.market.available(con_id, side) < order.remaining:
            return self._finish(order, "Cancelled")  # all or nothing, and the touch is left as it was
        got = self.market.take(con_id, side, order.remaining)
        notices: list[Notice] = []
        if got > 0:
            resting = order.spec.order_type in ("LMT", "STP LMT", "LIT") and order.filled == 0 \
                and order.created is not None and order.created < self.now()
            notices += self._fill(order, got, price, liquidity=1 if resting else 2)
        if tif == "IOC" and order.state.status in WORKING:
            notices += self._finish(order, "Cancelled")
        return notices

    def _fill(self, order: SimOrder, shares: Decimal, price: float, liquidity: int) -> list[Notice]:
        inst = order.instrument
        mult = multiplier_of(inst)
        before_value = float(order.filled) * order.avg_fill_price * mult
        fee = fill_commission(inst, order.filled, before_value, shares, float(shares) * price * mult)
        side = "BOT" if order.spec.action == "BUY" else "SLD"
        realized = self.ledger.apply(order.spec.account, inst, side, shares, price, fee)
        cum = order.filled + shares
        order.avg_fill_price = (order.avg_fill_price * float(order.filled) + price * float(shares)) / float(cum)
        order.filled = cum
        order.last_fill_price = price
        exec_id = f"{self._exec_prefix:08x}.{next(self._exec_seq) & 0xFFFFFFFF:08x}.01.01"
        fill = Fill(
            exec_id=exec_id, order_id=order.order_id, client_id=order.client_id, perm_id=order.perm_id,
            instrument=inst, time=self.now(), account=order.spec.account,
            exchange=inst.primary_exchange if inst.exchange == "SMART" else inst.exchange,
            side=side, shares=shares, price=price, cum_qty=cum, avg_price=round(order.avg_fill_price, 8),
            order_ref=order.spec.order_ref, model_code=order.spec.model_code, last_liquidity=liquidity,
            commission=fee, commission_currency=inst.currency, realized_pnl=realized,
        )
        self.fills[exec_id.rsplit(".", 1)[0]] = fill
        notices: list[Notice] = [FillNotice(fill)]
        if order.remaining == 0:
            notices += self._finish(order, "Filled")
        else:
            order.state.status = "Submitted"
            notices.append(self._status(order, open_order=False))
        if self.faults.commission_first:
            notices.insert(0, CommissionNotice(fill))
        else:
            notices.append(CommissionNotice(fill))
        if self.faults.corrects_fill():
            notices += self.correct(exec_id)
        return notices

    def _stamp(self) -> str:
        now = self.now().replace(microsecond=0)
        if now != self._stamped[0]:  # formatted once a second, not once a fill
            self._stamped = (now, now.strftime("%Y%m%d %H:%M:%S") + " GMT")
        return self._stamped[1]
