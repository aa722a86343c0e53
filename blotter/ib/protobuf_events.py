"""The protobuf messages a day is made of, read straight into the blotter's events: orderStatus,
openOrder, completedOrder, execDetails and the commission report (server version 201 on).

ibapi's protobuf decoder parses each message, then copies it field by field (about 140 HasField calls
for an order) into its Contract, Order and OrderState objects, of which the Bridge reads some thirty
attributes. Here the message is parsed by the same generated class and the events are made by the
Bridge's own builders, which read the protobuf message by the attribute names it shares with ibapi's
objects; a field whose absence ibapi reads otherwise than protobuf's empty value (an unset price, a
quantity) is looked at with HasField. A message is vetted as every protobuf message is
(blotter.ib._ibapi.vet) wherever vetting could refuse it: where it, or a message it holds, has unknown
fields (a contract seen before has none).
tests/ib/test_protobuf_events.py compares both ways on the simulator's frames and on generated ones.

One deliberate difference: a commission report without a realized P&L (an opening fill) reads as
unset, as in the text protocol, where ibapi's protobuf decoder reads it as 0.0. A what-if openOrder
(margins and commissions in other forms) is left to ibapi's decoder: it is not a day's traffic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from google.protobuf.unknown_fields import UnknownFieldSet
from ibapi.const import NO_VALID_ID, UNSET_DOUBLE, UNSET_INTEGER, UNSET_LONG
from ibapi.message import IN
from ibapi.protobuf.CommissionAndFeesReport_pb2 import CommissionAndFeesReport
from ibapi.protobuf.CompletedOrder_pb2 import CompletedOrder
from ibapi.protobuf.ExecutionDetails_pb2 import ExecutionDetails
from ibapi.protobuf.OpenOrder_pb2 import OpenOrder
from ibapi.protobuf.OrderStatus_pb2 import OrderStatus
from ibapi.utils import floatMaxString

from blotter.domain import events as ev
from blotter.ib import convert
from blotter.ib._ibapi.decode import shared
from blotter.ib.bridge import commission_event, completed_order_event, execution_event, open_order_event, status_event

_QUANTITIES: dict[str, Decimal] = {}
_ZERO = Decimal(0)


def _quantity(text: str) -> Decimal:
    """convert.quantity of ibapi's Decimal(text) (bad text raises), one object per repeated text."""
    amount = _QUANTITIES.get(text)
    return amount if amount is not None else shared(_QUANTITIES, text, convert.quantity(Decimal(text)))


def _contract(c: Any) -> ev.ContractRef:
    """convert.contract_ref_of the contract, looked up by its encoding: one call, not a dozen field reads.
    Only for a contract vetted since it was parsed: what it keeps in _REFS must hold no unknown field."""
    key = c.SerializeToString()
    ref = _REFS.get(key)
    if ref is None:
        if len(_REFS) >= convert.CONTRACTS_KEPT:
            _REFS.clear()
        has = c.HasField
        ref = _REFS[key] = convert.contract_ref_of(
            c.conId, c.symbol, c.secType, c.exchange, c.primaryExch, c.currency, c.localSymbol, c.tradingClass,
            floatMaxString(c.multiplier) if has("multiplier") else "", c.lastTradeDateOrContractMonth,
            c.strike if has("strike") else UNSET_DOUBLE, c.right)
    return ref


# A vetted contract's encoding -> its ref (on the ibapi thread only). Equal encodings are equal contracts;
# and vetting drops unknown fields, so a contract whose encoding is here has none, nor do the messages it
# holds: what holds it needs vetting only if another of its parts has some.
_REFS: dict[bytes, ev.ContractRef] = {}


def _order_fields(o: Any) -> ev.OrderFields:
    has = o.HasField
    return convert.order_fields_of(
        o, _quantity(t) if (t := o.totalQuantity) or has("totalQuantity") else _ZERO,
        v if (v := o.lmtPrice) or has("lmtPrice") else UNSET_DOUBLE,
        v if (v := o.auxPrice) or has("auxPrice") else UNSET_DOUBLE,
        v if (v := o.trailingPercent) or has("trailingPercent") else UNSET_DOUBLE,
        v if (v := o.trailStopPrice) or has("trailStopPrice") else UNSET_DOUBLE)


_unknown = UnknownFieldSet  # a message's own unknown fields, not those of the messages it holds


def _order_holds_unknown(o: Any, state: Any) -> bool:
    """Whether an order or its state has unknown fields, or holds messages that might (its maps of text
    aside: vetting skips them)."""
    return bool(_unknown(o) or _unknown(state) or o.conditions or o.HasField("softDollarTier")
                or state.orderAllocations)


class ProtobufEvents:
    """Reads the hot protobuf messages into events for `bridge` (a blotter.ib.bridge.Bridge): `readers`
    is what the blotter's Client reads this way, by message id; a reader that returns False leaves that
    message to ibapi's decoder, as is everything else."""

    def __init__(self, bridge: Any) -> None:
        self.bridge = bridge
        self.readers: dict[int, Callable[[bytes], bool]] = {
            IN.ORDER_STATUS: self.order_status, IN.OPEN_ORDER: self.open_order,
            IN.COMPLETED_ORDER: self.completed_order, IN.EXECUTION_DATA: self.execution,
            IN.COMMISSION_AND_FEES_REPORT: self.commission,
        }

    def _vet(self, message: Any, payload: bytes) -> None:
        """Vet `message`, parsed from `payload`, as every protobuf message is (it raises if refused). Vetting
        refuses only a message with unknown fields in it or in a message it holds: each reader calls this
        only for a message that may have some."""
        bridge = self.bridge
        bridge.frame = payload
        bridge.vet(message)

    def order_status(self, payload: bytes) -> bool:
        m = OrderStatus.FromString(payload)
        if _unknown(m):
            self._vet(m, payload)
        has = m.HasField  # asked only of a field whose value is its empty one: set so, or absent?
        self.bridge.put(status_event(
            v if (v := m.orderId) or has("orderId") else UNSET_INTEGER, m.status,
            _quantity(t) if (t := m.filled) or has("filled") else _ZERO,
            _quantity(t) if (t := m.remaining) or has("remaining") else _ZERO,
            v if (v := m.avgFillPrice) or has("avgFillPrice") else UNSET_DOUBLE,
            v if (v := m.permId) or has("permId") else UNSET_LONG,
            v if (v := m.parentId) or has("parentId") else UNSET_INTEGER,
            v if (v := m.lastFillPrice) or has("lastFillPrice") else UNSET_DOUBLE,
            v if (v := m.clientId) or has("clientId") else UNSET_INTEGER, m.whyHeld,
            v if (v := m.mktCapPrice) or has("mktCapPrice") else UNSET_DOUBLE, self.bridge.clock()))
        return True

    def _order_message(self, cls: Any, payload: bytes) -> tuple[Any, ev.ContractRef | None] | None:
        """An openOrder or completedOrder, vetted where it could be refused, and its contract's ref if seen
        before; None (dropped, as ibapi drops it) without its contract, order or state."""
        m = cls.FromString(payload)
        contract = _REFS.get(m.contract.SerializeToString())
        if contract is None or _unknown(m) or _order_holds_unknown(m.order, m.orderState):
            self._vet(m, payload)
        if not (m.HasField("contract") and m.HasField("order") and m.HasField("orderState")):
            return None
        return m, contract

    def open_order(self, payload: bytes) -> bool:
        read = self._order_message(OpenOrder, payload)
        if read is None:
            return True
        m, contract = read
        o = m.order
        if o.whatIf:
            return False
        bridge = self.bridge
        bridge.put(open_order_event(m.orderId, contract or _contract(m.contract), _order_fields(o), o, m.orderState,
                                    bridge.clock(), {}))
        return True

    def completed_order(self, payload: bytes) -> bool:
        read = self._order_message(CompletedOrder, payload)
        if read is None:
            return True
        m, contract = read
        o = m.order
        bridge = self.bridge
        bridge.put(completed_order_event(o.orderId, contract or _contract(m.contract),
                                         _order_fields(o), o, m.orderState,
                                         _quantity(t) if (t := o.filledQuantity) else _ZERO,
                                         bridge.clock()))
        return True

    def execution(self, payload: bytes) -> bool:
        m = ExecutionDetails.FromString(payload)
        contract = _REFS.get(m.contract.SerializeToString())
        if contract is None or _unknown(m) or _unknown(m.execution):
            self._vet(m, payload)
        if not (m.HasField("contract") and m.HasField("execution")):
            return True
        e = m.execution
        bridge = self.bridge
        bridge.put(execution_event(v if (v := m.reqId) or m.HasField("reqId") else NO_VALID_ID,
                                   contract or _contract(m.contract), e, _quantity(t) if (t := e.shares) else _ZERO,
                                   _quantity(t) if (t := e.cumQty) else _ZERO, bridge.clock()))
        return True

    def commission(self, payload: bytes) -> bool:
        m = CommissionAndFeesReport.FromString(payload)
        if _unknown(m):
            self._vet(m, payload)
        bridge = self.bridge
        bridge.put(commission_event(m, v if (v := m.realizedPNL) or m.HasField("realizedPNL") else UNSET_DOUBLE,
                                    bridge.clock()))
        return True
